import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from delegations.models import Member
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db


def _member_json(**overrides):
    data = member_data(**overrides)
    data.pop("arrival")
    data.pop("departure")
    return data


def test_get_and_patch_the_delegation(api, delegation):
    response = api.get(reverse("api-delegation"))
    assert response.json()["name"] == "Kenya"
    assert "no-store" in response["Cache-Control"]
    url = reverse("api-delegation")
    response = api.patch(url, {"mission": "Embassy in Hanoi", "name": "Other"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "name_locked"
    assert "name" in response.json()["errors"]
    delegation.refresh_from_db()
    assert (delegation.mission, delegation.name) == ("Embassy of Kenya, Hanoi", "Kenya")
    response = api.patch(url, {"mission": "Embassy in Hanoi", "name": "Kenya"}, format="json")
    assert response.status_code == 200
    delegation.refresh_from_db()
    assert delegation.mission == "Embassy in Hanoi"


def test_token_authentication(delegation, focal_user):
    token = Token.objects.create(user=focal_user)
    client = APIClient()
    # Session authentication comes first and sends no WWW-Authenticate challenge: 403, not 401.
    assert client.get(reverse("api-members")).status_code == 403
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("api-members")).json() == []


def test_staff_without_delegation_is_refused(secretariat_user):
    client = APIClient()
    client.force_authenticate(secretariat_user)
    response = client.get(reverse("api-members"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_create_member_and_upload_photo(api, delegation):
    response = api.post(
        reverse("api-members"), _member_json(given_names="伟", family_name="王"), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["badge_name"] == "伟 王"
    assert body["passport_masked"].endswith("567")
    assert "passport_number" not in body
    assert body["has_photo"] is False
    photo = SimpleUploadedFile("p.jpg", factories.jpeg_bytes(), content_type="image/jpeg")
    response = api.post(reverse("api-member-photo", args=[body["id"]]), {"photo": photo}, format="multipart")
    assert response.status_code == 200
    assert response.json()["has_photo"] is True


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"family_name": "A" * 300}, "family_name", "invalid"),
        ({"gender": "unknown"}, "gender", "invalid"),
        ({"passport_expiry": "2001-01-01"}, "passport_expiry", "passport_expired"),
        ({"date_of_birth": "yesterday"}, "date_of_birth", "invalid"),
    ],
)
def test_invalid_member_answers_400_with_field_errors(api, delegation, overrides, field, code):
    response = api.post(reverse("api-members"), _member_json(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert field in body["errors"]
    assert not Member.objects.exists()


def test_duplicate_passport_answers_400(api, delegation):
    factories.MemberFactory(passport_number="AK1234567")
    response = api.post(reverse("api-members"), _member_json(), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_passport"


def test_bad_photo_answers_400(api, delegation):
    member = factories.MemberFactory(delegation=delegation)
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90 program", content_type="image/jpeg")
    response = api.post(reverse("api-member-photo", args=[member.pk]), {"photo": fake}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "photo_invalid"


def test_update_and_delete_member(api, delegation):
    member = factories.MemberFactory(delegation=delegation)
    response = api.patch(reverse("api-member", args=[member.pk]), {"function": "Ambassador"}, format="json")
    assert response.json()["function"] == "Ambassador"
    assert api.delete(reverse("api-member", args=[member.pk])).status_code == 204
    assert not Member.objects.filter(pk=member.pk).exists()


def test_locked_member_answers_400_member_locked(api, delegation):
    member = factories.MemberFactory(delegation=delegation, is_locked=True)
    response = api.patch(reverse("api-member", args=[member.pk]), {"function": "X"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "member_locked"


def test_other_delegations_member_is_404(api, delegation):
    other = factories.MemberFactory(family_name="Secret")
    assert api.get(reverse("api-member", args=[other.pk])).status_code == 404
    assert api.delete(reverse("api-member", args=[other.pk])).status_code == 404
    assert Member.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_member_list_query_count(api, delegation, django_assert_num_queries, count):
    factories.MemberFactory.create_batch(count, delegation=delegation)
    factories.MemberFactory.create_batch(2)  # another delegation's: never listed
    # focal point + delegation, members
    with django_assert_num_queries(2):
        response = api.get(reverse("api-members"))
    assert len(response.json()) == count


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/delegation/members/{id}/photo/" in schema
    assert "/portal/accreditation/api/submit/" in schema


def test_an_organisation_without_country_reads_fine():
    organisation = factories.DelegationFactory(name="UNODC", code="unodc")
    client = APIClient()
    client.force_authenticate(factories.FocalPointFactory(delegation=organisation).user)
    body = client.get(reverse("api-delegation")).json()
    assert (body["name"], body["country"]) == ("UNODC", "")
