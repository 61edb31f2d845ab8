"""The test vectors (tests/accreditation/gate/vectors.json) through the gate app's own
decision in the browser: the device decides as the server does (tests/accreditation/gate/
test_vectors.py runs the same cases through the server's), with WebCrypto's Ed25519 and
with the pinned noble-ed25519 alike."""

import pytest

from tests.e2e.gate_app import open_gate
from tests.e2e.test_gate import _gate_role
from tests.factories import StaffUserFactory
from tests.gate_vectors import build_world, event_now_of, load_vectors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VECTORS = load_vectors()

DECIDE = """async ([cases, verifier]) => {
  hsGate.useVerifier(verifier);
  const answers = [];
  for (const c of cases) {
    const verdict = await hsGate.decide(hsGate.state.bundle, c.code, c.zone, c.direction, Date.now(), c.own);
    answers.push([verdict.result || null, verdict.reason || verdict.error, verdict.warning || null]);
  }
  return answers;
}"""


def test_the_device_decides_as_the_vectors_say(page, settings):
    settings.EVENT_NOW = event_now_of(VECTORS)
    world = build_world(VECTORS)
    _gate_role()
    StaffUserFactory(username="gate", role="Gate officer")
    open_gate(page, zone=VECTORS["cases"][0]["zone"])
    assert page.evaluate("hsGate.state.bundle.event_today") == VECTORS["today"]

    numbers = {key: spec["number"] for key, spec in VECTORS["badges"].items()}
    cases = [
        {
            "code": world[case["badge"]] if case["badge"] else case["code"],
            "zone": case["zone"],
            "direction": case["direction"],
            # This device's own earlier scans: the case's prior ones, all granted.
            "own": [
                {"number": numbers[key], "zone": zone, "direction": direction, "result": "granted"}
                for key, zone, direction in case["prior"]
            ],
        }
        for case in VECTORS["cases"]
    ]
    expected = [
        [case["expected"]["result"], case["expected"]["reason"], case["expected"].get("warning")]
        for case in VECTORS["cases"]
    ]
    for verifier in ("webcrypto", "noble"):
        answers = page.evaluate(DECIDE, [cases, verifier])
        wrong = [
            (case["name"], answer, want)
            for case, answer, want in zip(VECTORS["cases"], answers, expected, strict=True)
            if answer != want
        ]
        assert wrong == [], verifier
