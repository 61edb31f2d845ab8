from django.db import migrations


def sync(apps, schema_editor):
    from hanoi_summit.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Security officers lose the admin's view of whole member records (vetting screens only)."""

    dependencies = [("hanoi_summit", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
