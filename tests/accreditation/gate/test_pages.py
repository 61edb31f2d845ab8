"""The gate page (form POST without JavaScript), the occupancy page and the gate's photo view."""

import json
import re
from html import unescape

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accreditation.badges import codes
from accreditation.models import Scan
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import ScanFactory, StaffUserFactory, ZoneFactory

GATE = "/protocol/checkin/"
OCCUPANCY = "/protocol/checkin/occupancy/"


@pytest.fixture
def gate_client(client, gate_user):
    client.force_login(gate_user)
    return client


def test_gate_page_offers_zones_direction_and_a_focused_input(zones, gate_client):
    response = gate_client.get(GATE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="PLN" selected' in html
    assert "Signing stage" in html
    assert 'id="checkin-code"' in html and "autofocus" in html
    # The gate app: its script, its manifest, and the addresses it talks to.
    assert 'src="/static/gate/app.js"' in html
    assert 'rel="manifest" href="/protocol/checkin/manifest.webmanifest"' in html
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
    assert config["urls"]["checkin"] == "/api/checkin/"
    assert config["urls"]["bundle"] == "/api/gate/bundle/"
    assert config["urls"]["batch"] == "/api/checkin/batch/"


def test_zone_and_direction_come_from_the_query_string_and_are_remembered(zones, gate_client):
    html = gate_client.get(GATE + "?zone=SIG&direction=out").content.decode()
    assert 'value="SIG" selected' in html
    assert 'id="direction-out" value="out" checked' in html
    html = gate_client.get(GATE).content.decode()
    assert 'value="SIG" selected' in html
    assert 'id="direction-out" value="out" checked' in html


def test_form_post_shows_granted_with_the_person(zones, gate_client, gate_user):
    badge = collected_badge()
    response = gate_client.post(
        GATE, {"zone": "PLN", "direction": "in", "code": codes.badge_code(badge), "nonce": "page-1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-result="granted"' in html
    assert "Nguyễn Thị Hương" in html
    assert f"/protocol/checkin/photo/{badge.pk}/" in html
    scan = Scan.objects.get()
    assert (scan.officer, scan.result, scan.device) == (gate_user, "granted", "gate page")


def test_form_post_shows_denied_with_the_reason_in_plain_words(zones, gate_client):
    badge = collected_badge(zone_codes="SIG")
    html = gate_client.post(
        GATE, {"zone": "PLN", "direction": "in", "code": codes.badge_code(badge)}
    ).content.decode()
    assert 'data-result="denied"' in html and 'data-reason="wrong_zone"' in html
    assert "does not give access to this zone" in html


def test_a_resubmitted_form_is_logged_once(zones, gate_client):
    data = {"zone": "PLN", "direction": "in", "code": codes.badge_code(collected_badge()), "nonce": "n-1"}
    gate_client.post(GATE, data)
    gate_client.post(GATE, data)
    assert Scan.objects.count() == 1


def test_form_post_with_an_unknown_zone_is_refused_and_logs_nothing(zones, gate_client):
    response = gate_client.post(GATE, {"zone": "NOPE", "direction": "in", "code": "HS1:AAAA"})
    assert response.status_code == 400
    assert not Scan.objects.exists()


def test_gate_page_needs_the_check_in_permission(zones, client):
    response = client.get(GATE)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(StaffUserFactory(role="Security officer"))
    assert client.get(GATE).status_code == 403
    assert client.post(GATE, {"zone": "PLN", "direction": "in", "code": "x"}).status_code == 403
    assert not Scan.objects.exists()


def test_occupancy_is_granted_ins_minus_outs_per_zone(zones, gate_client):
    plenary = zones["PLN"]
    for _ in range(3):
        ScanFactory(zone=plenary, direction="in")
    ScanFactory(zone=plenary, direction="out")
    ScanFactory(zone=plenary, direction="in", result="denied", reason="revoked")
    ScanFactory(zone=zones["SIG"], direction="in")
    response = gate_client.get(OCCUPANCY)
    rows = {row["zone"].code: row for row in response.context["rows"]}
    assert (rows["PLN"]["inside"], rows["PLN"]["ins"], rows["PLN"]["outs"]) == (2, 3, 1)
    assert rows["PLN"]["percent"] == 20
    assert rows["SIG"]["inside"] == 1 and rows["SIG"]["percent"] is None
    assert response.context["total_inside"] == 3
    html = response.content.decode()
    assert "Plenary hall" in html and 'data-refresh="5"' in html


def test_occupancy_partial_is_the_table_alone(zones, gate_client):
    ScanFactory(zone=zones["PLN"], direction="in")
    html = gate_client.get(OCCUPANCY + "?partial=1").content.decode()
    assert html.lstrip().startswith('<div class="table-responsive">')
    assert 'data-zone="PLN"' in html
    assert "<html" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_occupancy_query_count_does_not_grow_with_zones(db, gate_client, django_assert_num_queries, count):
    for index in range(count):
        zone = ZoneFactory(code=f"Z{index}")
        ScanFactory(zone=zone)
    # Session, user, the user's and the groups' permissions, then one query for every zone.
    with django_assert_num_queries(5):
        response = gate_client.get(OCCUPANCY)
    assert len(response.context["rows"]) == count


def test_occupancy_needs_a_gate_or_scan_permission(zones, client):
    client.force_login(StaffUserFactory(role="Security officer"))
    assert client.get(OCCUPANCY).status_code == 403
    client.force_login(StaffUserFactory(role="Secretariat"))
    assert client.get(OCCUPANCY).status_code == 200


def test_photo_for_gate_staff_is_never_cached(zones, gate_client):
    badge = collected_badge()
    gate_client.post(GATE, {"zone": "PLN", "direction": "in", "code": codes.badge_code(badge)})
    response = gate_client.get(f"/protocol/checkin/photo/{badge.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_for_a_device_token(zones, client, gate_user):
    badge = collected_badge()
    token = Token.objects.create(user=gate_user)
    # The photo of a badge this device has just scanned (tests/security/test_gate_photo.py).
    scanned = client.post(
        "/api/checkin/",
        {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert scanned.status_code == 200
    response = client.get(f"/protocol/checkin/photo/{badge.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    bad = client.get(f"/protocol/checkin/photo/{badge.pk}/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 302


def test_photo_is_refused_to_others(zones, client):
    badge = collected_badge()
    url = f"/protocol/checkin/photo/{badge.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(StaffUserFactory(role="Security officer"))
    assert client.get(url).status_code == 403
    focal = StaffUserFactory(username="focal", is_staff=False)
    client.force_login(focal)
    assert client.get(url).status_code == 403


def test_photo_of_a_member_without_one_is_404(zones, gate_client):
    badge = collected_badge(accreditation__member__photo="")
    gate_client.post(GATE, {"zone": "PLN", "direction": "in", "code": codes.badge_code(badge)})
    assert gate_client.get(f"/protocol/checkin/photo/{badge.pk}/").status_code == 404


def test_revoked_badge_is_denied_on_the_page_at_once(zones, gate_client):
    badge = collected_badge()
    code = codes.badge_code(badge)
    gate_client.post(GATE, {"zone": "PLN", "direction": "in", "code": code})
    type(badge).objects.filter(pk=badge.pk).update(revoked_at=timezone.now())
    html = gate_client.post(GATE, {"zone": "PLN", "direction": "in", "code": code}).content.decode()
    assert 'data-reason="revoked"' in html
