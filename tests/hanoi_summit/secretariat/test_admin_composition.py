import csv
import io

import pytest
from django.urls import reverse

from delegations.models import Member
from tests import factories
from tests.hanoi_summit.secretariat.exports.downloads import body as downloaded_body

pytestmark = pytest.mark.django_db


def test_members_export_action_exports_only_the_selection(secretariat_client):
    chosen = factories.MemberFactory(family_name="Nguyễn", given_names="Thị Hương")
    factories.MemberFactory(family_name="Left-Out")
    response = secretariat_client.post(
        reverse("admin:delegations_member_changelist"),
        {"action": "export_members_csv", "_selected_action": [chosen.pk]},
    )
    # Made in the background: the answer is the document's page.
    assert response.status_code == 302
    text = downloaded_body(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    body = "\n".join(",".join(row) for row in rows[1:])
    assert "Nguyễn" in body
    assert "Left-Out" not in body
    assert len(rows) == 2


def test_change_forms_link_the_audit_history(secretariat_client):
    member = factories.MemberFactory()
    response = secretariat_client.get(reverse("admin:delegations_member_change", args=[member.pk]))
    history = reverse("dashboard:history", kwargs={"label": "delegations.member", "pk": member.pk})
    assert history in response.content.decode()
    assert Member.objects.count() == 1
