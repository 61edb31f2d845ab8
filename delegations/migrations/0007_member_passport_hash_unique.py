from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0006_member_passport_encrypt_rows"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="member",
            constraint=models.UniqueConstraint(
                condition=models.Q(("passport_hash", ""), _negated=True),
                fields=("passport_hash",),
                name="member_passport_unique_in_event",
                violation_error_message="This passport number is already registered for the event.",
            ),
        ),
    ]
