"""A scan's nonce answers a retry of that very scan, and nothing else."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accreditation.badges import codes
from accreditation.models import Scan
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory, ZoneFactory

URL = "/api/checkin/"


@pytest.fixture
def plenary(db):
    return ZoneFactory(code="PLN", name="Plenary hall")


def device_of(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post(client, **body):
    return client.post(URL, {"zone": "PLN", "direction": "in", **body}, format="json")


def broken_tail(code):
    """The same code up to well past its 40th character, its signature then broken."""
    position = len(code) - 5
    return code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]


def test_a_replayed_nonce_with_a_forged_code_of_the_same_beginning_is_refused(plenary):
    device = device_of(StaffUserFactory(role="Gate officer"))
    genuine = codes.badge_code(collected_badge())
    forged = broken_tail(genuine)
    assert forged[:40] == genuine[:40] and forged != genuine
    assert post(device, code=genuine, nonce="g1-0001").json()["result"] == "granted"
    response = post(device, code=forged, nonce="g1-0001")
    assert (response.status_code, response.json()["code"]) == (400, "nonce_reused")
    # Sent with a new nonce, the forged code is judged, and denied.
    assert post(device, code=forged, nonce="g1-0002").json()["reason"] == "forged"
    assert Scan.objects.count() == 2


def test_a_nonce_replayed_from_another_account_is_refused(plenary):
    genuine = codes.badge_code(collected_badge())
    first = device_of(StaffUserFactory(role="Gate officer"))
    other = device_of(StaffUserFactory(role="Gate officer"))
    assert post(first, code=genuine, nonce="g1-0001").json()["result"] == "granted"
    response = post(other, code=genuine, nonce="g1-0001")
    assert (response.status_code, response.json()["code"]) == (400, "nonce_reused")
    assert Scan.objects.count() == 1


def test_a_genuine_retry_still_gets_the_first_outcome(plenary):
    device = device_of(StaffUserFactory(role="Gate officer"))
    genuine = codes.badge_code(collected_badge())
    first = post(device, code=genuine, nonce="g1-0001").json()
    again = post(device, code=genuine, nonce="g1-0001").json()
    assert (again["scan_id"], again["result"], again["replayed"]) == (first["scan_id"], "granted", True)
    assert Scan.objects.count() == 1
