"""Badge services: issue, print in batches, reprint, hand-over, revoke, refusal after print."""

import datetime as dt

import pytest

from accreditation import services
from accreditation.badges import pdf
from accreditation.models import AccreditationStatus, Badge, BadgeLayout, PrintBatch
from accreditation.workflow import AccreditationError
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.accreditation.review_helpers import approved, reference_data, staff
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db
S = AccreditationStatus


@pytest.fixture
def ref():
    return reference_data()


@pytest.fixture
def protocol():
    return staff("Protocol officer")


def cleared(ref, **member):
    zones, categories = ref
    acc = approved(categories, zones, **member)
    acc.status = S.CLEARED
    acc.save()
    return acc


def printed(ref, protocol, **member):
    badge = services.badge_issue(accreditation=cleared(ref, **member), actor=protocol)
    services.badge_print_batch(badges=[badge], layout=BadgeLayout.CR80, actor=protocol)
    badge.refresh_from_db()
    return badge


# --- issue ------------------------------------------------------------------------------------


def test_issue_allocates_sequential_numbers_and_snapshots_category_and_zones(ref, protocol):
    first = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    second = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    assert (first.number, first.version) == (services.FIRST_BADGE_NUMBER, 1)
    assert second.number == first.number + 1
    assert first.category.code == "DEL"
    assert first.zone_codes == "EXH PLN"
    assert first.accreditation.status == S.BADGE_ISSUED
    assert AuditEntry.objects.filter(action="badge.issue").count() == 2


def test_issue_continues_after_the_highest_existing_number(ref, protocol):
    factories.BadgeFactory(number=200500)
    badge = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    assert badge.number == 200501


@pytest.mark.parametrize(
    ("arrival", "departure", "expected"),
    [
        (hanoi_time(-2, 10), hanoi_time(4, 10), (dt.date(2025, 10, 25), dt.date(2025, 10, 26))),
        (hanoi_time(2, 8), hanoi_time(4, 10), (dt.date(2025, 10, 26), dt.date(2025, 10, 26))),
        (hanoi_time(0, 20), hanoi_time(1, 23), (dt.date(2025, 10, 25), dt.date(2025, 10, 25))),
        (None, None, (dt.date(2025, 10, 25), dt.date(2025, 10, 26))),
        # Arriving after the event: the event's days rather than an empty validity.
        (hanoi_time(5, 8), hanoi_time(6, 8), (dt.date(2025, 10, 25), dt.date(2025, 10, 26))),
    ],
)
def test_validity_is_the_stay_clipped_to_the_event(ref, protocol, arrival, departure, expected):
    badge = services.badge_issue(
        accreditation=cleared(ref, arrival=arrival, departure=departure), actor=protocol
    )
    assert (badge.valid_from, badge.valid_until) == expected


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REFUSED, S.BADGE_ISSUED, S.REVOKED])
def test_issue_refused_unless_cleared(ref, protocol, status):
    acc = cleared(ref)
    acc.status = status
    acc.save()
    with pytest.raises(AccreditationError) as error:
        services.badge_issue(accreditation=acc, actor=protocol)
    assert error.value.code == "illegal_transition"
    assert not Badge.objects.exists()


# --- printing ---------------------------------------------------------------------------------


def test_small_batch_renders_in_the_request_and_records_who_printed(ref, protocol):
    badges = [services.badge_issue(accreditation=cleared(ref), actor=protocol) for _ in range(3)]
    batch = services.badge_print_batch(badges=badges, layout=BadgeLayout.A6, actor=protocol)
    assert batch.status == PrintBatch.Status.DONE
    assert (batch.rendered, batch.total) == (3, 3)
    with batch.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    for badge in badges:
        badge.refresh_from_db()
        assert badge.print_batch == batch
        assert badge.printed_by == protocol
        assert badge.printed_at is not None
        assert badge.accreditation.status == S.PRINTED
    assert AuditEntry.objects.filter(action="badge.print").count() == 3


def test_large_batch_renders_in_the_task_and_reports_progress(
    ref, protocol, monkeypatch, django_capture_on_commit_callbacks
):
    zones, categories = ref
    delegation = factories.DelegationFactory()
    photo = factories.jpeg_bytes(120, 160)
    badges = []
    for _ in range(services.BATCH_RENDER_IN_REQUEST + 1):
        member = factories.MemberFactory(delegation=delegation, photo__data=photo)
        acc = factories.AccreditationFactory(member=member, status=S.BADGE_ISSUED, category=categories["DEL"])
        badges.append(factories.BadgeFactory(accreditation=acc, category=categories["DEL"]))
    seen = []
    real = pdf.render_badges

    def watching(*, on_progress, **kwargs):
        def progress(done):
            on_progress(done)
            seen.append(PrintBatch.objects.values_list("rendered", flat=True).get())

        return real(on_progress=progress, **kwargs)

    monkeypatch.setattr(pdf, "render_badges", watching)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.badge_print_batch(badges=badges, layout=BadgeLayout.CR80, actor=protocol)
    # Not rendered in the request: the task waits for the commit.
    assert batch.status == PrintBatch.Status.PENDING and batch.rendered == 0
    assert Badge.objects.filter(print_batch=batch, printed_at__isnull=False).count() == 201
    for callback in callbacks:
        callback()
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.DONE
    assert (batch.rendered, batch.total) == (201, 201)
    assert seen == [50, 100, 150, 200, 201]
    assert batch.file.size > 0


@pytest.mark.parametrize("layout", ["a5", ""])
def test_unknown_layout_refused(ref, protocol, layout):
    badge = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[badge], layout=layout, actor=protocol)
    assert error.value.code == "invalid_layout"
    assert not PrintBatch.objects.exists()


def test_empty_batch_refused(protocol):
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[], layout=BadgeLayout.CR80, actor=protocol)
    assert error.value.code == "empty_batch"


def test_printed_or_revoked_badges_cannot_be_batched_again(ref, protocol):
    done = printed(ref, protocol)
    fresh = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[fresh, done], layout=BadgeLayout.CR80, actor=protocol)
    assert error.value.code == "not_printable"
    fresh.refresh_from_db()
    assert fresh.printed_at is None
    assert PrintBatch.objects.count() == 1


def test_print_accreditations_issues_missing_badges_in_the_same_batch(ref, protocol):
    new = cleared(ref)
    issued = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    batch = services.badge_print_accreditations(
        accreditations=[new, issued.accreditation], layout=BadgeLayout.A4_SHEET, actor=protocol
    )
    assert batch.badges.count() == 2
    new.refresh_from_db()
    assert new.status == S.PRINTED


def test_print_accreditations_is_all_or_nothing(ref, protocol):
    good = cleared(ref)
    bad = cleared(ref)
    bad.status = S.APPROVED
    bad.save()
    with pytest.raises(AccreditationError):
        services.badge_print_accreditations(
            accreditations=[good, bad], layout=BadgeLayout.CR80, actor=protocol
        )
    good.refresh_from_db()
    assert good.status == S.CLEARED
    assert not Badge.objects.exists()


# --- reprint ----------------------------------------------------------------------------------


def test_reprint_revokes_the_old_version_and_queues_the_new(ref, protocol):
    old = printed(ref, protocol)
    new = services.badge_reprint(badge=old, actor=protocol, reason="lost")
    old.refresh_from_db()
    assert old.is_revoked and old.revoked_by == protocol
    assert "lost" in old.revoked_reason
    assert (new.number, new.version) == (old.number, 2)
    assert new.printed_at is None and new.reprint_reason == "lost"
    assert new.accreditation.status == S.BADGE_ISSUED
    assert list(Badge.objects.filter(revoked_at__isnull=True)) == [new]


def test_reprint_of_a_collected_badge(ref, protocol):
    old = printed(ref, protocol)
    services.badge_hand_over(
        badge=old, actor=protocol, id_document_seen=old.accreditation.member.passport_number
    )
    new = services.badge_reprint(badge=old, actor=protocol, reason="damaged")
    assert new.version == 2
    assert new.collected_at is None


def test_reprint_is_one_transaction(ref, protocol, monkeypatch):
    old = printed(ref, protocol)

    real_save = Badge.save

    def broken(badge, *args, **kwargs):
        # Writing the new version fails after the old one was revoked in the same transaction.
        if badge.pk is None:
            raise RuntimeError("disk full")
        return real_save(badge, *args, **kwargs)

    monkeypatch.setattr(Badge, "save", broken)
    with pytest.raises(RuntimeError):
        services.badge_reprint(badge=old, actor=protocol, reason="lost")
    old.refresh_from_db()
    # The new version failed, so the old one must still be valid: never neither.
    assert not old.is_revoked
    assert old.accreditation.status == S.PRINTED


def test_reprint_refusals(ref, protocol):
    unprinted = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_reprint(badge=unprinted, actor=protocol, reason="lost")
    assert error.value.code == "not_printed"
    old = printed(ref, protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_reprint(badge=old, actor=protocol, reason=" ")
    assert error.value.code == "reason_required"
    services.badge_reprint(badge=old, actor=protocol, reason="lost")
    with pytest.raises(AccreditationError) as error:
        services.badge_reprint(badge=old, actor=protocol, reason="lost again")
    assert error.value.code == "badge_revoked"
    assert Badge.objects.filter(number=old.number).count() == 2


# --- hand-over and revocation -----------------------------------------------------------------


def test_hand_over_against_the_passport(ref, protocol):
    badge = printed(ref, protocol, passport_number="C01X00T47")
    services.badge_hand_over(badge=badge, actor=protocol, id_document_seen=" c01x 00t47 ")
    badge.refresh_from_db()
    assert badge.collected_by == protocol and badge.collected_at is not None
    assert badge.id_document_seen == "passport ending T47"
    assert badge.accreditation.status == S.COLLECTED
    assert AuditEntry.objects.filter(action="badge.hand_over").count() == 1
    with pytest.raises(AccreditationError) as error:
        services.badge_hand_over(badge=badge, actor=protocol, id_document_seen="C01X00T47")
    assert error.value.code == "illegal_transition"


@pytest.mark.parametrize(("seen", "code"), [("X9999999", "passport_mismatch"), ("", "id_required")])
def test_hand_over_refused_without_the_right_passport(ref, protocol, seen, code):
    badge = printed(ref, protocol, passport_number="C01X00T47")
    with pytest.raises(AccreditationError) as error:
        services.badge_hand_over(badge=badge, actor=protocol, id_document_seen=seen)
    assert error.value.code == code
    badge.refresh_from_db()
    assert badge.collected_at is None
    assert badge.accreditation.status == S.PRINTED


def test_hand_over_refused_before_printing_and_after_revocation(ref, protocol):
    unprinted = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    passport = unprinted.accreditation.member.passport_number
    with pytest.raises(AccreditationError) as error:
        services.badge_hand_over(badge=unprinted, actor=protocol, id_document_seen=passport)
    assert error.value.code == "not_printed"
    old = printed(ref, protocol)
    services.badge_reprint(badge=old, actor=protocol, reason="lost")
    with pytest.raises(AccreditationError) as error:
        services.badge_hand_over(
            badge=old, actor=protocol, id_document_seen=old.accreditation.member.passport_number
        )
    assert error.value.code == "badge_revoked"


def test_revoke_ends_the_accreditation(ref, protocol):
    badge = printed(ref, protocol)
    services.badge_revoke(badge=badge, actor=protocol, reason="misconduct")
    badge.refresh_from_db()
    assert badge.is_revoked and badge.revoked_reason == "misconduct"
    assert badge.accreditation.status == S.REVOKED
    with pytest.raises(AccreditationError):
        services.badge_reprint(badge=badge, actor=protocol, reason="lost")


def test_refusal_after_printing_revokes_the_badge_at_once(ref, protocol):
    security = staff("Security officer")
    badge = printed(ref, protocol)
    services.accreditation_refuse(accreditation=badge.accreditation, actor=security, note="late finding")
    badge.refresh_from_db()
    assert badge.is_revoked and badge.revoked_by == security
    assert badge.accreditation.status == S.REFUSED
    assert not Badge.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.parametrize("rows", [1, 3])
def test_printing_a_batch_takes_the_same_queries_for_1_and_3_badges(
    ref, protocol, django_assert_num_queries, rows
):
    accreditations = [cleared(ref) for _ in range(rows)]
    issued = services.badge_issue(accreditation=cleared(ref), actor=protocol).accreditation
    with django_assert_num_queries(28):
        batch = services.badge_print_accreditations(
            accreditations=[*accreditations, issued], layout=BadgeLayout.CR80, actor=protocol
        )
    assert batch.total == rows + 1
