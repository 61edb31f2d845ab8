import pytest
from django.contrib.auth.models import Group

from hanoi_summit.roles import ALL_ROLES, ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_roles_are_groups_holding_their_permissions():
    for role in ALL_ROLES:
        group = Group.objects.get(name=role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(ROLE_PERMISSIONS[role])


def test_gate_officer_may_scan_but_not_see_passports():
    gate = Group.objects.get(name="Gate officer")
    codenames = set(gate.permissions.values_list("codename", flat=True))
    assert "check_in" in codenames
    assert "view_passport" not in codenames


def test_programme_app_keeps_its_own_label():
    from django.apps import apps

    assert apps.get_app_config("programme").name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"
