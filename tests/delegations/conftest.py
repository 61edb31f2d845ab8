import pytest
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def delegation(db):
    return factories.StateDelegationFactory(
        country="KE", name="Kenya", code="ken", mission="Embassy of Kenya, Hanoi", badge_quota=5
    )


@pytest.fixture
def focal_user(delegation):
    return factories.FocalPointFactory(delegation=delegation, user__username="focal-ken").user


@pytest.fixture
def focal_client(client, focal_user):
    client.force_login(focal_user)
    return client


@pytest.fixture
def api(focal_user):
    """The API as the focal point calls it."""
    client = APIClient()
    client.force_authenticate(focal_user)
    return client


@pytest.fixture
def ready(delegation, focal_user):
    """A delegation ready to submit: details, a note verbale and two complete members."""
    delegation.contact_email = "mfa@ke.example"
    delegation.save()
    factories.DocumentFactory(delegation=delegation)
    return factories.MemberFactory.create_batch(2, delegation=delegation, with_photo=True)


def member_data(**overrides):
    """A complete member as the portal form would post it."""
    data = {
        "title": "Ms",
        "family_name": "Wanjiru",
        "given_names": "Grace",
        "badge_name": "",
        "function": "Counsellor",
        "protocol_rank": 100,
        "role": "delegate",
        "gender": "female",
        "date_of_birth": "1981-03-04",
        "nationality": "KE",
        "passport_number": "AK1234567",
        "passport_expiry": "2031-06-30",
        "email": "grace@example.org",
        "phone": "+254 700 000000",
        "language": "en",
        "arrival": "",
        "departure": "",
        "dietary_needs": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data
