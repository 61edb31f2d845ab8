"""GET /api/gate/bundle/ and the revoked list's `since`: versions, deltas, ETag, compression."""

import gzip
import json

import pytest

from accreditation import services
from accreditation.badges import keys
from accreditation.badges.short import short_number
from accreditation.gate.bundle import gate_version
from accreditation.models import AccreditationStatus, SecondEntry
from accreditation.services.gate import gate_version_next
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory

URL = "/api/gate/bundle/"


@pytest.fixture
def desk(db):
    return StaffUserFactory(role="Protocol officer")


def test_full_bundle_holds_keys_zones_and_the_newest_badges(zones, device):
    zones["PLN"].second_entry = SecondEntry.WARN
    zones["PLN"].save()
    badge = collected_badge()
    body = device.get(URL).json()
    assert body["full"] is True
    assert body["offline_max_minutes"] == 30
    assert len(body["keys"]) == 1 and len(body["keys"][0]["public_key"]) == 44
    assert {z["code"]: z["second_entry"] for z in body["zones"]} == {"PLN": "warn", "SIG": "deny"}
    (row,) = body["badges"]
    assert row["number"] == badge.number and row["short"] == short_number(badge.number)
    assert (row["collected"], row["revoked"], row["refused"]) == (True, False, False)
    assert row["name"] == "Nguyễn Thị Hương" and row["category_code"] == "DEL"
    assert row["zones"] == ["PLN"] and body["removed"] == []


def test_bundle_without_a_permission_is_refused(zones, client, db):
    client.force_login(StaffUserFactory(role="Accreditation officer"))
    assert client.get(URL).status_code == 403


def test_a_revocation_comes_in_the_changes_since_a_version(zones, device, desk):
    badge, other = collected_badge(), collected_badge()
    first = device.get(URL).json()
    services.badge_revoke(badge=badge, actor=desk, reason="Withdrawn")
    delta = device.get(URL, {"since": first["version"]}).json()
    assert delta["full"] is False and delta["version"] > first["version"]
    assert [(row["number"], row["revoked"]) for row in delta["badges"]] == [(badge.number, True)]
    assert delta["badges"][0]["revoked_at"]
    assert other.number not in {row["number"] for row in delta["badges"]}
    # Nothing changed since: no badges.
    assert device.get(URL, {"since": delta["version"]}).json()["badges"] == []


def test_a_reprint_sends_the_newest_version_only(zones, device, desk):
    badge = collected_badge()
    version = device.get(URL).json()["version"]
    new = services.badge_reprint(badge=badge, actor=desk, reason="Lost")
    delta = device.get(URL, {"since": version}).json()
    assert [(row["number"], row["version"]) for row in delta["badges"]] == [(badge.number, new.version)]
    assert [row["version"] for row in device.get(URL).json()["badges"]] == [new.version]


def test_refused_says_refused_not_revoked(zones, device, desk):
    badge = collected_badge(accreditation__status=AccreditationStatus.PRINTED, collected_at=None)
    services.accreditation_refuse(accreditation=badge.accreditation, actor=desk, note="No")
    (row,) = device.get(URL).json()["badges"]
    assert (row["revoked"], row["refused"], row["collected"]) == (False, True, False)


def test_a_version_ahead_of_the_server_or_negative_gets_the_full_bundle(zones, device):
    collected_badge()
    version = gate_version_next()
    assert device.get(URL, {"since": version + 5}).json()["full"] is True
    assert device.get(URL, {"since": -1}).json()["full"] is True
    response = device.get(URL, {"since": "abc"})
    assert response.status_code == 400 and response.json()["code"] == "bad_since"


def test_etag_answers_304_until_something_changes(zones, device, desk):
    badge = collected_badge()
    response = device.get(URL)
    etag = response["ETag"]
    assert device.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.badge_revoke(badge=badge, actor=desk, reason="Withdrawn")
    again = device.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_gzip_when_accepted(zones, device):
    for _ in range(3):
        collected_badge()
    plain = device.get(URL)
    packed = device.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content))["badges"] == plain.json()["badges"]


def test_key_is_the_signing_keys_public_half(zones, device):
    import base64

    body = device.get(URL).json()
    assert base64.b64decode(body["keys"][0]["public_key"]) == keys.public_key_raw()


def test_the_revoked_list_takes_since(zones, device, desk):
    badge, other = collected_badge(), collected_badge()
    services.badge_revoke(badge=other, actor=desk, reason="Withdrawn")
    first = device.get("/api/badges/revoked/").json()
    assert first["full"] is True and first["count"] == 1 and first["version"] == gate_version()
    services.badge_revoke(badge=badge, actor=desk, reason="Withdrawn")
    delta = device.get("/api/badges/revoked/", {"since": first["version"]}).json()
    assert delta["full"] is False
    assert delta["badges"] == [{"number": badge.number, "version": badge.version}]


def test_editing_a_zone_or_category_in_the_admin_is_a_new_version(zones, device, secretariat_client):
    badge = collected_badge()
    first = device.get(URL).json()["version"]
    zone = zones["PLN"]
    response = secretariat_client.post(
        f"/admin/accreditation/zone/{zone.pk}/change/",
        {"code": "PLN", "name": "Plenary hall", "second_entry": "warn", "sort_order": 1, "capacity": 10},
    )
    assert response.status_code == 302
    body = device.get(URL, {"since": first}).json()
    assert body["version"] > first and body["badges"] == []
    assert {z["code"]: z["second_entry"] for z in body["zones"]}["PLN"] == "warn"
    category = badge.category
    secretariat_client.post(
        f"/admin/accreditation/category/{category.pk}/change/",
        {"code": "DEL", "name": "Delegates", "colour": "#1565C0", "text_colour": "#FFFFFF", "sort_order": 0},
    )
    delta = device.get(URL, {"since": body["version"]}).json()
    assert [row["category_name"] for row in delta["badges"]] == ["Delegates"]
