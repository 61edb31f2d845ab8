"""Every test vector through the server's decision (POST /api/checkin/'s service): the gate
app's browser test runs the same file through the device's, so both follow one rule table."""

import pytest

from accreditation.gate import scan as checkin
from accreditation.models import ScanReason
from tests.factories import StaffUserFactory
from tests.gate_vectors import build_world, event_now_of, load_vectors, record_prior

VECTORS = load_vectors()


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_the_server_decides_as_the_vector_says(db, settings, case):
    settings.EVENT_NOW = event_now_of(VECTORS)
    world = build_world(VECTORS)
    record_prior(VECTORS, case["prior"])
    code = world[case["badge"]] if case["badge"] else case["code"]
    outcome = checkin.badge_scan(code=code, zone_code=case["zone"], direction=case["direction"])
    expected = case["expected"]
    assert (outcome.result, outcome.reason, outcome.warning) == (
        expected["result"],
        expected["reason"],
        expected.get("warning"),
    )


def test_the_vectors_cover_every_reason():
    reasons = {case["expected"]["reason"] for case in VECTORS["cases"]}
    reasons |= {case["expected"].get("warning") for case in VECTORS["cases"]} - {None}
    assert reasons == set(ScanReason.values)


def test_the_bundle_says_what_the_vectors_say(db, settings, client):
    """The device decides from the bundle: each badge's flags there are the vector's."""
    settings.EVENT_NOW = event_now_of(VECTORS)
    build_world(VECTORS)
    client.force_login(StaffUserFactory(role="Gate officer"))
    bundle = client.get("/api/gate/bundle/").json()
    assert bundle["event_today"] == VECTORS["today"]
    rows = {row["number"]: row for row in bundle["badges"]}
    for key, spec in VECTORS["badges"].items():
        if spec.get("issued", True) is False or spec["signer"] == "stranger":
            assert spec["number"] not in rows, key
            continue
        row = rows[spec["number"]]
        if spec["superseded"]:
            # Only the newer print's number matters: an older version is revoked.
            assert row["version"] > spec["version"], key
            continue
        assert (row["version"], row["collected"], row["refused"]) == (
            spec["version"],
            spec["collected"],
            spec["refused"],
        ), key
        assert row["revoked"] == (spec["revoked"] and not spec["refused"]), key
    assert {z["code"]: z["second_entry"] for z in bundle["zones"]} == {
        code: zone["second_entry"] for code, zone in VECTORS["zones"].items()
    }
