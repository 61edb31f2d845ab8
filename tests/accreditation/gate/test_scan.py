"""The check-in service: every reason, in order, revocation at reprint, nonces, the scan log."""

import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from accreditation import services
from accreditation.badges import codes
from accreditation.gate import scan as checkin
from accreditation.models import AccreditationStatus, Badge, Scan, SecondEntry
from tests.factories import BadgeFactory, CategoryFactory, ScanFactory, StaffUserFactory, ZoneFactory
from tests.postgres import session_setting

S = AccreditationStatus


def collected_badge(**kwargs):
    """A badge handed over at the desk, valid today, for the plenary hall."""
    today = checkin.today_in_hanoi()
    category = kwargs.pop("category", None) or CategoryFactory(code="DEL", name="Delegate", colour="#1565C0")
    defaults = {
        "category": category,
        "accreditation__category": category,
        "accreditation__status": S.COLLECTED,
        "accreditation__member__badge_name": "Nguyễn Thị Hương",
        "accreditation__member__with_photo": True,
        "printed_at": timezone.now(),
        "collected_at": timezone.now(),
        "zone_codes": "PLN",
        "valid_from": today - dt.timedelta(days=1),
        "valid_until": today + dt.timedelta(days=1),
    }
    defaults.update(kwargs)
    return BadgeFactory(**defaults)


@pytest.fixture
def officer(db):
    return StaffUserFactory(role="Gate officer")


def scan(code, zone="PLN", direction="in", **kwargs):
    return checkin.badge_scan(code=code, zone_code=zone, direction=direction, **kwargs)


def test_collected_badge_is_granted_and_logged(zones, officer):
    badge = collected_badge()
    outcome = scan(codes.badge_code(badge), actor=officer, device="gate 3")
    assert (outcome.result, outcome.reason, outcome.granted) == ("granted", "ok", True)
    assert outcome.badge.name == "Nguyễn Thị Hương"
    assert outcome.badge.category_code == badge.category.code
    assert outcome.badge.photo_url.endswith(f"/protocol/checkin/photo/{badge.pk}/")
    logged = Scan.objects.get(pk=outcome.scan_id)
    assert (logged.badge, logged.zone.code, logged.direction) == (badge, "PLN", "in")
    assert (logged.result, logged.reason, logged.officer, logged.device) == (
        "granted",
        "ok",
        officer,
        "gate 3",
    )
    assert logged.code_excerpt == codes.badge_code(badge)[:40]


def test_granted_scan_costs_two_queries_and_savepoints(zones, django_assert_num_queries):
    code = codes.badge_code(collected_badge())
    # Zone with the badge, its person, "newer version?" and "inside already?" (subqueries of
    # the same SELECT: no extra round trip), insert (+ savepoint and release).
    with django_assert_num_queries(4):
        assert scan(code).granted


def test_unknown_number_with_a_genuine_signature(zones):
    code = codes.encode(
        codes.BadgeCode(
            number=999999,
            version=1,
            category="VIP",
            zones=("PLN",),
            valid_from=dt.date(2025, 10, 25),
            valid_until=dt.date(2025, 10, 26),
        )
    )
    outcome = scan(code)
    assert (outcome.result, outcome.reason, outcome.badge) == ("denied", "unknown", None)
    assert Scan.objects.get(pk=outcome.scan_id).badge is None


def test_forged_code_is_denied_and_logged_without_a_badge(zones):
    badge = collected_badge()
    forged = codes.encode(
        codes.BadgeCode(
            number=badge.number,
            version=badge.version,
            category=badge.category.code,
            zones=("PLN",),
            valid_from=badge.valid_from,
            valid_until=badge.valid_until,
        ),
        key=Ed25519PrivateKey.generate(),
    )
    outcome = scan(forged)
    assert (outcome.result, outcome.reason, outcome.badge) == ("denied", "forged", None)
    assert Scan.objects.filter(reason="forged", badge=None).count() == 1


@pytest.mark.parametrize("garbage", ["", "hello", "HS1:AAAA", "\x00HS1:\x00", "HS1:" + "A" * 4000])
def test_garbage_is_unknown(zones, garbage):
    outcome = scan(garbage)
    assert (outcome.result, outcome.reason) == ("denied", "unknown")
    assert "\x00" not in Scan.objects.get(pk=outcome.scan_id).code_excerpt


def test_refused_by_security(zones):
    badge = collected_badge(accreditation__status=S.REFUSED)
    outcome = scan(codes.badge_code(badge))
    assert (outcome.result, outcome.reason) == ("denied", "refused")
    assert outcome.badge.name == "Nguyễn Thị Hương"


def test_revoked_badge(zones):
    badge = collected_badge(revoked_at=timezone.now())
    assert scan(codes.badge_code(badge)).reason == "revoked"


def test_revoked_accreditation(zones):
    badge = collected_badge(accreditation__status=S.REVOKED)
    assert scan(codes.badge_code(badge)).reason == "revoked"


def test_not_collected(zones):
    badge = collected_badge(accreditation__status=S.PRINTED, collected_at=None)
    assert scan(codes.badge_code(badge)).reason == "not_collected"


@pytest.mark.parametrize(("start", "end"), [(-5, -1), (1, 3)])
def test_not_valid_today(zones, start, end):
    today = checkin.today_in_hanoi()
    badge = collected_badge(
        valid_from=today + dt.timedelta(days=start), valid_until=today + dt.timedelta(days=end)
    )
    assert scan(codes.badge_code(badge)).reason == "not_valid_today"


def test_validity_is_judged_in_hanoi_time(zones, monkeypatch):
    # 18:00 UTC on the 24th is 01:00 on the 25th in Hanoi: the first day of the event.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 10, 24, 18, 0, tzinfo=dt.UTC))
    badge = collected_badge(valid_from=dt.date(2025, 10, 25), valid_until=dt.date(2025, 10, 26))
    assert scan(codes.badge_code(badge)).reason == "ok"


def test_wrong_zone(zones):
    badge = collected_badge(zone_codes="PLN")
    outcome = scan(codes.badge_code(badge), zone="SIG")
    assert (outcome.result, outcome.reason) == ("denied", "wrong_zone")
    assert scan(codes.badge_code(badge), zone="PLN").granted


def test_refusal_comes_before_revocation_and_collection(zones):
    badge = collected_badge(accreditation__status=S.REFUSED, revoked_at=timezone.now(), collected_at=None)
    assert scan(codes.badge_code(badge)).reason == "refused"


def test_revocation_comes_before_collection_and_dates(zones):
    badge = collected_badge(
        revoked_at=timezone.now(),
        collected_at=None,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 1, 2),
    )
    assert scan(codes.badge_code(badge), zone="SIG").reason == "revoked"


def test_collection_comes_before_dates_and_zone(zones):
    badge = collected_badge(
        collected_at=None, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 1, 2)
    )
    assert scan(codes.badge_code(badge), zone="SIG").reason == "not_collected"


def test_reprint_revokes_the_old_version_at_once(zones, officer):
    old = collected_badge()
    old.accreditation.zones.add(zones["PLN"])
    old_code = codes.badge_code(old)
    assert scan(old_code).granted
    new = services.badge_reprint(badge=old, actor=StaffUserFactory(role="Protocol officer"), reason="lost")
    assert scan(old_code).reason == "revoked"
    # The new print is not handed over yet; once it is, it opens the gate (on the event's
    # days: the reprint is valid for the member's stay, moved here onto today).
    assert scan(codes.badge_code(new)).reason == "not_collected"
    Badge.objects.filter(pk=new.pk).update(
        collected_at=timezone.now(), valid_from=old.valid_from, valid_until=old.valid_until
    )
    new.refresh_from_db()
    assert scan(codes.badge_code(new)).granted


def test_an_older_version_is_revoked_even_if_nobody_marked_it(zones):
    old = collected_badge(version=1)
    # A newer version on another row, the old one never marked: the gate still refuses it.
    BadgeFactory(
        number=old.number,
        version=2,
        accreditation__status=S.COLLECTED,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
    )
    assert scan(codes.badge_code(old)).reason == "revoked"


def test_repeated_nonce_logs_once_and_returns_the_first_outcome(zones):
    badge = collected_badge()
    code = codes.badge_code(badge)
    first = scan(code, nonce="gate3-0001")
    Badge.objects.filter(pk=badge.pk).update(revoked_at=timezone.now())
    again = scan(code, nonce="gate3-0001")
    assert (again.scan_id, again.result, again.reason, again.replayed) == (
        first.scan_id,
        "granted",
        "ok",
        True,
    )
    assert again.badge.name == first.badge.name
    assert Scan.objects.count() == 1
    assert scan(code, nonce="gate3-0002").reason == "revoked"
    assert scan(code).reason == "revoked"
    assert scan(code, nonce="").reason == "revoked"
    assert Scan.objects.count() == 4


def test_a_nonce_reused_for_another_scan_is_refused_not_answered_with_the_first(zones):
    """A device whose counter started again must not get another person's outcome."""
    first_code = codes.badge_code(collected_badge())
    other_code = codes.badge_code(collected_badge(revoked_at=timezone.now()))
    assert scan(first_code, nonce="gate3-0001").granted
    for again in (
        {"code": other_code},
        {"code": first_code, "zone": "SIG"},
        {"code": first_code, "direction": "out"},
    ):
        with pytest.raises(checkin.CheckInError) as info:
            scan(again.pop("code"), nonce="gate3-0001", **again)
        assert info.value.code == "nonce_reused"
    assert Scan.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_nonce_race_is_settled_by_the_unique_index(require_postgres):
    """Two requests with one nonce: the other's row is not committed yet when this scan looks
    for it, so this scan's INSERT waits on the unique index, fails once the other commits,
    and the scan answers with the other's outcome."""
    import threading
    import time

    import psycopg2
    from django.db import connection

    from tests.postgres import backend_pid

    zone = ZoneFactory(code="PLN")
    badge = collected_badge()
    code = codes.badge_code(badge)
    waiting_pid = backend_pid()
    other = psycopg2.connect(**{**connection.get_connection_params(), "cursor_factory": None})
    with other.cursor() as cursor:  # psycopg2 opens a transaction, left open here
        cursor.execute(
            f"INSERT INTO {Scan._meta.db_table} (badge_id, zone_id, direction, result, reason,"
            " code_excerpt, code_digest, device, nonce, scanned_at)"
            " VALUES (%s, %s, 'in', 'granted', 'ok', %s, %s, 'gate 1', 'race-1', now()) RETURNING id",
            [badge.pk, zone.pk, code[:40], hashlib.sha256(code.encode()).hexdigest()],
        )
        winner = cursor.fetchone()[0]

    waited = []

    def commit_once_the_scan_waits():
        deadline = time.monotonic() + 10
        with other.cursor() as cursor:
            while not waited and time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [waiting_pid])
                waited.extend([True] * cursor.fetchone()[0])
                time.sleep(0.02)
        other.commit()

    committer = threading.Thread(target=commit_once_the_scan_waits)
    committer.start()
    try:
        outcome = checkin.badge_scan(code=code, zone_code="PLN", direction="in", nonce="race-1")
    finally:
        committer.join()
        other.close()
    assert waited, "the scan's INSERT never waited for the other transaction"
    assert (outcome.scan_id, outcome.replayed, outcome.result) == (winner, True, "granted")
    assert Scan.objects.count() == 1


def test_scans_and_the_revocation_list_share_one_void_rule(zones):
    """The gate denies as revoked (or refused) exactly the badges the list names."""
    replaced = collected_badge(version=1)
    BadgeFactory(number=replaced.number, version=2)
    cases = {
        "valid": collected_badge(),
        "marked revoked": collected_badge(revoked_at=timezone.now()),
        "accreditation revoked": collected_badge(accreditation__status=S.REVOKED),
        "accreditation refused": collected_badge(accreditation__status=S.REFUSED),
        "replaced": replaced,
    }
    void = set(Badge.objects.void().values_list("pk", flat=True))
    for name, badge in cases.items():
        reason = scan(codes.badge_code(badge)).reason
        assert (reason in {"revoked", "refused"}) == (badge.pk in void), name
    assert cases["valid"].pk not in void and len(void) == 4


def test_unknown_zone_and_bad_direction_log_nothing(zones):
    code = codes.badge_code(collected_badge())
    with pytest.raises(checkin.CheckInError) as info:
        scan(code, zone="NOPE")
    assert info.value.code == "unknown_zone"
    with pytest.raises(checkin.CheckInError) as info:
        scan(code, direction="sideways")
    assert info.value.code == "bad_direction"
    assert not Scan.objects.exists()


def test_every_denial_reason_has_plain_words(zones):
    for reason, text in checkin.EXPLANATIONS.items():
        assert len(str(text)) > 10, reason


@pytest.mark.parametrize(
    ("function", "role"), [("", "head"), ("", "delegate"), ("Minister of Justice", "delegate")]
)
def test_gate_shows_the_function_the_badge_prints(zones, function, role):
    from accreditation.badges.pdf import function_label

    badge = collected_badge(accreditation__member__function=function, accreditation__member__role=role)
    outcome = scan(codes.badge_code(badge))
    assert outcome.badge.function == function_label(badge.accreditation.member)
    assert outcome.badge.function == (function or badge.accreditation.member.get_role_display())


@pytest.mark.django_db(transaction=True)
def test_an_answered_scan_is_committed_durably_by_default(require_postgres):
    """By default the scan's INSERT is the durable one: nothing turns synchronous_commit off."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ZoneFactory(code="PLN")
    code = codes.badge_code(collected_badge())
    with CaptureQueriesContext(connection) as queries:
        outcome = checkin.badge_scan(code=code, zone_code="PLN", direction="in")
    assert outcome.granted
    inserts = [q["sql"] for q in queries if "hs_gate_scan_insert" in q["sql"]]
    assert len(inserts) == 1
    assert "hs_gate_scan_insert_async" not in inserts[0]


@pytest.mark.django_db(transaction=True)
def test_asynchronous_commit_of_a_scan_stays_within_the_scan(require_postgres, settings):
    """With CHECKIN_SYNCHRONOUS_COMMIT off, a scan that is its own transaction commits
    asynchronously (scan._record says why); the setting must neither outlive it on the
    connection nor reach a caller's transaction."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    settings.CHECKIN_SYNCHRONOUS_COMMIT = False
    ZoneFactory(code="PLN")
    code = codes.badge_code(collected_badge())
    assert session_setting("synchronous_commit") == "on"
    with CaptureQueriesContext(connection) as queries:
        outcome = checkin.badge_scan(code=code, zone_code="PLN", direction="in")
    assert any("hs_gate_scan_insert_async" in q["sql"] for q in queries)
    assert outcome.granted and Scan.objects.filter(pk=outcome.scan_id).exists()
    assert session_setting("synchronous_commit") == "on"
    with transaction.atomic():
        checkin.badge_scan(code=code, zone_code="PLN", direction="out")
        # The caller's transaction will commit as durably as it would have without the scan.
        assert session_setting("synchronous_commit") == "on"
    assert Scan.objects.count() == 2


def test_scan_log_keeps_its_delete_rules_without_database_constraints(db):
    """Scan's foreign keys are not database constraints (see the model): Django applies them."""
    from django.db.models import ProtectedError

    scan = ScanFactory(officer=StaffUserFactory())
    with pytest.raises(ProtectedError):
        scan.zone.delete()
    scan.officer.delete()
    scan.badge.delete()
    scan.refresh_from_db()
    assert (scan.badge_id, scan.officer_id) == (None, None)


def test_gates_judge_validity_by_the_event_clock(zones, settings):
    """A pinned event clock (demo, rehearsal) decides "today", in Hanoi's time zone."""
    badge = collected_badge(valid_from=dt.date(2025, 10, 25), valid_until=dt.date(2025, 10, 26))
    code = codes.badge_code(badge)
    # The same badge goes in again and again: a zone that lets a second entry in.
    zones["PLN"].second_entry = SecondEntry.ALLOW
    zones["PLN"].save()

    def reason_at(moment):
        settings.EVENT_NOW = moment
        return checkin.badge_scan(code=code, zone_code="PLN", direction="in").reason

    assert reason_at("2025-10-25T08:30:00+07:00") == "ok"
    assert reason_at("2025-10-26T23:59:00+07:00") == "ok"
    assert reason_at("2025-10-24T23:59:00+07:00") == "not_valid_today"
    # 17:30 UTC on the 26th is already the 27th in Hanoi.
    assert reason_at("2025-10-26T17:30:00+00:00") == "not_valid_today"
    settings.EVENT_NOW = ""
    assert checkin.badge_scan(code=code, zone_code="PLN", direction="in").reason == "not_valid_today"
