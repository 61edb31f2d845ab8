"""The append-only audit trail: one call per thing worth knowing later."""

from django.db import transaction

from hanoi_summit.core.audit_chain import chain_link, json_canonical
from hanoi_summit.core.models import AuditEntry


def _entry(*, actor, action, target, before=None, after=None, note=""):
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        before=json_canonical(before),
        after=json_canonical(after),
        note=note,
    )


def audit_append(entries):
    """Link `entries` (unsaved AuditEntry rows) into the hash chain and insert them, in one
    statement after one read of the chain's head; returns them."""
    if not entries:
        return entries
    # Without a savepoint: inside the caller's transaction this costs no query, and the lock
    # on the chain's head lasts until that transaction ends, as it must.
    with transaction.atomic(savepoint=False):
        chain_link(entries)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)
    return entries


def audit_record(*, actor, action, target, before=None, after=None, note=""):
    """Append one entry: `actor` (a user or None) did `action` to `target` (a model instance).

    `before`/`after` are small JSON-able dicts of the fields that changed.
    """
    entry = _entry(actor=actor, action=action, target=target, before=before, after=after, note=note)
    return audit_append([entry])[0]


def audit_record_many(entries, *, actor, action):
    """One entry per (target, before, after) of `entries`, written in one statement (a print
    batch or a bulk decision audits hundreds of rows at once)."""
    audit_append(
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
