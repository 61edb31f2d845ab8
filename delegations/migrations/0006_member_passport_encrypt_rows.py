"""Passport data stored before encryption: encrypted, and the passport hashes filled.

Its own migration: PostgreSQL refuses to build the unique index (0007) in the transaction
that rewrote the rows."""

import delegations.models
from django.db import migrations

from hanoi_summit.core.crypto import decrypt_table_in_place, encrypt_table_in_place

_ENCRYPTED = ["passport_number", "passport_expiry", "date_of_birth"]


def encrypt_passports(apps, schema_editor):
    # Clear values written before this migration: encrypted, and their hashes filled.
    encrypt_table_in_place(
        schema_editor,
        "delegations_member",
        _ENCRYPTED,
        hashes=[("passport_hash", "passport_number", delegations.models.passport_normalise)],
    )


def decrypt_passports(apps, schema_editor):
    decrypt_table_in_place(schema_editor, "delegations_member", _ENCRYPTED)


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0005_member_passport_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt_passports, decrypt_passports),
    ]
