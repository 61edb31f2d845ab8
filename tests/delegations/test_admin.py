import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from delegations.models import Invitation
from hanoi_summit.core.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

UPLOAD = "admin:delegations_invitation_upload"


def test_invite_action_uses_the_contact_email(secretariat_client):
    invited = factories.DelegationFactory(contact_email="dao@unodc.example")
    silent = factories.DelegationFactory(contact_email="")
    response = secretariat_client.post(
        reverse("admin:delegations_delegation_changelist"),
        {"action": "invite_selected", "_selected_action": [invited.pk, silent.pk]},
        follow=True,
    )
    assert Invitation.objects.get().delegation == invited
    assert OutgoingEmail.objects.get().to == "dao@unodc.example"
    assert "No contact e-mail" in response.content.decode()


def test_resend_and_revoke_actions(secretariat_client):
    from delegations.services import invitation_create, invitation_find

    delegation = factories.DelegationFactory()
    invitation, old = invitation_create(delegation=delegation, email="a@b.example", actor=None, site_url="")
    changelist = reverse("admin:delegations_invitation_changelist")
    secretariat_client.post(changelist, {"action": "resend", "_selected_action": [invitation.pk]})
    assert OutgoingEmail.objects.count() == 2
    with pytest.raises(Exception):  # noqa: B017 - the old link is dead, whatever the reason
        invitation_find(token=old)
    secretariat_client.post(changelist, {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def _csv(text):
    return SimpleUploadedFile("invitations.csv", text.encode(), content_type="text/csv")


def test_upload_previews_then_sends_all(secretariat_client):
    factories.DelegationFactory(code="unodc")
    factories.DelegationFactory(code="itu")
    response = secretariat_client.post(
        reverse(UPLOAD), {"file": _csv("code,email\nunodc,dao@unodc.example\nITU,dao@itu.example\n")}
    )
    html = response.content.decode()
    assert "dao@itu.example" in html and "Send 2 invitations" in html
    assert not Invitation.objects.exists()
    token = response.context["token"]
    response = secretariat_client.post(reverse(UPLOAD), {"token": token})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {"dao@unodc.example", "dao@itu.example"}
    assert OutgoingEmail.objects.count() == 2
    # The preview is used up: a second click sends nothing twice.
    response = secretariat_client.post(reverse(UPLOAD), {"token": token})
    assert response.status_code == 200 and OutgoingEmail.objects.count() == 2


def test_upload_with_row_errors_sends_nothing(secretariat_client):
    factories.DelegationFactory(code="unodc")
    response = secretariat_client.post(
        reverse(UPLOAD), {"file": _csv("unodc,dao@unodc.example\nnope,x@y.example\nunodc,not-an-email\n")}
    )
    html = response.content.decode()
    assert "Unknown delegation code “nope”" in html
    assert "not a valid e-mail address" in html
    assert "token" not in response.context
    assert not Invitation.objects.exists()


def test_upload_of_an_unreadable_csv_is_a_clear_refusal(secretariat_client):
    # An unclosed quote makes one field of 200 KB: past the csv module's limit.
    response = secretariat_client.post(reverse(UPLOAD), {"file": _csv('unodc,"' + "x" * 200_000)})
    assert response.status_code == 200
    assert "This CSV file cannot be read" in response.content.decode()
    assert not Invitation.objects.exists()


def test_upload_xlsx(secretariat_client):
    factories.DelegationFactory(code="unodc")
    workbook = Workbook()
    workbook.active.append(["Delegation code", "E-mail"])
    workbook.active.append(["unodc", "dao@unodc.example"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("i.xlsx", buffer.getvalue())
    response = secretariat_client.post(reverse(UPLOAD), {"file": upload})
    assert [(r.code, r.email) for r in response.context["rows"]] == [("unodc", "dao@unodc.example")]


def test_a_forged_token_sends_nothing(secretariat_client):
    factories.DelegationFactory(code="unodc")
    secretariat_client.post(reverse(UPLOAD), {"file": _csv("unodc,dao@unodc.example\n")})
    response = secretariat_client.post(reverse(UPLOAD), {"token": "forged"})
    assert response.status_code == 200
    assert "The preview expired" in response.content.decode()
    assert not Invitation.objects.exists()


def test_member_page_leaves_passport_data_out_without_the_permission(client, db):
    import datetime as dt

    member = factories.MemberFactory(passport_number="XK7654321", passport_expiry=dt.date(2031, 7, 9))
    clerk = factories.StaffUserFactory(username="clerk")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_member", "change_member"]))
    client.force_login(clerk)
    html = client.get(reverse("admin:delegations_member_change", args=[member.pk])).content.decode()
    assert "XK7654321" not in html and "2031" not in html and 'name="passport_expiry' not in html


def test_member_changelist_masks_passports(secretariat_client):
    factories.MemberFactory(passport_number="XK7654321")
    html = secretariat_client.get(reverse("admin:delegations_member_changelist")).content.decode()
    assert "XK7654321" not in html
    assert "321" in html


@pytest.mark.parametrize("count", [1, 3])
def test_member_changelist_query_count(secretariat_client, django_assert_num_queries, count):
    factories.MemberFactory.create_batch(count)
    # One count of the members, not two (show_full_result_count = False).
    with django_assert_num_queries(6):
        response = secretariat_client.get(reverse("admin:delegations_member_changelist"))
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_invitation_changelist_query_count(secretariat_client, django_assert_num_queries, count):
    for delegation in factories.DelegationFactory.create_batch(count):
        Invitation.objects.create(
            delegation=delegation, email=f"x{delegation.pk}@e.example", token_digest=str(delegation.pk),
            expires_at="2030-01-01T00:00Z",
        )  # fmt: skip
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("admin:delegations_invitation_changelist"))
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_delegation_changelist_query_count(secretariat_client, django_assert_num_queries, count):
    factories.DelegationFactory.create_batch(count)
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("admin:delegations_delegation_changelist"))
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_document_changelist_query_count(secretariat_client, django_assert_num_queries, count):
    factories.DocumentFactory.create_batch(count)
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("admin:delegations_document_changelist"))
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_focal_point_changelist_query_count(secretariat_client, django_assert_num_queries, count):
    factories.FocalPointFactory.create_batch(count)
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("admin:delegations_focalpoint_changelist"))
    assert response.context["cl"].result_count == count


def test_documents_are_not_added_in_the_admin(secretariat_client, client, superuser):
    """Only the portal's upload (which checks the PDF) creates a document."""
    from delegations.models import Document

    client.force_login(superuser)
    response = client.post(
        reverse("admin:delegations_document_add"),
        {"kind": "note_verbale", "delegation": factories.DelegationFactory().pk, "reference": "NV/1"},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()
