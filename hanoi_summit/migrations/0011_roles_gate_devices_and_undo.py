from django.db import migrations


def sync(apps, schema_editor):
    from hanoi_summit.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The secretariat registers gate devices; protocol officers may undo a gate's last scan."""

    dependencies = [
        ("hanoi_summit", "0010_signin_account_reset_second_factor"),
        ("accreditation", "0009_gate_device_previous_token"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
