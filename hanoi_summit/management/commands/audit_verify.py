"""`manage.py audit_verify`: check the audit trail's hash chain from the first entry to the
last. Exit 0 when every entry fits; otherwise name the first that does not and exit 1.

Removing the newest entries leaves a shorter chain that still fits: keep the printed head
hash somewhere else (a note, a ticket) and compare it with the next run's.
"""

from django.core.management.base import BaseCommand, CommandError

from hanoi_summit.core.audit_chain import trail_verify

REASONS = {
    "changed": "its fields were changed after it was written (its hash does not match them)",
    "previous": "the entry before it was changed or removed (its previous hash does not match)",
}


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; name the first broken entry (exit code 1)."

    def handle(self, *args, **options):
        report = trail_verify()
        if not report.ok:
            raise CommandError(
                f"Audit trail broken at entry #{report.broken.entry_id}: {REASONS[report.broken.reason]}. "
                f"{report.count - 1} entries before it are intact."
            )
        self.stdout.write(f"Audit trail intact: {report.count} entries, head {report.head}.")
