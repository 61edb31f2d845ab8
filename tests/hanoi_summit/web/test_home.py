import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("Secretariat", "/dashboard/"),
        ("Accreditation officer", "/accreditation/"),
        ("Security officer", "/accreditation/security/"),
        ("Protocol officer", "/protocol/"),
        ("Gate officer", "/protocol/checkin/"),
    ],
)
def test_staff_land_on_the_page_their_work_begins_on(client, role, landing):
    client.force_login(factories.StaffUserFactory(role=role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == landing


def test_focal_point_lands_on_the_portal_and_the_public_on_the_programme(client):
    assert client.get("/")["Location"] == "/programme/"
    client.force_login(factories.FocalPointFactory().user)
    assert client.get("/")["Location"] == "/portal/"


def test_staff_login_through_the_portal_form_reaches_their_work(client):
    factories.StaffUserFactory(role="Protocol officer", username="protocol")
    response = client.post(
        "/portal/login/", {"username": "protocol", "password": "pw-Hanoi-2025"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/protocol/"
