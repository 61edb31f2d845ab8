"""The gate bundle's version: every change of what the gates read takes the next number.

Gates hold a copy of the badges (accreditation.gate.bundle) and ask for the changes since
the version they hold. Each change locks the one GateVersion row, takes the next number and
stamps the changed badges with it (Badge.gate_version); the lock is held until the change
commits, so a version is never visible before a lower one is.
"""

from django.db import connection, transaction

from accreditation.models import AccreditationStatus, Badge, GateVersion

#: Moves into these statuses change what a gate decides about the accreditation's badges;
#: earlier statuses have no badge yet.
GATE_STATUSES = frozenset(
    {
        AccreditationStatus.BADGE_ISSUED,
        AccreditationStatus.PRINTED,
        AccreditationStatus.COLLECTED,
        AccreditationStatus.REVOKED,
        AccreditationStatus.REFUSED,
    }
)


_NEXT_SQL = f"UPDATE {GateVersion._meta.db_table} SET last = last + 1 WHERE id = 1 RETURNING last"


@transaction.atomic(savepoint=False)
def gate_version_next():
    """Take the next version; the UPDATE locks the counter's row until the caller's
    transaction commits. One statement (RETURNING: PostgreSQL, and SQLite since 3.35)."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL)
        row = cursor.fetchone()
    if row is None:
        # The row is made by the migration; a flushed test database has lost it.
        GateVersion.objects.get_or_create(pk=1)
        return gate_version_next()
    return row[0]


@transaction.atomic(savepoint=False)
def gate_badges_changed(rows):
    """Stamp these badges (a Badge queryset) with a new version."""
    rows.update(gate_version=gate_version_next())


def gate_accreditation_moved(accreditation_ids, new_status):
    """After a transition: the accreditations' badges change for the gates in GATE_STATUSES."""
    if new_status in GATE_STATUSES:
        gate_badges_changed(Badge.objects.filter(accreditation_id__in=list(accreditation_ids)))


def gate_settings_changed(*, category=None):
    """A zone or category was edited: a new version (and a category's badges show anew)."""
    if category is not None:
        gate_badges_changed(Badge.objects.filter(category=category))
    else:
        gate_version_next()
