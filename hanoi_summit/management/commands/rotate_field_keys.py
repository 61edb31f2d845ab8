"""manage.py rotate_field_keys: every encrypted field re-encrypted with the first key of
FIELD_ENCRYPTION_KEYS, every keyed hash recomputed (README, Keys)."""

from django.core.management.base import BaseCommand

from hanoi_summit.core.crypto import fields_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt passport data, dates of birth and vetting notes with the first key of "
        "FIELD_ENCRYPTION_KEYS and recompute the passport hashes; afterwards the other keys may be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows locked and rewritten at a time")

    def handle(self, *args, batch_size, **options):
        for label, rows in fields_reencrypt(batch_size=batch_size).items():
            self.stdout.write(f"{label}: {rows} rows re-encrypted")
        self.stdout.write(
            self.style.SUCCESS("Done: every key but the first of FIELD_ENCRYPTION_KEYS may be removed.")
        )
