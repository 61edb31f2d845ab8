"""Audit history pages: who changed what and when, only for staff who may view the record,
with passport data hidden from those who may not see it."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from hanoi_summit.core.audit import audit_record
from tests import factories as f

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse("dashboard:history", kwargs={"label": obj._meta.label_lower, "pk": obj.pk})


@pytest.fixture
def member():
    return f.MemberFactory(photo="", family_name="Nguyễn", passport_number="C7654321")


@pytest.fixture
def officer():
    return f.StaffUserFactory(role="Accreditation officer", username="officer-lan")


@pytest.fixture
def changes(member, officer):
    audit_record(
        actor=officer,
        action="member.update",
        target=member,
        before={"function": "Adviser", "passport_number": "B0000001"},
        after={"function": "Minister", "passport_number": "C7654321"},
        note="Corrected after the note verbale",
    )
    audit_record(actor=None, action="member.lock", target=member, after={"is_locked": True})
    # About another record: never shown on this page.
    audit_record(
        actor=officer, action="member.update", target=f.MemberFactory(photo=""), after={"x": "elsewhere"}
    )


def test_url_name_and_shape(member):
    assert history_url(member) == f"/dashboard/history/delegations.member/{member.pk}/"


def test_secretariat_sees_who_changed_what_and_when(secretariat_client, member, changes):
    response = secretariat_client.get(history_url(member))
    html = response.content.decode()
    rows = response.context["rows"]
    # Newest first.
    assert [row["entry"].action for row in rows] == ["member.lock", "member.update"]
    update = rows[1]
    assert update["entry"].actor.username == "officer-lan"
    assert ("Function", "Adviser", "Minister", True) in update["changes"]
    # In words: the action and the field, translated; the code stays as the title.
    assert update["action"] == "Member changed" and ">Member changed</span>" in html
    assert "officer-lan" in html
    assert "Corrected after the note verbale" in html
    assert "Minister" in html and "Adviser" in html
    # Secretariat may see passports.
    assert "C7654321" in html
    assert "elsewhere" not in html
    assert "the system" in html


def test_passport_data_is_hidden_from_staff_who_may_not_see_it(client, member, changes):
    client.force_login(f.StaffUserFactory(role="Protocol officer"))
    response = client.get(history_url(member))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Minister" in html
    assert "C7654321" not in html and "B0000001" not in html
    update = response.context["rows"][1]
    assert ("Passport number", "•••", "•••", False) in update["changes"]


@pytest.mark.parametrize("role", ["Gate officer"])
def test_staff_without_view_permission_on_the_model_are_refused(client, member, changes, role):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(history_url(member)).status_code == 403


def test_security_officer_may_not_read_a_delegations_history(client):
    delegation = f.DelegationFactory()
    audit_record(actor=None, action="delegation.confirm", target=delegation, after={"status": "confirmed"})
    client.force_login(f.StaffUserFactory(role="Security officer"))
    assert client.get(history_url(delegation)).status_code == 403


def test_focal_points_and_anonymous_users_are_kept_out(client, member, changes):
    assert client.get(history_url(member)).status_code == 302
    client.force_login(f.FocalPointFactory(delegation=member.delegation).user)
    assert client.get(history_url(member)).status_code == 403


def test_accreditation_and_badge_histories(secretariat_client):
    badge = f.BadgeFactory(accreditation__member__photo="")
    audit_record(
        actor=None, action="accreditation.approve", target=badge.accreditation, after={"status": "approved"}
    )
    audit_record(actor=None, action="badge.print", target=badge, after={"printed": True})
    accreditation_page = secretariat_client.get(history_url(badge.accreditation))
    badge_page = secretariat_client.get(history_url(badge))
    assert [r["entry"].action for r in accreditation_page.context["rows"]] == ["accreditation.approve"]
    assert [r["entry"].action for r in badge_page.context["rows"]] == ["badge.print"]


def test_models_outside_the_list_are_not_found(secretariat_client, secretariat_user):
    assert secretariat_client.get(f"/dashboard/history/auth.user/{secretariat_user.pk}/").status_code == 404
    assert secretariat_client.get("/dashboard/history/nothing.here/1/").status_code == 404


def test_a_deleted_record_keeps_its_history(secretariat_client, member, changes):
    url = history_url(member)
    member.delete()
    response = secretariat_client.get(url)
    assert response.status_code == 200
    assert response.context["obj"] is None
    assert len(response.context["rows"]) == 2
    assert "deleted" in response.content.decode()


def test_unknown_record_without_history_is_not_found(secretariat_client):
    assert secretariat_client.get("/dashboard/history/delegations.member/999999/").status_code == 404


def test_admin_change_form_snippet_links_to_the_page(member):
    html = render_to_string("dashboard/_history_link.html", {"original": member, "opts": member._meta})
    assert f'href="{history_url(member)}"' in html


@pytest.mark.parametrize("n", [1, 3])
def test_query_count_does_not_grow_with_the_entries(client, django_assert_num_queries, member, officer, n):
    for i in range(n):
        audit_record(actor=officer, action="member.update", target=member, after={"step": i})
    client.force_login(f.StaffUserFactory(role="Secretariat"))
    # session, user, permissions (2), the record, the page's count and its entries.
    with django_assert_num_queries(7):
        response = client.get(history_url(member))
    assert len(response.context["rows"]) == n


def test_the_history_speaks_french(secretariat_client, member, changes):
    secretariat_client.cookies["django_language"] = "fr"
    html = secretariat_client.get(history_url(member)).content.decode()
    assert ">Membre modifié</span>" in html
