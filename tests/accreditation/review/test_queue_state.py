"""The queues keep the officer's place: a decision leads back to the queue as it was left
(search, filters, page), or with "save and next" to the next person of the same queue."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus
from tests import factories
from tests.accreditation.review_helpers import accreditation, approved, staff
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def _waiting(family_name, day, status=S.SUBMITTED, delegation=None):
    acc = accreditation(status, family_name=family_name, delegation=delegation)
    acc.submitted_at = hanoi_time(day, 9)
    acc.save()
    return acc


@pytest.fixture
def nguyens():
    viet_nam = factories.StateDelegationFactory(name="Viet Nam", country="VN", code="vnm")
    first = _waiting("Nguyễn", -9, delegation=viet_nam)
    _waiting("Smith", -8, delegation=viet_nam)
    second = _waiting("NGUYEN", -7, delegation=viet_nam)
    third = _waiting("Nguyễn", -6)  # another delegation
    return first, second, third


def _split(location):
    url = urlsplit(location)
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def test_the_queue_finds_names_without_accents(client, nguyens):
    client.force_login(staff("Accreditation officer"))
    page = client.get(reverse("review:queue"), {"q": "nguyen"}).context["page"]
    assert [a.pk for a in page] == [a.pk for a in nguyens]


def test_a_decision_goes_back_to_the_queue_as_it_was(client, ref, nguyens):
    first, _second, _third = nguyens
    client.force_login(staff("Accreditation officer"))
    state = "q=nguyen&delegation=Viet+Nam&page=1"
    detail = client.get(f"{reverse('review:detail', args=[first.pk])}?{state}")
    assert f'name="queue" value="{state.replace("&", "&amp;")}"' in detail.content.decode()
    response = client.post(
        reverse("review:approve", args=[first.pk]), {"category": ref[1]["DEL"].pk, "queue": state}
    )
    assert _split(response["Location"]) == (
        reverse("review:queue"),
        {"q": "nguyen", "delegation": "Viet Nam", "page": "1"},
    )


def test_save_and_next_opens_the_next_person_of_the_same_filtered_queue(client, ref, nguyens):
    first, second, third = nguyens
    client.force_login(staff("Accreditation officer"))
    state = "q=nguyen&delegation=vnm"
    response = client.post(
        reverse("review:approve", args=[first.pk]),
        {"category": ref[1]["DEL"].pk, "queue": state, "next": "1"},
    )
    # Smith is skipped (not a match), and so is the Nguyễn of another delegation.
    assert _split(response["Location"]) == (
        reverse("review:detail", args=[second.pk]),
        {"q": "nguyen", "delegation": "vnm"},
    )
    response = client.post(
        reverse("review:reject", args=[second.pk]), {"reason": "Not ours", "queue": state, "next": "1"}
    )
    # Nobody else: back to the queue, as it was, saying so.
    assert _split(response["Location"]) == (reverse("review:queue"), {"q": "nguyen", "delegation": "vnm"})
    third.refresh_from_db()
    assert third.status == S.SUBMITTED


def test_save_and_next_wraps_to_the_oldest_still_waiting(client, ref, nguyens):
    first, second, third = nguyens
    client.force_login(staff("Accreditation officer"))
    response = client.post(
        reverse("review:return", args=[third.pk]), {"reason": "Photo", "queue": "q=nguyen", "next": "1"}
    )
    assert _split(response["Location"])[0] == reverse("review:detail", args=[first.pk])


def test_vetting_keeps_its_place_and_goes_next_in_order_of_approval(client, ref):
    zones, categories = ref
    later = approved(categories, zones, family_name="Dvořák")
    earlier = approved(categories, zones, family_name="Dvorak")
    later.reviewed_at, earlier.reviewed_at = hanoi_time(-2, 9), hanoi_time(-3, 9)
    later.save()
    earlier.save()
    client.force_login(staff("Security officer"))
    page = client.get(reverse("review:vetting-queue"), {"q": "dvorak"}).context["page"]
    assert [a.pk for a in page] == [earlier.pk, later.pk]  # as the "Approved" column says
    response = client.post(
        reverse("review:clear", args=[earlier.pk]), {"note": "", "queue": "q=dvorak", "next": "1"}
    )
    assert _split(response["Location"]) == (
        reverse("review:vetting-detail", args=[later.pk]),
        {"q": "dvorak"},
    )
    response = client.post(reverse("review:refuse", args=[later.pk]), {"note": "Listed", "queue": "q=dvorak"})
    assert _split(response["Location"]) == (reverse("review:vetting-queue"), {"q": "dvorak"})


def test_bulk_approve_returns_to_the_filtered_queue(client, ref, nguyens):
    first, _second, _third = nguyens
    client.force_login(staff("Accreditation officer"))
    queue = client.get(reverse("review:queue"), {"q": "nguyen"}).content.decode()
    assert "Approve the selected, each with the suggested category shown" in queue
    response = client.post(
        reverse("review:bulk-approve"), {"accreditations": [first.pk], "queue": "q=nguyen"}
    )
    assert _split(response["Location"]) == (reverse("review:queue"), {"q": "nguyen"})
    first.refresh_from_db()
    assert first.status == S.APPROVED


@pytest.mark.parametrize("rows", [1, 4])
def test_a_searched_and_filtered_queue_costs_the_same(client, django_assert_num_queries, rows):
    delegation = factories.StateDelegationFactory(name="Viet Nam", country="VN")
    for day in range(rows):
        _waiting("Nguyễn", -day, delegation=delegation)
    client.force_login(staff("Accreditation officer"))
    with django_assert_num_queries(8):
        response = client.get(reverse("review:queue"), {"q": "nguyen", "delegation": "viet nam"})
    assert len(response.context["page"].object_list) == rows


def test_delegation_suggestions(client):
    factories.StateDelegationFactory(name="Viet Nam", country="VN", code="vnm")
    factories.StateDelegationFactory(name="Venezuela", country="VE", code="ven")
    client.force_login(staff("Security officer"))
    answer = client.get(reverse("review:delegation-suggestions"), {"q": "viet"}).json()
    assert answer == {"results": [{"name": "Viet Nam", "code": "vnm"}]}
    assert (
        client.get(reverse("review:delegation-suggestions"), {"q": "ve"}).json()["results"][0]["code"]
        == "ven"
    )
    assert client.get(reverse("review:delegation-suggestions")).json() == {"results": []}


def test_delegation_suggestions_are_for_staff_only(client):
    focal = factories.FocalPointFactory()
    client.force_login(focal.user)
    assert client.get(reverse("review:delegation-suggestions"), {"q": "a"}).status_code == 403
