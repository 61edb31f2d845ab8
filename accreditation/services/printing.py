"""Printing badges in batches: the batch's rows, and its PDF rendered in the request or a task."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import selectors
from accreditation.models import Accreditation, Badge, BadgeLayout, PrintBatch
from accreditation.models import AccreditationStatus as S
from accreditation.services.badges import badge_issue_many
from accreditation.services.gate import gate_accreditation_moved
from accreditation.services.transitions import lock_accreditations
from accreditation.workflow import AccreditationError, check_move
from hanoi_summit.core.audit import audit_record_many

logger = logging.getLogger(__name__)
#: Up to this many badges render inside the request; more go to a Celery task.
BATCH_RENDER_IN_REQUEST = 200
#: Database errors that pass (a restart, a dropped connection): the render task retries on
#: them instead of marking the batch failed.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@transaction.atomic
def badge_print_batch(*, badges, layout, actor):
    """One print batch of issued, unprinted badges in one layout.

    Each badge records who printed it, when and in which batch; its accreditation moves to
    printed. Up to BATCH_RENDER_IN_REQUEST badges render before this returns; more render in
    a Celery task after commit, which updates the batch's progress. Audited per badge.
    """
    if layout not in BadgeLayout.values:
        raise AccreditationError(_("Unknown badge layout."), code="invalid_layout", field="layout")
    ids = sorted({badge.pk for badge in badges})
    if not ids:
        raise AccreditationError(_("Select at least one badge to print."), code="empty_batch")
    accreditations = {
        acc.pk: acc
        for acc in lock_accreditations(Badge.objects.filter(pk__in=ids).values("accreditation_id"))
    }
    locked = list(Badge.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise AccreditationError(_("A selected badge no longer exists."), code="unknown_badge")
    for badge in locked:
        if badge.is_revoked or badge.printed_at is not None:
            raise AccreditationError(
                _("Badge %(badge)s is revoked or already printed.") % {"badge": badge},
                code="not_printable",
            )
        check_move(accreditations[badge.accreditation_id].status, S.PRINTED)
    now = timezone.now()
    batch = PrintBatch.objects.create(layout=layout, total=len(locked), created_by=actor, progress_at=now)
    Badge.objects.filter(pk__in=ids).update(printed_at=now, printed_by=actor, print_batch=batch)
    Accreditation.objects.filter(pk__in=list(accreditations)).update(status=S.PRINTED, updated_at=now)
    gate_accreditation_moved(list(accreditations), S.PRINTED)
    audit_record_many(
        [
            (
                accreditations[badge.accreditation_id],
                {"status": str(accreditations[badge.accreditation_id].status)},
                {"status": str(S.PRINTED), "badge": str(badge), "batch": batch.pk},
            )
            for badge in locked
        ],
        actor=actor,
        action="badge.print",
    )
    if batch.total > BATCH_RENDER_IN_REQUEST:
        _queue_render(batch.pk)
    else:
        badge_batch_render(batch=batch)
    return batch


@transaction.atomic
def badge_print_accreditations(*, accreditations, layout, actor):
    """Print the current badges of cleared or issued accreditations, issuing those missing.

    All or nothing: one refusal leaves every accreditation as it was.
    """
    accreditations = list(accreditations)
    to_issue = [acc for acc in accreditations if acc.status == S.CLEARED]
    others = [acc.pk for acc in accreditations if acc.status != S.CLEARED]
    badges = badge_issue_many(accreditations=to_issue, actor=actor)
    current = list(Badge.objects.filter(accreditation_id__in=others, revoked_at__isnull=True))
    if len(current) != len(others):
        raise AccreditationError(_("A selected member has no badge to print."), code="not_printable")
    return badge_print_batch(badges=[*badges, *current], layout=layout, actor=actor)


def _stuck(now):
    """The one rule for a batch whose render was lost (its task failed on a dead database
    connection, its worker died): pending or rendering with no progress written for
    BATCH_STUCK_AFTER_SECONDS. Used by the sweep, the batch page and the claims below."""
    cutoff = now - timedelta(seconds=settings.BATCH_STUCK_AFTER_SECONDS)
    return Q(status__in=(PrintBatch.Status.PENDING, PrintBatch.Status.RENDERING)) & (
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )


def batches_stuck(*, now=None):
    return PrintBatch.objects.filter(_stuck(now or timezone.now()))


def badge_batch_is_stuck(batch, *, now=None):
    return batches_stuck(now=now).filter(pk=batch.pk).exists()


def badge_batch_may_render_again(batch, *, now=None):
    """Whether the batch page offers "Render again": a failed batch, or a stuck one."""
    return batch.status == PrintBatch.Status.FAILED or badge_batch_is_stuck(batch, now=now)


def _queue_render(batch_id):
    from accreditation.tasks import badge_batch_render_task

    transaction.on_commit(lambda: badge_batch_render_task.delay(batch_id))


def _claim(batch_id, rule, now):
    """Move a batch matching ``rule`` back to pending in one conditional UPDATE; True when
    this call did it. Two claims at once (a double click, two sweeps, a click during a
    sweep) queue one render: the second UPDATE finds the batch no longer matching."""
    claimed = PrintBatch.objects.filter(rule, pk=batch_id).update(
        status=PrintBatch.Status.PENDING, error="", progress_at=now
    )
    if claimed:
        _queue_render(batch_id)
    return bool(claimed)


def badge_batch_render_again(*, batch):
    """Queue a failed or stuck batch's rendering again; True when this call claimed it.

    The worker picks it up once the claim is committed.
    """
    now = timezone.now()
    return _claim(batch.pk, Q(status=PrintBatch.Status.FAILED) | _stuck(now), now)


def badge_batch_requeue_stuck(*, now=None):
    """Queue again every stuck batch (the beat sweep); return how many were claimed."""
    now = now or timezone.now()
    ids = list(batches_stuck(now=now).values_list("pk", flat=True))
    return sum(_claim(batch_id, _stuck(now), now) for batch_id in ids)


def badge_batch_render(*, batch):
    """Render a batch's PDF into its file, writing progress as it goes; mark it done or failed.

    Not atomic on purpose: progress must be visible to the page polling it while rendering.
    A rendering error (a damaged photo...) marks the batch failed with the error and is
    logged, not raised: the badges stay printed and the batch page offers to render again.
    A database error that passes is raised, the batch left rendering: the task retries it,
    and the sweep re-queues it if the retries run out.

    Rendering again starts the PDF over from the batch's badges, which printing fixed: it
    issues no badge and numbers none, so each badge appears once however often it runs.
    """
    from accreditation.badges.pdf import render_badges

    PrintBatch.objects.filter(pk=batch.pk).update(
        status=PrintBatch.Status.RENDERING, rendered=0, error="", progress_at=timezone.now()
    )
    badges = list(selectors.badges_for_rendering(batch=batch))

    def on_progress(done):
        # The renderer calls this every few dozen badges, not per badge.
        PrintBatch.objects.filter(pk=batch.pk).update(rendered=done, progress_at=timezone.now())

    try:
        with tempfile.TemporaryFile() as out:
            render_badges(badges=badges, layout=batch.layout, out=out, on_progress=on_progress)
            out.seek(0)
            batch.file.save(f"batch-{batch.pk}.pdf", File(out), save=False)
    except TRANSIENT_DB_ERRORS:
        raise
    except Exception as error:  # whatever the renderer raised, the batch must not stay "rendering"
        logger.exception("Rendering print batch %s failed", batch.pk)
        PrintBatch.objects.filter(pk=batch.pk).update(status=PrintBatch.Status.FAILED, error=str(error)[:500])
        batch.refresh_from_db()
        return batch
    PrintBatch.objects.filter(pk=batch.pk).update(
        file=batch.file.name,
        status=PrintBatch.Status.DONE,
        rendered=len(badges),
        finished_at=timezone.now(),
        progress_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch
