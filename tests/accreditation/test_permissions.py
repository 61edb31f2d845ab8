"""Every permission name of accreditation.permissions exists (a typo would deny everyone)."""

import pytest
from django.contrib.auth.models import Permission

from accreditation import permissions

pytestmark = pytest.mark.django_db


def test_every_permission_constant_names_a_real_permission():
    names = {name: value for name, value in vars(permissions).items() if name.isupper()}
    assert names
    for value in names.values():
        app_label, codename = value.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), value
