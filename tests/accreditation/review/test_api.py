"""Review and vetting over the API: scoped, coded errors, audited, same rules as the pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accreditation.models import AccreditationStatus
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import accreditation, approved, staff

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def api(role):
    client = APIClient()
    user = staff(role) if role else factories.FocalPointFactory().user
    client.force_authenticate(user)
    return client, user


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (None, "api-review-queue"),
        (None, "api-vetting-queue"),
        ("Gate officer", "api-review-queue"),
        ("Security officer", "api-review-queue"),
        ("Accreditation officer", "api-vetting-queue"),
        ("Protocol officer", "api-vetting-queue"),
    ],
)
def test_queues_refused_to_others(role, name):
    accreditation(S.SUBMITTED)
    client, _ = api(role)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "results" not in response.json()


def test_anonymous_is_refused():
    response = APIClient().get(reverse("api-review-queue"))
    # Session authentication comes first in the settings, so DRF answers 403, not 401 with a challenge.
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [1, 3])
def test_review_queue_query_count(django_assert_num_queries, rows):
    for _ in range(rows):
        accreditation(S.SUBMITTED)
    client, _ = api("Accreditation officer")
    with django_assert_num_queries(4):
        response = client.get(reverse("api-review-queue"))
    assert response.json()["count"] == rows
    first = response.json()["results"][0]
    assert set(first["member"]) >= {"family_name", "delegation", "has_photo"}


@pytest.mark.parametrize("rows", [1, 3])
def test_vetting_queue_query_count_and_no_passport_in_the_list(django_assert_num_queries, ref, rows):
    zones, categories = ref
    for _ in range(rows):
        approved(categories, zones)
    client, _ = api("Security officer")
    with django_assert_num_queries(4):
        response = client.get(reverse("api-vetting-queue"))
    body = response.json()
    assert body["count"] == rows
    assert "passport_number" not in body["results"][0]["member"]
    assert body["results"][0]["category"] == "DEL"


def test_review_queue_searches_names_without_accents():
    wanted = accreditation(S.SUBMITTED, family_name="Nguyễn")
    accreditation(S.SUBMITTED, family_name="Smith")
    client, _ = api("Accreditation officer")
    response = client.get(reverse("api-review-queue"), {"q": "nguyen"})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_bad_filters_answer_400_with_a_code():
    client, _ = api("Accreditation officer")
    for query in (
        {"status": "approved"},
        {"kind": "planet"},
        {"category": "NOPE"},
        {"delegation": "x"},
        {"delegation": "9" * 25},
    ):
        response = client.get(reverse("api-review-queue"), query)
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"


def test_vetting_record_is_audited_and_shows_only_vetting_data(ref):
    zones, categories = ref
    acc = approved(categories, zones, email="private@example.org", phone="+84 1")
    client, user = api("Security officer")
    body = client.get(reverse("api-vetting-record", args=[acc.pk])).json()
    assert body["member"]["passport_number"] == acc.member.passport_number
    assert body["member"]["date_of_birth"] == "1980-05-17"
    assert "email" not in str(body) and "private@example.org" not in str(body)
    assert AuditEntry.objects.get(action="accreditation.vetting_view").actor == user


def test_approve_by_rule_or_by_codes(ref):
    zones, categories = ref
    by_rule, by_codes = accreditation(S.SUBMITTED), accreditation(S.UNDER_REVIEW)
    client, _ = api("Accreditation officer")
    response = client.post(reverse("api-review-approve", args=[by_rule.pk]), {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["category"] == "NGO"
    response = client.post(
        reverse("api-review-approve", args=[by_codes.pk]),
        {"category": "UN", "zones": ["PLN", "SIG"]},
        format="json",
    )
    assert response.json()["category"] == "UN"
    by_codes.refresh_from_db()
    assert sorted(z.code for z in by_codes.zones.all()) == ["PLN", "SIG"]


def test_illegal_transition_answers_400_with_its_code(ref):
    acc = accreditation(S.REJECTED)
    client, _ = api("Accreditation officer")
    response = client.post(reverse("api-review-approve", args=[acc.pk]), {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    acc.refresh_from_db()
    assert acc.status == S.REJECTED


def test_unknown_zone_code_and_missing_reason_answer_400(ref):
    acc = accreditation(S.SUBMITTED)
    client, _ = api("Accreditation officer")
    response = client.post(reverse("api-review-approve", args=[acc.pk]), {"zones": ["MARS"]}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["zones"]
    response = client.post(reverse("api-review-return", args=[acc.pk]), {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["reason"]
    acc.refresh_from_db()
    assert acc.status == S.SUBMITTED
    assert client.post(reverse("api-review-reject", args=[999999]), {"reason": "x"}).status_code == 404


def test_return_and_reject_through_the_api(ref):
    one, two = accreditation(S.SUBMITTED), accreditation(S.SUBMITTED)
    client, _ = api("Accreditation officer")
    assert client.post(reverse("api-review-return", args=[one.pk]), {"reason": "photo"}).json()["status"] == (
        "returned"
    )
    assert client.post(reverse("api-review-reject", args=[two.pk]), {"reason": "no"}).json()["status"] == (
        "rejected"
    )
    assert OutgoingEmail.objects.count() == 2


def test_clear_and_refuse_through_the_api(ref):
    zones, categories = ref
    one, two = approved(categories, zones), approved(categories, zones)
    client, _ = api("Security officer")
    assert client.post(reverse("api-vetting-clear", args=[one.pk]), {}).json()["status"] == "cleared"
    response = client.post(reverse("api-vetting-refuse", args=[two.pk]), {"note": ""})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert (
        client.post(reverse("api-vetting-refuse", args=[two.pk]), {"note": "x"}).json()["status"] == "refused"
    )


def test_officers_cannot_decide_for_security_and_back(ref):
    zones, categories = ref
    acc = approved(categories, zones)
    client, _ = api("Accreditation officer")
    assert client.post(reverse("api-vetting-clear", args=[acc.pk]), {}).status_code == 403
    sub = accreditation(S.SUBMITTED)
    client, _ = api("Security officer")
    assert client.post(reverse("api-review-approve", args=[sub.pk]), {}).status_code == 403
    acc.refresh_from_db()
    sub.refresh_from_db()
    assert (acc.status, sub.status) == (S.APPROVED, S.SUBMITTED)
