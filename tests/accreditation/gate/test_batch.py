"""POST /api/checkin/batch/: offline scans stored once, with their time, flagged when void."""

import datetime as dt

import pytest
from django.utils import timezone

from accreditation import services
from accreditation.badges import codes
from accreditation.badges.short import short_number
from accreditation.models import Scan
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory

URL = "/api/checkin/batch/"


def item(badge=None, nonce="n1", *, at=None, result="granted", reason="ok", **kwargs):
    scan = {
        "zone": "PLN",
        "direction": "in",
        "nonce": nonce,
        "scanned_at": (at or timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "result": result,
        "reason": reason,
    }
    if badge is not None:
        scan["code"] = codes.badge_code(badge)
    scan.update(kwargs)
    return scan


def send(client, scans, **extra):
    return client.post(URL, {"scans": scans, **extra}, format="json")


def test_scans_are_stored_once_with_their_time_and_verdict(zones, device, gate_user):
    badge = collected_badge()
    at = timezone.now() - dt.timedelta(minutes=12)
    scans = [
        item(badge, "a", at=at),
        item(badge, "b", direction="out"),
        item(None, "c", code="junk", result="denied", reason="unknown"),
    ]
    body = send(device, scans).json()
    assert (body["stored"], body["duplicates"]) == (3, 0)
    assert body["accepted_nonces"] == ["a", "b", "c"]
    first = Scan.objects.get(nonce="a")
    assert first.scanned_at == at and first.offline and first.received_at is not None
    assert (first.badge, first.result, first.reason, first.officer) == (badge, "granted", "ok", gate_user)
    assert Scan.objects.get(nonce="c").badge is None
    # Sent again (the answer was lost): nothing more stored.
    again = send(device, scans).json()
    assert (again["stored"], again["duplicates"]) == (0, 3)
    assert again["accepted_nonces"] == ["a", "b", "c"]
    assert Scan.objects.count() == 3


def test_a_nonce_twice_in_one_batch_is_stored_once(zones, device):
    badge = collected_badge()
    body = send(device, [item(badge, "x"), item(badge, "x")]).json()
    assert (body["stored"], body["duplicates"]) == (1, 1)


def test_the_devices_verdict_is_kept(zones, device):
    badge = collected_badge()
    send(device, [item(badge, "d", result="denied", reason="already_inside")])
    assert (Scan.objects.get().result, Scan.objects.get().reason) == ("denied", "already_inside")


def test_a_typed_short_number_names_the_badge(zones, device):
    badge = collected_badge()
    send(device, [item(None, "s", short=short_number(badge.number).lower())])
    assert Scan.objects.get().badge == badge


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"zone": "NOPE"}, "unknown_zone"),
        ({"result": "granted", "reason": "revoked"}, "bad_verdict"),
        ({"reason": "maybe"}, "invalid"),
        ({"scanned_at": "yesterday"}, "invalid"),
        ({"nonce": ""}, "invalid"),
        ({"nonce": "n" * 65}, "invalid"),
        ({"direction": "up"}, "invalid"),
        ({"code": None}, "invalid"),
    ],
)
def test_a_malformed_item_refuses_the_batch(zones, device, change, code):
    badge = collected_badge()
    bad = {**item(badge, "bad"), **change}
    response = send(device, [item(badge, "good"), bad])
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Scan.objects.exists()


def test_a_wrong_check_character_refuses_the_batch(zones, device):
    badge = collected_badge()
    good = short_number(badge.number)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = send(device, [item(None, "s", short=wrong)])
    assert response.status_code == 400 and response.json()["code"] == "bad_check_character"
    assert not Scan.objects.exists()


def test_both_code_and_short_or_neither_is_refused(zones, device):
    badge = collected_badge()
    assert send(device, [item(badge, "a", short=short_number(badge.number))]).status_code == 400
    assert send(device, [item(None, "b")]).status_code == 400
    assert not Scan.objects.exists()


def test_not_a_list_and_too_many_are_refused(zones, device):
    assert send(device, "nope").status_code == 400
    response = send(
        device, [item(None, f"n{i}", code="x", result="denied", reason="unknown") for i in range(501)]
    )
    assert response.status_code == 400
    assert not Scan.objects.exists()


def test_without_the_permission_nothing_is_stored(zones, client, db):
    client.force_login(StaffUserFactory(role="Accreditation officer"))
    assert client.post(URL, {"scans": []}, content_type="application/json").status_code == 403


def test_granted_offline_after_the_revocation_is_flagged(zones, device):
    desk = StaffUserFactory(role="Protocol officer")
    badge, other = collected_badge(), collected_badge()
    before = timezone.now() - dt.timedelta(minutes=1)
    services.badge_revoke(badge=badge, actor=desk, reason="Withdrawn")
    after = timezone.now() + dt.timedelta(seconds=1)
    send(
        device,
        [
            item(badge, "before", at=before),
            item(badge, "after", at=after),
            item(badge, "denied", at=after, result="denied", reason="revoked"),
            item(other, "fine", at=after),
        ],
    )
    flagged = set(Scan.objects.filter(granted_while_void=True).values_list("nonce", flat=True))
    assert flagged == {"after"}


def test_granted_offline_for_a_superseded_version_is_flagged(zones, device):
    desk = StaffUserFactory(role="Protocol officer")
    badge = collected_badge()
    services.badge_reprint(badge=badge, actor=desk, reason="Lost")
    send(device, [item(badge, "old", at=timezone.now() + dt.timedelta(seconds=1))])
    assert Scan.objects.get().granted_while_void


def test_security_sees_the_flagged_scans_listed_and_counted(zones, device, client, secretariat_user):
    desk = StaffUserFactory(role="Protocol officer")
    badge = collected_badge()
    services.badge_revoke(badge=badge, actor=desk, reason="Withdrawn")
    send(device, [item(badge, "late", at=timezone.now() + dt.timedelta(seconds=1))])
    client.force_login(StaffUserFactory(role="Security officer"))
    page = client.get("/accreditation/security/gate-alerts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert badge.accreditation.member.display_name in text and f"{badge.number}/v1" in text
    client.force_login(secretariat_user)
    dashboard = client.get("/dashboard/")
    assert 'data-figure="gate-alerts-count">1<' in dashboard.content.decode()


def test_the_flagged_list_is_for_security_only(zones, client):
    client.force_login(StaffUserFactory(role="Gate officer"))
    assert client.get("/accreditation/security/gate-alerts/").status_code == 403


_CLEAN = {
    "code": "HS1:ABCDEFGH",
    "zone": "PLN",
    "direction": "in",
    "nonce": "n1",
    "scanned_at": "2025-10-25T09:00:00+07:00",
    "result": "granted",
    "reason": "ok",
}


@pytest.mark.parametrize(
    "body",
    [
        {"scans": [_CLEAN]},
        {"scans": [_CLEAN], "waiting": 3, "device": "gate 1"},
        {"scans": [_CLEAN], "waiting": -1},
        {"scans": [_CLEAN], "other": 1},
        {"scans": [{**_CLEAN, "scanned_at": "2025-10-25T02:00:00Z"}]},
        {"scans": [{**_CLEAN, "scanned_at": "2025-10-25T09:00:00"}]},
        {"scans": [{**_CLEAN, "scanned_at": "25/10/2025"}]},
        {"scans": [{**_CLEAN, "nonce": " n1 "}]},
        {"scans": [{**_CLEAN, "nonce": ""}]},
        {"scans": [{**_CLEAN, "code": "HS1:Ä"}]},
        {"scans": [{**_CLEAN, "short": "101333-K"}]},
        {"scans": [{**{k: v for k, v in _CLEAN.items() if k != "code"}, "short": "101333-K"}]},
        {"scans": [{**_CLEAN, "code": None}]},
        {"scans": [{**_CLEAN, "reason": "maybe"}]},
        {"scans": [{**_CLEAN, "zone": 5}]},
        {"scans": [[1, 2]]},
        {"scans": "nope"},
        [],
    ],
)
def test_the_hand_written_batch_check_answers_as_the_serializer(body):
    from rest_framework.exceptions import ValidationError

    from accreditation.gate.wire import BatchInput, batch_input

    serializer = BatchInput(data=body)
    if serializer.is_valid():
        assert batch_input(body) == dict(serializer.validated_data)
    else:
        with pytest.raises(ValidationError):
            batch_input(body)
