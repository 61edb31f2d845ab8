"""manage.py shred_personal_data: after the event, every member's passport data, dates of
birth, photos, documents and vetting notes removed (accreditation/services/shredding.py)."""

from django.core.management.base import BaseCommand, CommandError

from accreditation.services.shredding import personal_data_shred
from accreditation.workflow import AccreditationError


class Command(BaseCommand):
    help = (
        "Remove every member's passport data, date of birth, photo, documents and vetting notes, "
        "keeping names, functions, delegations and categories. Refused before the event's end unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would go; change nothing")
        parser.add_argument("--force", action="store_true", help="run even before the event's end")

    def handle(self, *args, dry_run, force, **options):
        try:
            counts = personal_data_shred(actor=None, force=force, dry_run=dry_run)
        except AccreditationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write("Would remove:" if dry_run else "Removed:")
        for kind, count in counts.items():
            self.stdout.write(f"  {kind.replace('_', ' ')}: {count}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        elif not any(counts.values()):
            self.stdout.write("Nothing left to shred; no audit entry written.")
        else:
            self.stdout.write(
                self.style.SUCCESS("Done; one audit entry (personal_data.shred) records the counts.")
            )
