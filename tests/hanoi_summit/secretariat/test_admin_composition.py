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


def test_member_list_shows_and_filters_the_accreditation_status(secretariat_client):
    from accreditation.models import AccreditationStatus as S

    rejected = factories.AccreditationFactory(status=S.REJECTED, member__family_name="Refused-One").member
    factories.MemberFactory(family_name="Never-Submitted")
    url = reverse("admin:delegations_member_changelist")
    html = secretariat_client.get(url).content.decode()
    assert ">Rejected<" in html and ">Draft<" in html
    filtered = secretariat_client.get(url, {"accreditation__status": "rejected"}).content.decode()
    assert rejected.family_name in filtered and "Never-Submitted" not in filtered


def test_member_form_links_to_the_accreditation_the_badges_and_the_scans(secretariat_client):
    badge = factories.BadgeFactory()
    accreditation = badge.accreditation
    html = secretariat_client.get(
        reverse("admin:delegations_member_change", args=[accreditation.member.pk])
    ).content.decode()
    accreditation_url = reverse("admin:accreditation_accreditation_change", args=[accreditation.pk])
    badges_url = (
        reverse("admin:accreditation_badge_changelist") + f"?accreditation__id__exact={accreditation.pk}"
    )
    scans_url = reverse("admin:accreditation_scan_changelist") + f"?q={badge.number}"
    for url in (accreditation_url, badges_url, scans_url):
        assert f'href="{url}"' in html, url
        assert secretariat_client.get(url).status_code == 200, url


def test_the_admin_carries_the_sites_name(secretariat_client):
    html = secretariat_client.get(reverse("admin:index")).content.decode()
    assert "Hanoi Convention — Secretariat" in html
