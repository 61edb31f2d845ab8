# The badge desk finds "Nguyễn" when the officer types "nguyen" (PostgreSQL only; the
# operation does nothing on other databases).

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0002_badge_number_counter"),
    ]

    operations = [UnaccentExtension()]
