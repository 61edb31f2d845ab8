"""(d) PostgreSQL restarted as by a crash (pg_ctl restart -m immediate) while gates send scans
to gunicorn: every answer stays JSON (503 with Retry-After and the code the gate app reads
during the outage, never an HTML 500), and every scan that was answered, granted or denied,
is in the scan log afterwards (durable commits: CHECKIN_SYNCHRONOUS_COMMIT's default)."""

import itertools
import threading

import pytest
import requests

from tests.integration.support import wait_until

pytestmark = pytest.mark.faults

GATES = 3  # scanners sending at once
BADGES = 20


def gate_scene(stack):
    """A gate account with its API token and collected badges valid today for zone PLN."""
    return stack.django(
        """
        from rest_framework.authtoken.models import Token
        from accreditation.badges import codes
        from tests.accreditation.gate.test_scan import collected_badge
        from tests.factories import StaffUserFactory, ZoneFactory

        ZoneFactory(code="PLN", name="Plenary hall")
        officer = StaffUserFactory(role="Gate officer", username="gate")
        badges = [collected_badge(accreditation__member__with_photo=False) for _ in range(params["n"])]
        print(json.dumps({
            "token": Token.objects.create(user=officer).key,
            "codes": [codes.badge_code(badge) for badge in badges],
        }))
        """,
        n=BADGES,
    )


class Gates:
    """Scanners posting scans in a loop, each answer kept as (status, content type, headers, body)."""

    def __init__(self, url, token, codes):
        self.url = f"{url}/api/checkin/"
        self.headers = {"Authorization": f"Token {token}"}
        self.codes = codes
        self.answers = []
        self.errors = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._numbers = itertools.count()

    def _scan(self, session, gate):
        n = next(self._numbers)
        body = {
            "code": self.codes[n % len(self.codes)],
            "zone": "PLN",
            "direction": "in" if (n // len(self.codes)) % 2 == 0 else "out",
            "device": f"gate-{gate}",
            "nonce": f"gate-{gate}-{n}",
        }
        response = session.post(self.url, json=body, headers=self.headers, timeout=30)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text[:300]
        with self._lock:
            self.answers.append(
                (response.status_code, response.headers.get("Content-Type", ""), response.headers, payload)
            )

    def _run(self, gate):
        with requests.Session() as session:
            while not self._stop.is_set():
                try:
                    self._scan(session, gate)
                except requests.RequestException as error:  # the web server itself must not fail
                    with self._lock:
                        self.errors.append(repr(error))

    def __enter__(self):
        self.threads = [
            threading.Thread(target=self._run, args=(gate,), daemon=True) for gate in range(GATES)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def count(self, status):
        with self._lock:
            return sum(1 for answer in self.answers if answer[0] == status)


def test_scans_through_a_database_crash_answer_json_and_none_answered_is_lost(stack):
    scene = gate_scene(stack)
    web = stack.start_web(workers=2)
    with Gates(web.url, scene["token"], scene["codes"]) as gates:
        wait_until(lambda: gates.count(200) >= 100, timeout=60, what="100 scans answered")
        stack.postgres.restart("immediate")
        restarted = gates.count(200)
        # Scans go on being answered once PostgreSQL is back.
        wait_until(lambda: gates.count(200) >= restarted + 100, timeout=60, what="scans answered again")
    answers = gates.answers
    assert gates.errors == []
    assert {status for status, *_ in answers} <= {200, 503}, [a for a in answers if a[0] not in (200, 503)][
        :3
    ]
    assert all(content_type.startswith("application/json") for _, content_type, _, _ in answers)
    outages = [(headers, payload) for status, _, headers, payload in answers if status == 503]
    assert outages, "no scan reached the server during the restart"
    assert all(payload["code"] == "database_unavailable" for _, payload in outages)
    assert all(headers.get("Retry-After") for headers, _ in outages)

    answered = {payload["scan_id"]: payload["result"] for status, _, _, payload in answers if status == 200}
    assert set(answered.values()) <= {"granted", "denied"} and "granted" in answered.values()
    logged = dict(stack.sql("SELECT id, result FROM accreditation_scan WHERE id = ANY(%s)", [list(answered)]))
    assert logged == answered  # every answered scan is in the log, with the verdict it was given
