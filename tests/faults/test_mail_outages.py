"""(b) Redis down while a focal point submits the delegation: the request succeeds, /healthz/
says "degraded", and the confirmation e-mail goes out once Redis is back (the beat's sweep).
(c) The mail server down, then back: every e-mail is delivered, each once (the failed rows'
automatic retry)."""

from collections import Counter

import pytest
import requests

from tests.faults.mail import queue_emails, statuses
from tests.integration.support import wait_until

pytestmark = pytest.mark.faults

# The sweep every second; a queued e-mail whose task was never published is dispatched again
# after 3 s. One attempt per round, so that a mail server that refuses connections fails the
# rows at once; the sweep gives each failed row its one more round 10 s after it failed.
STACK_SETTINGS = {
    "OUTBOX_SWEEP_SECONDS": 1,
    "OUTBOX_REDISPATCH_AFTER_SECONDS": 3,
    "OUTBOX_MAX_ATTEMPTS": 1,
    "OUTBOX_FAILED_RETRY_AFTER_SECONDS": 10,
    "EMAIL_TIMEOUT": 3,
}


@pytest.fixture(scope="module")
def running(stack):
    """The stack with gunicorn, one worker on every queue and beat."""
    stack.start_beat()
    stack.start_worker()
    return stack.start_web(workers=2)


def ready_delegation(stack):
    """A delegation ready to submit (details, a note verbale, two complete members) and its
    focal point's API token."""
    return stack.django(
        """
        from rest_framework.authtoken.models import Token
        from tests import factories

        delegation = factories.StateDelegationFactory(
            country="KE", name="Kenya", code="ken", mission="Embassy of Kenya, Hanoi",
            contact_email="mfa@ke.example", badge_quota=5,
        )
        focal = factories.FocalPointFactory(delegation=delegation, user__username="focal-ken").user
        factories.DocumentFactory(delegation=delegation)
        factories.MemberFactory.create_batch(2, delegation=delegation, with_photo=True)
        print(json.dumps({"token": Token.objects.create(user=focal).key}))
        """
    )


def outbox_ids(stack):
    return {row[0] for row in stack.sql("SELECT id FROM hanoi_summit_outgoingemail")}


def test_a_submission_while_redis_is_down_succeeds_and_its_email_follows(stack, running):
    scene = ready_delegation(stack)
    before = outbox_ids(stack)
    stack.sink.clear()
    stack.redis.stop()

    response = requests.post(
        f"{running.url}/portal/accreditation/api/submit/",
        headers={"Authorization": f"Token {scene['token']}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()["submitted"]) == 2
    health = requests.get(f"{running.url}/healthz/", timeout=30)
    assert health.status_code == 200
    assert (health.json()["status"], health.json()["broker"]["ok"], health.json()["database"]["ok"]) == (
        "degraded",
        False,
        True,
    )
    new = outbox_ids(stack) - before
    assert new, "the submission queued no e-mail"
    assert stack.sink.count == 0

    stack.redis.start()
    wait_until(
        lambda: {int(m["X-Hanoi-Outbox-Id"]) for m in stack.sink.messages} >= new,
        timeout=90,
        interval=0.2,
        what="the submission's e-mails after Redis came back",
    )
    assert requests.get(f"{running.url}/healthz/", timeout=30).json()["status"] == "ok"
    wait_until(lambda: statuses(stack).get("sent", 0) >= len(new), timeout=30, what="the rows marked sent")


def test_emails_queued_while_the_mail_server_is_down_are_each_delivered_once_when_it_is_back(stack, running):
    count = 20
    stack.sink.stop()
    stack.sink.clear()
    try:
        ids = queue_emails(stack, count, prefix="smtp-down")
        failed = "SELECT count(*) FROM hanoi_summit_outgoingemail WHERE status = 'failed' AND id = ANY(%s)"
        wait_until(lambda: stack.value(failed, [ids]) == count, timeout=60, what="every e-mail failed")
    finally:
        stack.sink.start()

    sent = "SELECT count(*) FROM hanoi_summit_outgoingemail WHERE status = 'sent' AND id = ANY(%s)"
    wait_until(lambda: stack.value(sent, [ids]) == count, timeout=90, interval=0.2, what="every e-mail sent")
    delivered = Counter(int(m["X-Hanoi-Outbox-Id"]) for m in stack.sink.messages)
    assert {i: delivered[i] for i in ids} == dict.fromkeys(ids, 1)
    # Two attempts each (the failed one and the automatic retry's), counted across rounds.
    attempts = "SELECT min(attempts), max(attempts) FROM hanoi_summit_outgoingemail WHERE id = ANY(%s)"
    assert stack.sql(attempts, [ids]) == [(2, 2)]
