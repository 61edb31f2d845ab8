"""Member.family_name_first, filled for the members already registered from their nationality;
a badge name that was the passport names in the other order is written the member's way."""

from django.db import migrations, models

# The custom as this migration found it (delegations.models.FAMILY_NAME_FIRST_COUNTRIES may change).
FAMILY_NAME_FIRST_COUNTRIES = ("VN", "CN", "TW", "HK", "MO", "KR", "KP", "JP", "HU")


def fill_name_order(apps, schema_editor):
    Member = apps.get_model("delegations", "Member")
    members = Member.objects.filter(nationality__in=FAMILY_NAME_FIRST_COUNTRIES)
    members.update(family_name_first=True)
    changed = []
    for member in members.only("id", "family_name", "given_names", "badge_name").iterator():
        given_first = f"{member.given_names} {member.family_name}".strip()
        if member.given_names and member.badge_name == given_first:
            member.badge_name = f"{member.family_name} {member.given_names}".strip()
            changed.append(member)
    Member.objects.bulk_update(changed, ["badge_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0007_member_passport_hash_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="family_name_first",
            field=models.BooleanField(default=False, verbose_name="family name first"),
        ),
        migrations.RunPython(fill_name_order, migrations.RunPython.noop, elidable=True),
    ]
