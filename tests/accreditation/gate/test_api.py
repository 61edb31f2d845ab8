"""POST /api/checkin/, the public key and the revocation list, as devices call them."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accreditation.badges import codes, keys
from accreditation.gate import device as device_path
from accreditation.models import AccreditationStatus, Badge, Scan, SecondEntry, Zone
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import BadgeFactory, StaffUserFactory
from tests.postgres import backend_pid

URL = "/api/checkin/"


def post(client, body, **kwargs):
    return client.post(URL, body, format="json", **kwargs)


def test_device_with_a_token_gets_granted_with_display_data(zones, device, gate_user):
    badge = collected_badge()
    response = post(device, {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"})
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["reason"], body["replayed"]) == ("granted", "ok", False)
    assert body["badge"]["name"] == "Nguyễn Thị Hương"
    assert body["badge"]["number"] == badge.number
    assert body["badge"]["category"] == {
        "code": "DEL",
        "name": "Delegate",
        "colour": "#1565C0",
        "text_colour": "#FFFFFF",
    }
    assert body["badge"]["zones"] == ["PLN"]
    assert Scan.objects.get(pk=body["scan_id"]).officer == gate_user


def test_denied_is_a_200_with_the_reason(zones, device):
    badge = collected_badge(collected_at=None, accreditation__status=AccreditationStatus.PRINTED)
    body = post(device, {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"}).json()
    assert (body["result"], body["reason"]) == ("denied", "not_collected")
    assert "badge desk" in body["message"]
    assert body["badge"]["name"] == "Nguyễn Thị Hương"


def test_session_user_of_the_gate_page_may_post(zones, gate_user, client):
    client.force_login(gate_user)
    badge = collected_badge()
    response = client.post(
        URL,
        json.dumps({"code": codes.badge_code(badge), "zone": "PLN", "direction": "out"}),
        content_type="application/json",
    )
    assert response.json()["result"] == "granted"
    assert Scan.objects.get().direction == "out"


def test_session_post_needs_the_csrf_token(zones, gate_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(gate_user)
    response = post(client, {"code": "x", "zone": "PLN", "direction": "in"})
    assert response.status_code == 403
    assert not Scan.objects.exists()
    # A token request carries no CSRF token and needs none.
    device = APIClient(enforce_csrf_checks=True)
    device.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gate_user).key}")
    assert post(device, {"code": "x", "zone": "PLN", "direction": "in"}).status_code == 200
    assert Scan.objects.count() == 1


def test_anonymous_and_staff_without_the_permission_are_refused(zones, db):
    anonymous = APIClient()
    # 403, not 401: the view's first authentication (the session's) sends no challenge.
    assert post(anonymous, {"code": "x", "zone": "PLN", "direction": "in"}).status_code == 403
    other = APIClient()
    other.force_authenticate(StaffUserFactory(role="Security officer"))
    response = post(other, {"code": "x", "zone": "PLN", "direction": "in"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid"),
        ({"zone": "PLN", "direction": "in"}, "invalid"),
        ({"code": "HS1:AAAA", "direction": "in"}, "invalid"),
        ({"code": "HS1:AAAA", "zone": "PLN"}, "invalid"),
        ({"code": "HS1:AAAA", "zone": "PLN", "direction": "sideways"}, "invalid"),
        ({"code": "HS1:AAAA", "zone": "NOPE", "direction": "in"}, "unknown_zone"),
        ({"code": "", "zone": "PLN", "direction": "in"}, "invalid"),
        ({"code": "A" * 100_000, "zone": "PLN", "direction": "in"}, "invalid"),
        ({"code": "HS1:\x00", "zone": "PLN", "direction": "in"}, "invalid"),
        ({"code": ["HS1:"], "zone": "PLN", "direction": "in"}, "invalid"),
        ({"code": "HS1:AAAA", "zone": "PLN", "direction": "in", "nonce": "n" * 65}, "invalid"),
        (["HS1:AAAA"], "invalid"),
    ],
)
def test_malformed_input_is_a_400_with_a_code(zones, device, body, code):
    response = post(device, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Scan.objects.exists()


def test_non_json_is_a_400(zones, device):
    response = device.post(URL, "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    response = device.post(URL, b"\xff\xfe\x00", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: c[:20] + ("Q" if c[20] != "Q" else "R") + c[21:],
        lambda c: c[:-10],
        lambda c: c + "====",
        lambda c: c + "AAAAAAAA",
        lambda c: "HS2:" + c[4:],
        lambda c: c.replace("HS1:", ""),
        lambda c: "garbage",
        lambda c: "\u202e" + c,
    ],
)
def test_tampered_codes_are_never_granted_and_never_500(zones, device, mutate):
    badge = collected_badge()
    response = post(device, {"code": mutate(codes.badge_code(badge)), "zone": "PLN", "direction": "in"})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "denied"
    assert body["reason"] in {"forged", "unknown"}
    assert body["badge"] is None


def test_code_signed_with_another_key_is_forged(zones, device):
    badge = collected_badge()
    signed = codes.BadgeCode(
        number=badge.number,
        version=badge.version,
        category=badge.category.code,
        zones=("PLN",),
        valid_from=badge.valid_from,
        valid_until=badge.valid_until,
    )
    code = codes.encode(signed, key=Ed25519PrivateKey.generate())
    body = post(device, {"code": code, "zone": "PLN", "direction": "in"}).json()
    assert (body["result"], body["reason"]) == ("denied", "forged")


def test_retried_nonce_is_logged_once(zones, device):
    code = codes.badge_code(collected_badge())
    payload = {"code": code, "zone": "PLN", "direction": "in", "nonce": "dev7-000042"}
    first = post(device, payload).json()
    second = post(device, payload).json()
    assert second["scan_id"] == first["scan_id"]
    assert (second["result"], second["replayed"]) == ("granted", True)
    assert Scan.objects.count() == 1
    other = {**payload, "code": codes.badge_code(collected_badge())}
    response = post(device, other)
    assert (response.status_code, response.json()["code"]) == (400, "nonce_reused")
    assert Scan.objects.count() == 1


def test_public_key_is_published_for_offline_scanners(db):
    response = APIClient().get("/api/badges/public-key/")
    assert response.status_code == 200
    body = response.json()
    assert (body["algorithm"], body["format_version"], body["prefix"]) == ("Ed25519", 1, "HS1:")
    raw = base64.b64decode(body["public_key_raw_base64"])
    assert raw == keys.public_key_raw() and len(raw) == 32
    public = serialization.load_pem_public_key(body["public_key_pem"].encode())
    badge = BadgeFactory()
    # A scanner verifies offline with what it downloaded.
    assert codes.decode(codes.badge_code(badge), public_key=public).number == badge.number


def test_revoked_list_names_every_badge_a_gate_must_deny(zones, device):
    valid = collected_badge()
    revoked = collected_badge(revoked_at=timezone.now())
    refused = collected_badge(accreditation__status=AccreditationStatus.REFUSED)
    replaced = collected_badge(version=1)
    BadgeFactory(number=replaced.number, version=2)
    body = device.get("/api/badges/revoked/").json()
    listed = {(row["number"], row["version"]) for row in body["badges"]}
    assert listed == {(revoked.number, 1), (refused.number, 1), (replaced.number, 1)}
    assert (valid.number, 1) not in listed
    assert body["count"] == 3


def test_revoked_list_is_for_gate_accounts_only(db):
    assert APIClient().get("/api/badges/revoked/").status_code == 403
    other = APIClient()
    other.force_authenticate(StaffUserFactory(role="Security officer"))
    assert other.get("/api/badges/revoked/").status_code == 403


@pytest.mark.parametrize("rows", [1, 3])
def test_revoked_list_query_count_does_not_grow(zones, gate_user, django_assert_num_queries, rows):
    for _ in range(rows):
        collected_badge(revoked_at=timezone.now())
    client = APIClient()
    client.force_authenticate(gate_user)
    # Permission check (user's groups' permissions), the bundle version, then the one list query.
    with django_assert_num_queries(4):
        body = client.get("/api/badges/revoked/").json()
    assert body["count"] == rows


def test_openapi_schema_documents_the_gate_endpoints(db, secretariat_client):
    response = secretariat_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    assert "/api/checkin/" in schema["paths"]
    operation = schema["paths"]["/api/checkin/"]["post"]
    assert operation["operationId"] == "checkin_scan"
    assert set(operation["responses"]) >= {"200", "400"}
    assert "/api/badges/public-key/" in schema["paths"]
    assert "/api/badges/revoked/" in schema["paths"]


def test_the_reprinted_badge_is_denied_through_the_api(zones, device):
    from accreditation import services

    old = collected_badge()
    old.accreditation.zones.add(zones["PLN"])
    code = codes.badge_code(old)
    assert post(device, {"code": code, "zone": "PLN", "direction": "in"}).json()["result"] == "granted"
    services.badge_reprint(badge=old, actor=StaffUserFactory(role="Protocol officer"), reason="damaged")
    body = post(device, {"code": code, "zone": "PLN", "direction": "in"}).json()
    assert (body["result"], body["reason"]) == ("denied", "revoked")
    assert Badge.objects.filter(number=old.number).count() == 2


def test_token_permission_comes_from_the_user_or_a_group(zones, token_client):
    from django.contrib.auth.models import Permission

    body = {"code": "HS1:AAAA", "zone": "PLN", "direction": "in"}
    without = StaffUserFactory(username="no-gate")
    assert post(token_client(without), body).status_code == 403
    direct = StaffUserFactory(username="direct-gate")
    direct.user_permissions.add(Permission.objects.get(codename="check_in"))
    assert post(token_client(direct), body).json()["reason"] == "unknown"
    grouped = StaffUserFactory(username="group-gate", role="Protocol officer")
    assert post(token_client(grouped), body).status_code == 200
    inactive = StaffUserFactory(username="gone-gate", role="Gate officer", is_active=False)
    assert post(token_client(inactive), body).status_code == 403
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert post(stranger, body).status_code == 403
    assert Scan.objects.count() == 2


def test_a_superuser_scans_with_a_token(zones, token_client, django_assert_num_queries):
    """A superuser holds every permission without being given check_in: the device path's
    one query must say so, as DRF's has_perm would."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    assert not admin.user_permissions.exists() and not admin.groups.exists()
    client = token_client(admin)
    code = codes.badge_code(collected_badge())
    # The device path: one read, one insert (and the test's savepoint pair).
    with django_assert_num_queries(4):
        response = post(client, {"code": code, "zone": "PLN", "direction": "in"})
    assert (response.status_code, response.json()["result"]) == (200, "granted")
    assert Scan.objects.get().officer == admin
    admin.is_active = False
    admin.save()
    assert post(client, {"code": code, "zone": "PLN", "direction": "in"}).status_code == 403
    assert Scan.objects.count() == 1


def test_device_scan_costs_two_queries(zones, device, django_assert_num_queries):
    code = codes.badge_code(collected_badge())
    # Token with its user and permission and the zone with the badge in one query, then the
    # insert; plus the test's savepoint pair.
    with django_assert_num_queries(4):
        body = post(device, {"code": code, "zone": "PLN", "direction": "in"}).json()
    assert body["result"] == "granted"


@pytest.mark.parametrize("granted", [True, False])
def test_both_paths_answer_alike(zones, device, monkeypatch, granted):
    """The same scan through the device path, then through DRF's (CheckInView with its
    serializers): the same bytes but for the scan's id, and the same headers but two."""
    code = codes.badge_code(collected_badge()) if granted else "garbage, longer than a short number"
    # The same badge goes in twice: a zone that lets a second entry in grants both.
    Zone.objects.filter(code="PLN").update(second_entry=SecondEntry.ALLOW)
    body = {"code": code, "zone": "PLN", "direction": "in"}
    fast = post(device, body)
    monkeypatch.setattr(device_path, "answer", lambda request: None)
    drf = post(device, body)
    assert fast.status_code == drf.status_code == 200
    assert fast.json()["result"] == ("granted" if granted else "denied")
    first, second = fast.json()["scan_id"], drf.json()["scan_id"]
    assert second == first + 1
    assert fast.content == drf.content.replace(b'"scan_id":%d' % second, b'"scan_id":%d' % first)
    fast_headers, drf_headers = dict(fast.headers), dict(drf.headers)
    # DRF's path reads the session (SessionAuthentication) and so varies on the cookie; the
    # device path never does. add_never_cache_headers adds an Expires that the device path's
    # Cache-Control (no-store, max-age=0) makes redundant.
    assert drf_headers.pop("Vary") == "Accept, Accept-Language, Cookie"
    assert fast_headers.pop("Vary") == "Accept, Accept-Language"
    drf_headers.pop("Expires")
    assert fast_headers == drf_headers
    assert fast_headers["Allow"] == "POST, OPTIONS"
    assert "no-store" in fast_headers["Cache-Control"]


@pytest.mark.parametrize(
    "header",
    [
        "token {key}",
        "TOKEN {key}",
        "Token  {key}",
        "Token {key} extra",
        "Token",
        "Bearer {key}",
        "Token clé",
    ],
)
def test_token_headers_are_read_as_drf_reads_them(zones, gate_user, monkeypatch, header):
    key = Token.objects.create(user=gate_user).key
    body = {"code": "HS1:AAAA", "zone": "PLN", "direction": "in"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=key))
    fast = post(client, body)
    monkeypatch.setattr(device_path, "answer", lambda request: None)
    drf = post(client, body)
    assert fast.status_code == drf.status_code
    assert fast.json().get("code") == drf.json().get("code")


def test_other_methods_are_left_to_drf(zones, device):
    assert device.get(URL).status_code == 405
    response = device.options(URL)
    assert response.status_code == 200 and response.json()["name"] == "Check In"
    assert device.put(URL, {}, format="json").status_code == 405
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"code": " HS1:AAAA ", "zone": "PLN", "direction": "in", "nonce": None, "device": "gate 3"},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "out", "nonce": "  "},
        {"code": 12, "zone": "PLN", "direction": "in"},
        {},
        {"code": "", "zone": "P" * 9, "direction": "sideways", "nonce": "n" * 65, "device": "d" * 61},
        {"code": "HS1:\x00", "zone": ["PLN"], "direction": None},
        ["HS1:AAAA"],
        "HS1:AAAA",
        # Clean scans, as devices send them (the short path), and near misses.
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "in"},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "out", "nonce": "g3-1", "device": "gate 3"},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "in", "nonce": None, "extra": [1]},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "in", "device": None},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "in", "nonce": "", "device": ""},
        {"code": "H" * 1000, "zone": "PLNPLNPL", "direction": "in", "nonce": "n" * 64, "device": "d" * 60},
        {"code": "H" * 1001, "zone": "PLN", "direction": "in"},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "IN"},
        {"code": "HS1:AAAA\n", "zone": "PLN", "direction": "in"},
        {"code": "HS1:AAAA", "zone": "PLN", "direction": "in", "device": "cổng 3"},
        {"code": "HS1:\ud800", "zone": "PLN", "direction": "in"},
        {"code": "HS1:AAAA", "zone": 7, "direction": "in"},
        {"code": "HS1:AAAA", "zone": True, "direction": "in"},
    ],
)
def test_hand_written_input_check_matches_the_documented_serializer(body):
    from accreditation.gate.wire import CheckInInput

    serializer = CheckInInput(data=body)
    if serializer.is_valid():
        assert device_path.validated_input(body) == dict(serializer.validated_data)
    else:
        assert device_path.validated_input(body) is None


def test_device_scan_at_an_unknown_zone_or_with_a_bad_token_reads_in_one_query(zones, device):
    badge = collected_badge()
    body = {"code": codes.badge_code(badge), "zone": "NOPE", "direction": "in"}
    response = post(device, body)
    assert (response.status_code, response.json()["code"]) == (400, "unknown_zone")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert post(stranger, {**body, "zone": "PLN"}).status_code == 403
    assert not Scan.objects.exists()


def test_json_drf_refuses_is_refused_the_same_way_with_a_token(zones, device):
    badge = collected_badge()
    code = codes.badge_code(badge)
    body = json.dumps({"code": code, "zone": "PLN", "direction": "in"})[:-1] + ', "device": NaN}'
    response = device.post(URL, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    utf16 = json.dumps({"code": code, "zone": "PLN", "direction": "in"}).encode("utf-16")
    assert device.post(URL, utf16, content_type="application/json").status_code == 400
    assert not Scan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_device_scan_on_a_dead_kept_connection_reconnects(require_postgres, zones, device):
    """A device scan skips Django's per-request SELECT 1: its own read is the health check,
    so a connection that died between requests (database restart) must not fail a scan."""
    import psycopg2
    from django.db import connection

    code = codes.badge_code(collected_badge())
    body = {"code": code, "zone": "PLN", "direction": "in"}
    assert post(device, body).json()["result"] == "granted"
    killed = backend_pid()
    params = connection.get_connection_params()
    with psycopg2.connect(**{**params, "cursor_factory": None}) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [killed])
    admin.close()
    connection.close_if_unusable_or_obsolete()  # a new request starts (the test client skips it)
    response = post(device, {**body, "direction": "out"})
    assert response.status_code == 200 and response.json()["result"] == "granted"
    assert backend_pid() != killed
    assert Scan.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_device_scan_does_not_pay_for_a_health_check(require_postgres, zones, device, monkeypatch):
    """Django's per-request check (a SELECT 1 on the raw connection, invisible to query
    counts) runs for other requests on a kept connection, not for a device scan."""
    from django.db import connection

    code = codes.badge_code(collected_badge())
    post(device, {"code": code, "zone": "PLN", "direction": "in"})  # the connection is now kept
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    # What the WSGI handler does at each request's start (the test client skips it).
    connection.close_if_unusable_or_obsolete()
    device.get("/healthz/")
    assert len(checks) == 1  # the check is on: /healthz/ paid for it
    connection.close_if_unusable_or_obsolete()
    body = post(device, {"code": code, "zone": "PLN", "direction": "out"}).json()
    assert body["result"] == "granted" and len(checks) == 1


def test_device_answer_is_written_as_drf_renders_it(zones, device, django_assert_num_queries):
    """The device path writes its JSON itself; the bytes must be DRF's JSONRenderer's."""
    from rest_framework.renderers import JSONRenderer

    badge = collected_badge(accreditation__member__badge_name="Nguyễn Thị Hương\u2028 Ngô")
    with django_assert_num_queries(4):  # the device path answered it
        response = post(device, {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"})
    assert response.content == JSONRenderer().render(response.json())
    assert b"\\u2028" in response.content
    assert response["Content-Type"] == "application/json"


def test_a_typed_short_number_finds_the_badge(zones, device):
    from accreditation.badges.short import short_number

    badge = collected_badge()
    body = post(
        device, {"short": short_number(badge.number).lower(), "zone": "PLN", "direction": "in"}
    ).json()
    assert (body["result"], body["badge"]["number"]) == ("granted", badge.number)
    # Typed into the code field, as a gate's single text box sends it.
    body = post(device, {"code": short_number(badge.number), "zone": "PLN", "direction": "out"}).json()
    assert (body["result"], body["badge"]["name"]) == ("granted", "Nguyễn Thị Hương")
    assert Scan.objects.filter(badge=badge).count() == 2


def test_a_short_number_finds_the_newest_print(zones, device):
    from accreditation.badges.short import short_number

    badge = collected_badge(revoked_at=timezone.now())
    newer = collected_badge(number=badge.number, version=2, accreditation=badge.accreditation)
    body = post(device, {"short": short_number(badge.number), "zone": "PLN", "direction": "in"}).json()
    assert (body["result"], body["badge"]["version"]) == ("granted", newer.version)


def test_a_wrong_check_character_is_refused_at_once(zones, device):
    from accreditation.badges.short import short_number

    badge = collected_badge()
    printed = short_number(badge.number)
    wrong = printed[:-1] + ("0" if printed[-1] != "0" else "1")
    for field in ("short", "code"):
        response = post(device, {field: wrong, "zone": "PLN", "direction": "in"})
        assert (response.status_code, response.json()["code"]) == (400, "bad_check_character")
    response = post(
        device, {"short": printed, "code": codes.badge_code(badge), "zone": "PLN", "direction": "in"}
    )
    assert response.status_code == 400
    assert not Scan.objects.exists()


def test_an_unknown_short_number_is_denied_unknown(zones, device):
    from accreditation.badges.short import short_number

    body = post(device, {"short": short_number(999999), "zone": "PLN", "direction": "in"}).json()
    assert (body["result"], body["reason"]) == ("denied", "unknown")
