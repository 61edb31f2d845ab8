"""The audit trail becomes a hash chain: every existing entry gets its prev_hash and
entry_hash, in id order; on PostgreSQL, the function that locks and reads the chain's head,
and a trigger that refuses to UPDATE or DELETE an entry."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from hanoi_summit.core.audit_chain import GENESIS, entry_hash, pg_head_function_sql

TABLE = "hanoi_summit_auditentry"
TRIGGER = "hanoi_audit_append_only"


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("hanoi_summit", "AuditEntry")
    prev, batch = GENESIS, []
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_hash(entry, prev)
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["prev_hash", "entry_hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["prev_hash", "entry_hash"])


def postgres_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(pg_head_function_sql(TABLE))
    # The application never updates or deletes an entry; this stops a stray statement from
    # any other client too (short of an owner disabling the trigger, which audit_verify
    # then catches). TRUNCATE, which empties the table for the test suite, is not a row event.
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only';
        END $$;
        CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TRIGGER}();
        """
    )


def postgres_guards_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}; DROP FUNCTION IF EXISTS {TRIGGER}();"
        " DROP FUNCTION IF EXISTS hanoi_audit_chain_head();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hanoi_summit", "0008_outbox_rounds_and_auto_retry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(postgres_guards, postgres_guards_drop),
    ]
