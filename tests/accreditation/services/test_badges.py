"""Badge services: issue, reprint, hand-over, revoke, refusal after print."""

import datetime as dt

import pytest

from accreditation import services
from accreditation.models import AccreditationStatus, Badge
from accreditation.workflow import AccreditationError
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.accreditation.review_helpers import cleared, printed, staff
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db
S = AccreditationStatus


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
