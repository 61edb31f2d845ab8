"""The append-only audit trail: one call per thing worth knowing later."""

from hanoi_summit.core.models import AuditEntry


def audit_record(*, actor, action, target, before=None, after=None, note=""):
    """Append one entry: `actor` (a user or None) did `action` to `target` (a model instance).

    `before`/`after` are small JSON-able dicts of the fields that changed.
    """
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        before=before,
        after=after,
        note=note,
    )


def audit_history(*, target):
    """Every entry about one record, newest first."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
