"""/dashboard/exports/<kind>.<format>: who may download which export."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("Gate officer", "members", 403),
        ("Gate officer", "scans", 403),
        ("Security officer", "delegations", 403),
        ("Protocol officer", "scans", 302),  # started: its document page
    ],
)
def test_each_export_needs_its_view_permission(client, role, kind, status):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(f"/dashboard/exports/{kind}.csv").status_code == status


def test_focal_points_and_strangers_get_nothing(client, minister):
    assert client.get("/dashboard/exports/members.csv").status_code == 302
    client.force_login(f.FocalPointFactory(delegation=minister.delegation).user)
    assert client.get("/dashboard/exports/members.csv").status_code == 403


def test_unknown_export_or_format_is_404(secretariat_client):
    assert secretariat_client.get("/dashboard/exports/passports.csv").status_code == 404
    assert secretariat_client.get("/dashboard/exports/members.pdf").status_code == 404
