from django.db import migrations


def make_roles(apps, schema_editor):
    from hanoi_summit.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("hanoi_summit", "0001_initial"),
        ("delegations", "0001_initial"),
        ("accreditation", "0001_initial"),
        ("programme", "0001_initial"),
        ("axes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]
