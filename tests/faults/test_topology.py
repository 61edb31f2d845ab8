"""The README's production topology, smoke-tested: two gunicorn processes, one Celery worker per
queue with the README's commands (email, badges, periodic with the default queue) and one
beat, as separate processes against one PostgreSQL and one Redis. A member goes from the
focal point's submission to a granted scan at the gate through them, over HTTP only; then
every process is stopped."""

import itertools
import re

import pytest
import requests
from django.conf import settings

from tests.integration.support import REPO_ROOT, wait_until

pytestmark = pytest.mark.faults

# The event's first morning, so that the badge printed today is valid at the gate (as for a
# rehearsal); the sweeps every second, to see the periodic worker run them.
STACK_SETTINGS = {
    "EVENT_NOW": "2025-10-25T11:00:00+07:00",
    "OUTBOX_SWEEP_SECONDS": 1,
    "BATCH_SWEEP_SECONDS": 1,
}
PASSWORD = "pw-Hanoi-2025"  # the factories' password for every account


def readme_workers():
    """The workers of the README's topology table, {name: (queues, concurrency)}: the test
    starts what the README tells production to start."""
    readme = (REPO_ROOT / "README.md").read_text()
    # Options after the name (the documents worker's --max-tasks-per-child) tune a worker's
    # memory over a long run; a smoke test's few tasks don't need them.
    rows = re.findall(r"`celery -A hanoi_summit worker -Q ([\w,]+) -c (\d+) -n (\w+)@%h[^`]*`", readme)
    return {name: (tuple(queues.split(",")), int(concurrency)) for queues, concurrency, name in rows}


def test_the_readme_starts_a_worker_for_every_queue_tasks_are_routed_to():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    started = [queue for queues, _ in readme_workers().values() for queue in queues]
    assert sorted(started) == sorted(routed | {settings.CELERY_TASK_DEFAULT_QUEUE})


def scene(stack):
    """The accounts of each role, a zone and a category, a delegation ready to submit with one
    member; API tokens for the focal point, the officers and the gate."""
    return stack.django(
        """
        from rest_framework.authtoken.models import Token
        from tests import factories

        factories.ZoneFactory(code="PLN", name="Plenary hall")
        factories.CategoryFactory(code="DEL", name="Delegate")
        delegation = factories.StateDelegationFactory(
            country="KE", name="Kenya", code="ken", mission="Embassy of Kenya, Hanoi",
            contact_email="mfa@ke.example", badge_quota=5,
        )
        focal = factories.FocalPointFactory(delegation=delegation, user__username="focal-ken").user
        factories.DocumentFactory(delegation=delegation)
        member = factories.MemberFactory(delegation=delegation, with_photo=True)
        roles = {
            "accreditation": "Accreditation officer",
            "security": "Security officer",
            "protocol": "Protocol officer",
            "gate": "Gate officer",
        }
        tokens = {"focal": Token.objects.create(user=focal).key}
        for name, role in roles.items():
            user = factories.StaffUserFactory(role=role, username=name)
            tokens[name] = Token.objects.create(user=user).key
        print(json.dumps({"tokens": tokens, "passport": member.passport_number, "member": member.pk}))
        """
    )


def badge_code(stack, badge_id):
    """What the badge's QR code says (the scanner reads it off the printed badge)."""
    return stack.django(
        """
        from accreditation.badges import codes
        from accreditation.models import Badge

        print(json.dumps(codes.badge_code(Badge.objects.get(pk=params["badge"]))))
        """,
        badge=badge_id,
    )


class Client:
    """HTTP to the web tier, each request to the next gunicorn in turn (a load balancer)."""

    def __init__(self, webs, token=None):
        self.urls = itertools.cycle([web.url for web in webs])
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def get(self, path, **kwargs):
        return self.session.get(next(self.urls) + path, timeout=60, **kwargs)

    def post(self, path, **kwargs):
        return self.session.post(next(self.urls) + path, timeout=60, **kwargs)

    def login(self, username):
        """Log in through the login page, as a person does (CSRF cookie and token)."""
        self.get("/portal/login/")
        response = self.post(
            "/portal/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        return self

    @property
    def csrf(self):
        return self.session.cookies["csrftoken"]

    def form_post(self, path, data):
        response = self.post(path, data={**data, "csrfmiddlewaretoken": self.csrf}, allow_redirects=False)
        assert response.status_code == 302, response.text[:500]
        return response


def ok(response):
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_a_member_goes_from_submission_to_a_granted_scan_through_the_production_topology(stack):
    webs = [stack.start_web(workers=2), stack.start_web(workers=2)]
    workers = {
        name: stack.start_worker(queues=queues, pool="prefork", concurrency=concurrency)
        for name, (queues, concurrency) in readme_workers().items()
    }
    beat = stack.start_beat()
    data = scene(stack)
    tokens = data["tokens"]

    # The focal point submits; the confirmation goes out through the e-mail worker.
    submitted = ok(Client(webs, tokens["focal"]).post("/portal/accreditation/api/submit/"))["submitted"]
    assert len(submitted) == 1
    wait_until(lambda: stack.sink.count >= 1, timeout=60, what="the submission's confirmation e-mail")

    # The accreditation officer approves, security clears.
    officer = Client(webs, tokens["accreditation"])
    [request] = ok(officer.get("/api/accreditation/review/"))["results"]
    assert request["member"]["id"] == data["member"]
    ok(
        officer.post(
            f"/api/accreditation/{request['id']}/approve/", json={"category": "DEL", "zones": ["PLN"]}
        )
    )
    ok(Client(webs, tokens["security"]).post(f"/api/accreditation/{request['id']}/clear/", json={}))

    # Protocol prints the badge from the print queue, and hands it over at the desk.
    protocol = Client(webs).login("protocol")
    assert protocol.get("/protocol/print/").status_code == 200
    batch_page = protocol.form_post(
        "/protocol/print/batch/", {"layout": "a4x4", "accreditations": [request["id"]]}
    ).headers["Location"]
    assert re.search(r"/protocol/batches/\d+/", batch_page), batch_page  # not back to the queue
    batch_id = int(re.search(r"/protocol/batches/(\d+)/", batch_page)[1])
    wait_until(
        lambda: protocol.get(f"/protocol/batches/{batch_id}/status/").json()["status"] == "done",
        timeout=60,
        what="the badge's PDF",
    )
    desk = protocol.get("/protocol/desk/", params={"q": data["passport"]}).text
    badge_id = int(re.search(r"/protocol/badges/(\d+)/hand-over/", desk)[1])
    protocol.form_post(f"/protocol/badges/{badge_id}/hand-over/", {"id_document_seen": data["passport"]})

    # The gate scans it.
    scan = ok(
        Client(webs, tokens["gate"]).post(
            "/api/checkin/", json={"code": badge_code(stack, badge_id), "zone": "PLN", "direction": "in"}
        )
    )
    assert (scan["result"], scan["reason"]) == ("granted", "ok"), scan

    # The periodic worker runs beat's sweeps.
    wait_until(
        lambda: (
            "outbox_requeue_stale" in workers["periodic"].log_tail(400)
            and "badge_batch_requeue_stuck_task" in workers["periodic"].log_tail(400)
        ),
        timeout=30,
        what="the periodic worker to run the sweeps",
    )
    for web in webs:
        web.check_alive()
        web.stop()
        assert not web.running
    beat.stop()
    assert not beat.running
    for worker in workers.values():
        stack.stop_worker(worker)
        assert worker.process.poll() is not None
