"""Undoing a gate's last scan: permission, audit, and it no longer counts."""

from accreditation import selectors
from accreditation.badges import codes
from accreditation.gate import scan as checkin
from accreditation.models import Scan
from hanoi_summit.core.models import AuditEntry
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory

URL = "/api/checkin/undo/"


def test_an_officer_undoes_the_last_scan_and_the_person_may_enter_again(zones, client):
    officer = StaffUserFactory(role="Protocol officer")
    badge = collected_badge()
    code = codes.badge_code(badge)
    first = checkin.badge_scan(code=code, zone_code="PLN", direction="in", actor=officer)
    assert (
        checkin.badge_scan(code=code, zone_code="PLN", direction="in", actor=officer).reason
        == "already_inside"
    )
    client.force_login(officer)
    # The denied scan is the last: undone first, then the granted one.
    body = client.post(URL, {"zone": "PLN"}, content_type="application/json").json()
    assert (body["reason"], body["badge_number"]) == ("already_inside", badge.number)
    body = client.post(URL, {"zone": "PLN"}, content_type="application/json").json()
    assert body["scan_id"] == first.scan_id
    assert Scan.objects.get(pk=first.scan_id).undone_by == officer
    assert AuditEntry.objects.filter(action="scan.undo").count() == 2
    pln = next(row for row in selectors.zone_occupancy() if row.zone.code == "PLN")
    assert pln.inside == 0
    assert checkin.badge_scan(code=code, zone_code="PLN", direction="in", actor=officer).granted


def test_nothing_to_undo_is_a_400(zones, client):
    client.force_login(StaffUserFactory(role="Protocol officer"))
    response = client.post(URL, {"zone": "PLN"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "nothing_to_undo"


def test_a_gate_officer_without_the_permission_may_not_undo(zones, client):
    officer = StaffUserFactory(role="Gate officer")
    checkin.badge_scan(
        code=codes.badge_code(collected_badge()), zone_code="PLN", direction="in", actor=officer
    )
    client.force_login(officer)
    assert client.post(URL, {"zone": "PLN"}, content_type="application/json").status_code == 403
    assert not Scan.objects.filter(undone_at__isnull=False).exists()


def test_undo_by_device_name_takes_that_devices_last_scan(zones, client):
    officer = StaffUserFactory(role="Protocol officer")
    code = codes.badge_code(collected_badge())
    mine = checkin.badge_scan(code=code, zone_code="PLN", direction="in", device="gate 1")
    checkin.badge_scan(
        code=codes.badge_code(collected_badge()), zone_code="PLN", direction="in", device="gate 2"
    )
    client.force_login(officer)
    body = client.post(URL, {"zone": "PLN", "device": "gate 1"}, content_type="application/json").json()
    assert body["scan_id"] == mine.scan_id
