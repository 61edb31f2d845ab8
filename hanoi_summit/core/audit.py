"""The append-only audit trail: one call per thing worth knowing later."""

from hanoi_summit.core.models import AuditEntry


def _entry(*, actor, action, target, before=None, after=None, note=""):
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        before=before,
        after=after,
        note=note,
    )


def audit_record(*, actor, action, target, before=None, after=None, note=""):
    """Append one entry: `actor` (a user or None) did `action` to `target` (a model instance).

    `before`/`after` are small JSON-able dicts of the fields that changed.
    """
    entry = _entry(actor=actor, action=action, target=target, before=before, after=after, note=note)
    entry.save(force_insert=True)
    return entry


def audit_record_many(entries, *, actor, action):
    """One entry per (target, before, after) of `entries`, written in one statement (a print
    batch or a bulk decision audits hundreds of rows at once)."""
    AuditEntry.objects.bulk_create(
        [
            _entry(actor=actor, action=action, target=target, before=before, after=after)
            for target, before, after in entries
        ]
    )


def audit_history(*, target):
    """Every entry about one record, newest first."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
