# Accent-insensitive name search: Member.search_name (the names folded in Python by
# hanoi_summit.core.text.fold), filled for existing rows; on PostgreSQL a trigram GIN index
# over it, so a search for part of a name reads the index instead of every member. The
# column is folded in Python and the search term is folded the same way, so no unaccent()
# is needed in the queries. On SQLite the extension and the index are skipped (no-ops).

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from hanoi_summit.core.text import fold

_BATCH = 2000
_INDEX = GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="member_search_name_trgm")


class PostgresTrigramExtension(TrigramExtension):
    """TrigramExtension, a no-op on other databases both ways (Django's checks the database
    only on the way forward)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def fill_search_names(apps, schema_editor):
    Member = apps.get_model("delegations", "Member")
    members = Member.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for member in members.only("pk", "given_names", "family_name", "badge_name").iterator(_BATCH):
        member.search_name = fold(f"{member.given_names} {member.family_name} {member.badge_name}")
        batch.append(member)
        if len(batch) >= _BATCH:
            Member.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["search_name"])


def add_trigram_index(apps, schema_editor):
    # Not in Member.Meta.indexes: a GIN index does not exist on SQLite, where the model
    # state would have to create it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("delegations", "Member"), _INDEX)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("delegations", "Member"), _INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0008_member_family_name_first"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="search_name",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        PostgresTrigramExtension(),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
