"""The admin action exporting a changelist's selected rows."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from delegations.models import Member
from hanoi_summit.secretariat.exports.actions import export_action
from tests import factories as f
from tests.hanoi_summit.secretariat.exports.downloads import column, read_csv

pytestmark = pytest.mark.django_db


def test_admin_action_exports_the_selected_rows(minister, secretariat_user, secretariat_client):
    skipped = f.MemberFactory(photo="", family_name="Skipped")
    action = export_action("members", "csv")
    request = RequestFactory().post("/admin/delegations/member/")
    request.user = secretariat_user
    response = action(None, request, Member.objects.filter(pk=minister.pk))
    # The export is made in the background: the answer is the document's page.
    assert response.url.startswith("/dashboard/documents/")
    rows = read_csv(response, secretariat_client)
    assert column(rows, "Family name") == ["Nguyễn"]
    assert skipped.family_name not in str(rows)
    assert action.allowed_permissions == ("view",)
    assert "CSV" in str(action.short_description)


def test_admin_action_refuses_a_user_without_the_permission(minister):
    action = export_action("members", "xlsx")
    request = RequestFactory().post("/admin/delegations/member/")
    request.user = f.StaffUserFactory(role="Gate officer")
    with pytest.raises(PermissionDenied):
        action(None, request, Member.objects.all())
