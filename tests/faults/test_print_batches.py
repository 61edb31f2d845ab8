"""(e) Print batches finish without a person: one whose badge worker is killed mid-render
(the beat's sweep queues it again), and one queued after a database restart (the worker
checks its kept connection before the task)."""

import pytest

from tests.integration.support import wait_until

pytestmark = pytest.mark.faults

BADGES = 300  # over BATCH_RENDER_IN_REQUEST: rendered by the badges worker
# A batch with no progress for 8 s is stuck; the sweep looks every second.
STACK_SETTINGS = {"BATCH_STUCK_AFTER_SECONDS": 8, "BATCH_SWEEP_SECONDS": 1}


@pytest.fixture(scope="module")
def workers(stack):
    """Beat and a periodic worker, as in production apart from the badges worker."""
    stack.start_beat()
    stack.start_worker(queues=("periodic", "celery"))
    return {"badges": stack.start_worker(queues=("badges",))}


def print_batch(stack, n):
    """Print n issued badges in one batch, as the protocol officer's "Print" does; the render
    task is queued on commit. Returns the batch's id."""
    return stack.django(
        """
        from accreditation.models import BadgeLayout
        from accreditation.services.printing import badge_print_batch
        from tests.factories import BadgeFactory, CategoryFactory, StaffUserFactory

        officer = StaffUserFactory(role="Protocol officer")
        category = CategoryFactory(code="DEL")
        # No photos: the worker reads them from the stack's storage, and they cost time here.
        badges = [BadgeFactory(category=category, accreditation__member__photo="") for _ in range(params["n"])]
        batch = badge_print_batch(badges=badges, layout=BadgeLayout.A4_SHEET, actor=officer)
        print(json.dumps(batch.pk))
        """,
        n=n,
    )


def batch_state(stack, batch_id):
    return stack.sql(
        "SELECT status, rendered, total FROM accreditation_printbatch WHERE id = %s", [batch_id]
    )[0]


def wait_done(stack, batch_id, timeout=120):
    def finished():
        status, rendered, total = batch_state(stack, batch_id)
        assert status != "failed", stack.logs()
        return status == "done"

    wait_until(finished, timeout=timeout, interval=0.2, what=f"batch {batch_id} to finish")
    status, rendered, total = batch_state(stack, batch_id)
    assert (status, rendered, total) == ("done", BADGES, BADGES)
    # Each badge of the batch once, with its own number.
    numbers = stack.sql("SELECT number FROM accreditation_badge WHERE print_batch_id = %s", [batch_id])
    assert len({number for (number,) in numbers}) == BADGES


def test_a_batch_whose_worker_is_killed_mid_render_finishes_by_itself(stack, workers):
    batch_id = print_batch(stack, BADGES)

    def mid_render():
        status, rendered, total = batch_state(stack, batch_id)
        assert status != "done", "the render finished before the worker could be killed"
        return status == "rendering" and 0 < rendered < total

    wait_until(mid_render, timeout=120, interval=0.02, what="the render to be under way")
    stack.kill_worker(workers["badges"])
    left_at = batch_state(stack, batch_id)
    workers["badges"] = stack.start_worker(queues=("badges",))
    wait_done(stack, batch_id)
    assert left_at[1] < BADGES


def test_a_batch_queued_after_a_database_restart_finishes(stack, workers):
    # The badges worker keeps a connection from the batch it rendered before; the restart
    # kills it under the worker.
    warm_up = print_batch(stack, BADGES)
    wait_done(stack, warm_up)
    stack.postgres.restart("immediate")

    wait_done(stack, print_batch(stack, BADGES))
