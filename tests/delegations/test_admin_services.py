"""The admin saves members and delegations through the delegations services: the same
checks as the portal, an audit entry with old and new values, and the fields the
accreditation services own (is_locked) out of reach."""

import pytest
from django.urls import reverse

from delegations.models import Delegation, DelegationStatus, Member
from hanoi_summit.core.audit_chain import trail_verify
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def member_url(member):
    return reverse("admin:delegations_member_change", args=[member.pk])


def post_change(client, url, **changes):
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_an_admin_change_of_a_member_is_audited_old_to_new(secretariat_client, secretariat_user):
    member = factories.MemberFactory(family_name="Nguyen", passport_number="C1234567", function="Adviser")

    response = post_change(
        secretariat_client, member_url(member), family_name="Tran", passport_number="B7654321"
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.family_name, member.passport_number) == ("Tran", "B7654321")
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.actor == secretariat_user
    assert entry.target_id == str(member.pk)
    assert entry.created_at is not None
    assert entry.before == {"family_name": "Nguyen", "passport_number": "•••• 4567"}
    assert entry.after == {"family_name": "Tran", "passport_number": "•••• 4321"}
    assert "C1234567" not in str(entry.before) and "B7654321" not in str(entry.after)
    assert trail_verify().ok


def test_the_admin_applies_the_services_rules(secretariat_client):
    member = factories.MemberFactory()
    other = factories.MemberFactory()

    response = post_change(secretariat_client, member_url(member), passport_number=other.passport_number)

    assert response.status_code == 200
    assert "already registered for the event" in str(response.context["adminform"].form.errors)
    assert not AuditEntry.objects.filter(action="member.update").exists()


def test_is_locked_is_read_only_in_the_member_admin(secretariat_client):
    member = factories.MemberFactory(is_locked=False)
    page = secretariat_client.get(member_url(member))
    assert 'name="is_locked"' not in page.content.decode()

    response = post_change(secretariat_client, member_url(member), is_locked="on", function="Minister")

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.function == "Minister"
    assert member.is_locked is False  # the posted value is ignored
    assert "is_locked" not in AuditEntry.objects.get(action="member.update").after


def test_a_member_under_review_cannot_be_changed_nor_unlocked_in_the_admin(secretariat_client):
    member = factories.MemberFactory(is_locked=True, family_name="Kept")

    response = post_change(secretariat_client, member_url(member), family_name="Changed", is_locked="")

    assert response.status_code == 200
    assert "under review" in response.content.decode()
    member.refresh_from_db()
    assert (member.family_name, member.is_locked) == ("Kept", True)
    assert not AuditEntry.objects.exists()


def test_a_member_under_review_cannot_be_deleted_in_the_admin(secretariat_client):
    member = factories.MemberFactory(is_locked=True)

    response = secretariat_client.post(
        reverse("admin:delegations_member_delete", args=[member.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def test_a_member_deleted_in_the_admin_is_audited(secretariat_client, secretariat_user):
    member = factories.MemberFactory()

    response = secretariat_client.post(
        reverse("admin:delegations_member_delete", args=[member.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    assert AuditEntry.objects.get(action="member.delete").actor == secretariat_user


def test_bulk_delete_in_the_admin_goes_through_the_service(secretariat_client):
    free, other, locked = (
        factories.MemberFactory(),
        factories.MemberFactory(),
        factories.MemberFactory(is_locked=True),
    )
    changelist = reverse("admin:delegations_member_changelist")

    def delete(*members):
        return secretariat_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [m.pk for m in members], "post": "yes"},
        )

    # A member under review in the selection: Django's "permission needed" page, nothing deleted.
    delete(free, locked)
    assert Member.objects.count() == 3
    delete(free, other)
    assert list(Member.objects.all()) == [locked]
    deleted = AuditEntry.objects.filter(action="member.delete").values_list("target_id", flat=True)
    assert sorted(deleted) == sorted([str(free.pk), str(other.pk)])


def test_a_member_added_in_the_admin_counts_against_the_quota_and_is_audited(secretariat_client):
    delegation = factories.DelegationFactory(badge_quota=1)
    template = factories.MemberFactory()
    add = reverse("admin:delegations_member_add")
    data = change_form_data(secretariat_client.get(member_url(template)))
    data.update(delegation=delegation.pk, passport_number="N0000001", family_name="First", role="delegate")

    first = secretariat_client.post(add, data)
    second = secretariat_client.post(add, {**data, "passport_number": "N0000002", "family_name": "Second"})

    assert first.status_code == 302, first.context["adminform"].form.errors
    assert second.status_code == 200
    assert "badge quota of 1 members is reached" in second.content.decode()
    created = Member.objects.get(delegation=delegation)
    assert created.family_name == "First"
    entry = AuditEntry.objects.get(action="member.create")
    assert entry.target_id == str(created.pk) and entry.after["passport_number"] == "•••• 0001"


def test_an_admin_change_of_a_delegation_is_audited_old_to_new(secretariat_client, secretariat_user):
    delegation = factories.DelegationFactory(status=DelegationStatus.REGISTERED, badge_quota=12)
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])

    response = post_change(secretariat_client, url, status=DelegationStatus.CONFIRMED, badge_quota="20")

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="delegation.update")
    assert entry.actor == secretariat_user
    assert entry.before == {"status": "registered", "badge_quota": "12"}
    assert entry.after == {"status": "confirmed", "badge_quota": "20"}


def test_the_badge_quota_cannot_go_below_the_members_registered(secretariat_client):
    delegation = factories.DelegationFactory(badge_quota=12)
    factories.MemberFactory.create_batch(2, delegation=delegation)
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])

    response = post_change(secretariat_client, url, badge_quota="1")

    assert response.status_code == 200
    assert "already has 2 members" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.badge_quota == 12


def test_a_delegation_with_members_is_not_deleted(secretariat_client):
    delegation = factories.MemberFactory().delegation

    response = secretariat_client.post(
        reverse("admin:delegations_delegation_delete", args=[delegation.pk]), {"post": "yes"}, follow=True
    )

    assert "still has members" in response.content.decode()
    assert Delegation.objects.filter(pk=delegation.pk).exists()


def test_a_delegation_added_and_deleted_in_the_admin_is_audited(secretariat_client):
    template = factories.DelegationFactory()
    data = change_form_data(
        secretariat_client.get(reverse("admin:delegations_delegation_change", args=[template.pk]))
    )
    data.update(name="Interpol", acronym="ICPO", code="icpo", contact_email="dao@icpo.example")

    added = secretariat_client.post(reverse("admin:delegations_delegation_add"), data)

    assert added.status_code == 302, added.context["adminform"].form.errors
    delegation = Delegation.objects.get(code="icpo")
    assert AuditEntry.objects.get(action="delegation.create").after["name"] == "Interpol"
    secretariat_client.post(
        reverse("admin:delegations_delegation_delete", args=[delegation.pk]), {"post": "yes"}
    )
    assert not Delegation.objects.filter(code="icpo").exists()
    assert AuditEntry.objects.get(action="delegation.delete").before["code"] == "icpo"


@pytest.mark.parametrize("model", ["accreditation", "badge"])
def test_accreditations_and_badges_cannot_be_changed_in_the_admin_even_by_a_superuser(
    client, superuser, model
):
    from accreditation.models import Accreditation, AccreditationStatus, Badge

    accreditation = factories.AccreditationFactory(status=AccreditationStatus.SUBMITTED)
    obj = accreditation if model == "accreditation" else factories.BadgeFactory(accreditation=accreditation)
    client.force_login(superuser)
    url = reverse(f"admin:accreditation_{model}_change", args=[obj.pk])

    posted = client.post(url, {"status": "approved", "number": "999"})
    deleted = client.post(reverse(f"admin:accreditation_{model}_delete", args=[obj.pk]), {"post": "yes"})

    assert posted.status_code == deleted.status_code == 403
    assert Accreditation.objects.get(pk=accreditation.pk).status == AccreditationStatus.SUBMITTED
    if model == "badge":
        assert Badge.objects.get(pk=obj.pk).number == obj.number


def test_removing_a_focal_point_in_the_admin_is_audited(secretariat_client, secretariat_user):
    from delegations.models import FocalPoint

    kept = factories.FocalPointFactory()
    factories.FocalPointFactory(delegation=kept.delegation, user__username="old-dao")
    url = reverse("admin:delegations_delegation_change", args=[kept.delegation.pk])
    data = change_form_data(secretariat_client.get(url))
    for n, focal_point in enumerate(FocalPoint.objects.filter(delegation=kept.delegation).order_by("pk")):
        data[f"focal_points-{n}-id"] = focal_point.pk
        data[f"focal_points-{n}-delegation"] = kept.delegation.pk
    data["focal_points-1-DELETE"] = "on"

    response = secretariat_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(FocalPoint.objects.all()) == [kept]
    entry = AuditEntry.objects.get(action="delegation.focal_point_remove")
    assert (entry.actor, entry.target_id) == (secretariat_user, str(kept.delegation.pk))
    assert entry.before == {"focal_point": "old-dao"}
    assert secretariat_client.get(reverse("admin:delegations_focalpoint_add")).status_code == 403
    secretariat_client.post(reverse("admin:delegations_focalpoint_delete", args=[kept.pk]), {"post": "yes"})
    assert not FocalPoint.objects.exists()
    assert AuditEntry.objects.filter(action="delegation.focal_point_remove").count() == 2
