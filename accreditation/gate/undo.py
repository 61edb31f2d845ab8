"""Undo a gate's last scan: a scan made by mistake (wrong direction, the wrong person's badge)
no longer counts for occupancy nor for "already inside". Audited; the scan stays in the log."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.gate.lookup import entries_since
from accreditation.gate.scan import CheckInError
from accreditation.models import Scan
from hanoi_summit.core.audit import audit_record


@transaction.atomic
def scan_undo_last(*, zone_code, actor, device=""):
    """Mark undone the last scan today at this zone by this device (``device``: its name) or,
    without one, by this officer. Raises CheckInError("nothing_to_undo") when there is none."""
    scans = Scan.objects.select_for_update().filter(
        zone__code=zone_code, undone_at__isnull=True, scanned_at__gte=entries_since()
    )
    scans = scans.filter(device=device) if device else scans.filter(officer_id=actor.pk)
    scan = scans.order_by("-scanned_at", "-id").first()
    if scan is None:
        raise CheckInError(_("There is no scan of this gate to undo."), code="nothing_to_undo")
    scan.undone_at = timezone.now()
    scan.undone_by = actor
    scan.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="scan.undo",
        target=scan,
        before={"result": scan.result, "reason": scan.reason, "direction": scan.direction},
        after={"undone": True},
        note=device,
    )
    return scan
