from django.db import migrations


def sync(apps, schema_editor):
    from hanoi_summit.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The secretariat registers gate devices; protocol officers may undo a gate's last scan."""

    dependencies = [
        ("hanoi_summit", "0008_outbox_rounds_and_auto_retry"),
        ("accreditation", "0007_gate_offline_bundle_devices"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
