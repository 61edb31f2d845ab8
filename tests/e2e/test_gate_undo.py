"""An officer who may undo scans undoes the gate's last scan from the gate app: the badge
is no longer inside, on the server and for the device's own second-entry rule."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from accreditation.badges import codes
from accreditation.models import Scan
from tests.e2e.gate_app import gate_world, open_gate, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_undo_the_last_scan_from_the_gate_app(page, db):
    world = gate_world()
    gate = get_user_model().objects.get(username="gate")
    gate.user_permissions.add(
        Permission.objects.get(content_type__app_label="accreditation", codename="undo_scan")
    )
    code = codes.badge_code(world["granted"])
    open_gate(page)
    first = scan(page, code)
    assert verdict(first) == ("granted", "ok", "server")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#gate-undo")
    page.locator("#checkin-answer [data-result=undone]").wait_for()
    assert Scan.objects.get(nonce=first.get_attribute("data-nonce")).undone_at is not None
    assert first.get_attribute("data-undone") == "1"

    # Not inside any more, for the device's own rule too: offline, in again is granted once.
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    assert verdict(scan(page, code)) == ("granted", "ok", "offline")
    assert verdict(scan(page, code)) == ("denied", "already_inside", "offline")


def test_the_undo_button_is_only_for_officers_who_may_undo(page, db):
    gate_world()
    open_gate(page)
    assert page.locator("#gate-undo").is_hidden()
