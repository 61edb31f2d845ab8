"""Import pages: upload, preview with row errors, confirm; template downloads; who may import."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delegations.imports.members import COLUMNS
from delegations.models import Member
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.delegations.imports.test_members import csv_upload, row

IMPORT = "/portal/members/import/"


def upload(client, url, rows, **kwargs):
    return client.post(url, {"file": csv_upload(rows, **kwargs)})


def test_urls_live_in_the_portal_namespace():
    assert reverse("portal:member-import") == IMPORT
    assert reverse("portal:member-import-template", args=["xlsx"]) == IMPORT + "template.xlsx"
    assert reverse("portal:member-import-staff", args=[7]) == IMPORT + "delegation/7/"


def test_focal_point_uploads_previews_and_confirms(focal_client, delegation, focal_user):
    response = upload(
        focal_client, IMPORT, [row(1, role="head", protocol_rank="Head of State"), row(2), row(3)]
    )
    assert response.context["preview"].ok
    assert not Member.objects.exists()
    content = response.content.decode()
    assert "Every row is valid: 3 members are ready to be added." in content
    assert "2 of them will still need a photo" in content
    token = response.context["token"]
    response = focal_client.post(reverse("portal:member-import-confirm"), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:members")
    assert sorted(Member.objects.filter(delegation=delegation).values_list("family_name", flat=True)) == [
        "Otieno1",
        "Otieno2",
        "Otieno3",
    ]
    shown = [str(m) for m in response.context["messages"]]
    assert "3 members were imported." in shown
    assert (
        "2 members still need a photo, to be added from the members list: Brian Otieno2, Brian Otieno3."
        in shown
    )
    assert AuditEntry.objects.filter(action="member.import", actor=focal_user).count() == 1


def test_confirming_twice_saves_once(focal_client, delegation):
    token = upload(focal_client, IMPORT, [row(1)]).context["token"]
    confirm = reverse("portal:member-import-confirm")
    focal_client.post(confirm, {"token": token})
    response = focal_client.post(confirm, {"token": token}, follow=True)
    assert "no longer current" in response.content.decode()
    assert Member.objects.count() == 1


def test_a_forged_token_saves_nothing(focal_client, delegation):
    upload(focal_client, IMPORT, [row(1)])
    focal_client.post(reverse("portal:member-import-confirm"), {"token": "guess"})
    assert not Member.objects.exists()


def test_row_errors_are_listed_and_nothing_can_be_confirmed(focal_client, delegation):
    response = upload(focal_client, IMPORT, [row(1), row(2, gender="", passport_number="AK0000001")])
    content = response.content.decode()
    assert response.context["token"] == ""
    assert "1 row has errors" in content
    assert 'id="row-errors"' in content and "<code>gender</code>" in content and "row 2" in content
    assert 'name="token"' not in content
    assert focal_client.session.get("portal_member_import") is None


def test_wrong_columns_show_on_the_form(focal_client, delegation):
    columns = [c for c in COLUMNS if c != "nationality"]
    response = upload(focal_client, IMPORT, [row(1)], columns=columns)
    assert "missing columns: nationality" in response.context["form"].errors["file"][0]
    assert not Member.objects.exists()


def test_over_quota_is_shown_as_a_file_error(focal_client, delegation):
    response = upload(focal_client, IMPORT, [row(n) for n in range(6)])
    content = response.content.decode()
    assert 'id="file-error"' in content and "badge quota is 5" in content
    assert response.context["token"] == ""


@pytest.mark.parametrize("count", [1, 3])
def test_preview_query_count(focal_client, delegation, django_assert_num_queries, count):
    delegation.badge_quota = 10
    delegation.save()
    factories.MemberFactory.create_batch(count, delegation=delegation)
    # session, user, focal point + delegation, passports, member counts, session save (3)
    with django_assert_num_queries(8):
        response = upload(focal_client, IMPORT, [row(n) for n in range(count)])
    assert len(response.context["preview"].rows) == count
    assert response.context["preview"].ok


def test_focal_point_cannot_import_elsewhere(focal_client, delegation):
    other = factories.DelegationFactory()
    assert focal_client.get(reverse("portal:member-import-staff", args=[other.pk])).status_code == 403
    # A preview made for one's own delegation cannot be confirmed into another.
    token = upload(focal_client, IMPORT, [row(1)]).context["token"]
    focal_client.post(reverse("portal:member-import-staff-confirm", args=[other.pk]), {"token": token})
    assert not Member.objects.filter(delegation=other).exists()


def test_staff_import_needs_the_permission(client, delegation):
    clerk = factories.StaffUserFactory(role="Protocol officer")
    client.force_login(clerk)
    url = reverse("portal:member-import-staff", args=[delegation.pk])
    assert client.get(url).status_code == 403
    assert upload(client, url, [row(1)]).status_code == 403
    assert not Member.objects.exists()


def test_secretariat_imports_for_any_delegation(secretariat_client, secretariat_user, delegation):
    url = reverse("portal:member-import-staff", args=[delegation.pk])
    page = secretariat_client.get(url)
    assert "Kenya" in page.content.decode()
    token = upload(secretariat_client, url, [row(1), row(2)]).context["token"]
    # The token is bound to the delegation it was made for.
    other = factories.DelegationFactory()
    secretariat_client.post(reverse("portal:member-import-staff-confirm", args=[other.pk]), {"token": token})
    assert not Member.objects.filter(delegation=other).exists()
    token = upload(secretariat_client, url, [row(1), row(2)]).context["token"]
    response = secretariat_client.post(
        reverse("portal:member-import-staff-confirm", args=[delegation.pk]), {"token": token}
    )
    assert response.url == url
    assert Member.objects.filter(delegation=delegation).count() == 2
    assert AuditEntry.objects.get(action="member.import").actor == secretariat_user
    assert secretariat_client.get(reverse("portal:member-import-staff", args=[999999])).status_code == 404


def test_staff_cannot_use_the_focal_point_page(secretariat_client):
    assert secretariat_client.get(IMPORT).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_downloads(focal_client, fmt):
    response = focal_client.get(reverse("portal:member-import-template", args=[fmt]))
    assert response["Content-Disposition"] == f'attachment; filename="members-template.{fmt}"'
    if fmt == "csv":
        header = response.content.decode("utf-8-sig").splitlines()[0]
    else:
        header = ",".join(c.value for c in load_workbook(io.BytesIO(response.content)).active[1])
    assert header == ",".join(COLUMNS)


def test_template_needs_an_importer(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("portal:member-import-template", args=["csv"])).status_code == 403
    client.logout()
    assert client.get(reverse("portal:member-import-template", args=["csv"])).status_code == 302


@pytest.mark.parametrize("count", [1, 3])
def test_confirm_query_count(focal_client, delegation, django_assert_num_queries, count):
    token = upload(focal_client, IMPORT, [row(n) for n in range(count)]).context["token"]
    # session, user, focal point + delegation; savepoint, lock, passports, member counts,
    # the members' INSERT in its own savepoint (3), the audit chain's head, audit entry,
    # release; session save (3)
    with django_assert_num_queries(16):
        focal_client.post(reverse("portal:member-import-confirm"), {"token": token})
    assert Member.objects.filter(delegation=delegation).count() == count


@pytest.mark.parametrize("count", [1, 3])
def test_staff_choose_a_delegation(secretariat_client, django_assert_num_queries, count):
    delegations = factories.DelegationFactory.create_batch(count)
    url = reverse("portal:member-import-staff-choose")
    # session, user, permissions (user's, groups'), delegations for the list
    with django_assert_num_queries(5):
        page = secretariat_client.get(url)
    assert all(d.name in page.content.decode() for d in delegations)
    response = secretariat_client.get(url, {"delegation": delegations[-1].pk})
    assert response.url == reverse("portal:member-import-staff", args=[delegations[-1].pk])


def test_choosing_needs_the_permission(focal_client):
    assert focal_client.get(reverse("portal:member-import-staff-choose")).status_code == 403
