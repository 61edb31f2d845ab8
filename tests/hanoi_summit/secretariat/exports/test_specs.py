"""What each export contains: its columns, and passport data only for those who may see it."""

import pytest

from tests import factories as f
from tests.hanoi_summit.secretariat.exports.downloads import column, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


def test_members_csv_for_the_secretariat_shows_passports(secretariat_client, minister):
    rows = read_csv(secretariat_client.get("/dashboard/exports/members.csv"))
    assert rows[0][:3] == ["Delegation", "Title", "Family name"]
    assert column(rows, "Family name") == ["Nguyễn"]
    assert column(rows, "Passport number") == ["C1234567"]
    assert column(rows, "Date of birth") == ["1970-03-08"]
    assert column(rows, "Accreditation") == ["Approved by the secretariat"]
    assert column(rows, "Category") == ["VIP"]


def test_members_export_masks_passports_for_roles_without_the_permission(client, minister):
    # Protocol officers see members but not passports.
    client.force_login(f.StaffUserFactory(role="Protocol officer"))
    rows = read_csv(client.get("/dashboard/exports/members.csv"))
    assert column(rows, "Passport number") == [minister.masked_passport]
    assert column(rows, "Passport number")[0].endswith("567")
    assert "C1234567" not in str(rows)
    assert column(rows, "Date of birth") == [""]
    assert column(rows, "Passport expiry") == [""]


def test_xlsx_masks_too(client, minister):
    client.force_login(f.StaffUserFactory(role="Protocol officer"))
    rows = read_xlsx(client.get("/dashboard/exports/members.xlsx"))
    assert column(rows, "Passport number") == [minister.masked_passport]
