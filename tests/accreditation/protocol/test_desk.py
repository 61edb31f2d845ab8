"""The badge desk serves the person at the counter: everyone of that name with where they
stand and the next step; one click prints their badge, then it is handed over there."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accreditation import services
from accreditation.models import AccreditationStatus, Badge, PrintBatch
from tests import factories
from tests.accreditation.review_helpers import accreditation, approved, cleared, printed, staff
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def _people(client, q):
    response = client.get(reverse("protocol:desk"), {"q": q})
    assert response.status_code == 200
    return response


def test_everyone_of_that_name_with_their_stage(client, ref):
    zones, categories = ref
    protocol = staff("Protocol officer")
    client.force_login(protocol)
    in_review = accreditation(S.SUBMITTED, family_name="Đặng", given_names="Review")
    in_review.submitted_at = hanoi_time(-3, 9, 30)
    in_review.save()
    with_security = approved(categories, zones, family_name="Đặng", given_names="Security")
    to_print = cleared(ref, family_name="Đặng", given_names="Print")
    ready = printed(ref, protocol, family_name="Đặng", given_names="Ready")
    collected = printed(
        ref, protocol, family_name="Đặng", given_names="Collected", passport_number="C7654321"
    )
    services.badge_hand_over(badge=collected, actor=protocol, id_document_seen="C7654321")
    revoked = printed(ref, protocol, family_name="Đặng", given_names="Revoked")
    services.badge_revoke(badge=revoked, actor=protocol, reason="Left the delegation")
    rejected = accreditation(S.REJECTED, family_name="Đặng", given_names="Rejected")
    rejected.decision_reason = "Not a member of the delegation"
    rejected.save()
    draft = factories.MemberFactory(family_name="Đặng", given_names="Draft")
    factories.MemberFactory(family_name="Smith")

    response = _people(client, "dang")
    stages = {p.member.given_names: p.stage for p in response.context["people"]}
    assert stages == {
        "Review": "in_review",
        "Security": "with_security",
        "Print": "to_print",
        "Ready": "printed",
        "Collected": "collected",
        "Revoked": "revoked",
        "Rejected": "rejected",
        "Draft": "not_submitted",
    }
    page = response.content.decode()
    assert "In review since 21 Oct 09:30" in page
    assert "Not a member of the delegation" in page
    assert "Left the delegation" in page
    assert f'action="{reverse("protocol:desk-print", args=[to_print.pk])}"' in page
    assert f'action="{reverse("protocol:hand-over", args=[ready.pk])}"' in page
    assert draft.pk in {p.member.pk for p in response.context["people"]}
    assert with_security.pk and revoked.pk  # listed above by stage


def test_no_valid_badge_says_why(client, ref):
    client.force_login(staff("Protocol officer"))
    acc = accreditation(S.UNDER_REVIEW, family_name="Dvořák")
    acc.submitted_at = hanoi_time(-2, 14)
    acc.save()
    page = _people(client, "dvorak").content.decode()
    assert "No valid badge matches: the person found has none yet" in page
    assert "In review since 22 Oct 14:00" in page
    page = _people(client, "nobody-of-that-name").content.decode()
    assert "nobody of that name, passport number or badge number is registered" in page


def test_print_one_badge_then_hand_it_over_from_the_desk(client, ref):
    protocol = staff("Protocol officer")
    client.force_login(protocol)
    acc = cleared(
        ref, family_name="Bùi", given_names="Hữu Nam", badge_name="Bùi Hữu Nam", passport_number="N1234567"
    )
    response = client.post(reverse("protocol:desk-print", args=[acc.pk]), {"q": "bui"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('protocol:desk')}?q=bui"
    badge = Badge.objects.get(accreditation=acc)
    assert badge.printed_at is not None and badge.print_batch.total == 1
    acc.refresh_from_db()
    assert acc.status == S.PRINTED

    page = _people(client, "bui").content.decode()
    assert "Printed, ready to hand over" in page
    pdf = client.get(reverse("protocol:batch-pdf", args=[badge.print_batch_id]))
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert len(reader.pages) == 1
    assert "Bùi Hữu Nam" in reader.pages[0].extract_text()

    # A second click prints nothing more: the badge is printed, its number issued once.
    response = client.post(reverse("protocol:desk-print", args=[acc.pk]), {"q": "bui"}, follow=True)
    assert "no badge waiting to be printed" in response.content.decode()
    assert Badge.objects.filter(accreditation=acc).count() == 1
    assert PrintBatch.objects.count() == 1

    response = client.post(
        reverse("protocol:hand-over", args=[badge.pk]), {"id_document_seen": "n 123 4567", "q": "bui"}
    )
    assert response["Location"] == f"{reverse('protocol:desk')}?q=bui"
    badge.refresh_from_db()
    assert badge.collected_by == protocol


def test_only_printers_print_at_the_desk(client, ref):
    acc = cleared(ref)
    for role in ("Gate officer", "Accreditation officer"):
        client.force_login(staff(role))
        assert client.post(reverse("protocol:desk-print", args=[acc.pk])).status_code == 403
    acc.refresh_from_db()
    assert acc.status == S.CLEARED
    assert not Badge.objects.exists()


def test_desk_cannot_print_someone_not_cleared(client, ref):
    zones, categories = ref
    client.force_login(staff("Protocol officer"))
    acc = approved(categories, zones)
    response = client.post(reverse("protocol:desk-print", args=[acc.pk]), {"q": "x"})
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.status == S.APPROVED
    assert not Badge.objects.exists()


@pytest.mark.parametrize("rows", [1, 4])
def test_desk_query_count_is_constant_whatever_the_stages(client, django_assert_num_queries, ref, rows):
    protocol = staff("Protocol officer")
    client.force_login(protocol)
    for _ in range(rows):
        printed(ref, protocol, family_name="Nguyễn")
        cleared(ref, family_name="Nguyễn")
        accreditation(S.SUBMITTED, family_name="Nguyen")
        factories.MemberFactory(family_name="NGUYỄN")
    # Passports, the people, their badges: three queries whatever the number found.
    with django_assert_num_queries(7):
        response = client.get(reverse("protocol:desk"), {"q": "nguyen"})
    assert len(response.context["people"]) == 4 * rows


def test_desk_finds_by_passport_and_badge_number_beside_names(client, ref):
    protocol = staff("Protocol officer")
    client.force_login(protocol)
    by_passport = cleared(ref, family_name="Okafor", passport_number="A12345678")
    badge = printed(ref, protocol, family_name="Lindqvist")
    factories.MemberFactory(family_name="Okafor-Smith", passport_number="A12345679")

    def found(q):
        return {p.member.pk for p in _people(client, q).context["people"]}

    assert found("a 1234 5678") == {by_passport.member.pk}
    assert found("A12345678") == {by_passport.member.pk}
    assert found(str(badge.number)) == {badge.accreditation.member.pk}
