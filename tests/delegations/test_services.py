import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delegations import services
from delegations.errors import DelegationError
from delegations.models import DelegationStatus, FocalPoint, Invitation, Member, MemberRole
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db

SITE = "https://summit.example"


def _data(**overrides):
    data = member_data(**overrides)
    for key in ("date_of_birth", "passport_expiry"):
        if isinstance(data[key], str):
            data[key] = dt.date.fromisoformat(data[key])
    data["arrival"] = data["departure"] = None
    return data


def _photo(width=600, height=800):
    return SimpleUploadedFile("p.jpg", factories.jpeg_bytes(width, height), content_type="image/jpeg")


@pytest.mark.parametrize(
    ("given", "family"),
    [("Thị Hương", "Nguyễn"), ("محمد", "العتيبي"), ("伟", "王")],
)
def test_member_names_in_any_script_are_kept(delegation, focal_user, given, family):
    member = services.member_create(
        delegation=delegation,
        user=focal_user,
        data=_data(given_names=given, family_name=family),
        photo=_photo(),
    )
    member.refresh_from_db()
    assert member.family_name == family
    assert member.badge_name == f"{given} {family}"
    assert member.photo.name.startswith(f"photos/{delegation.pk}/")
    assert AuditEntry.objects.filter(action="member.create", target_id=str(member.pk)).exists()


def test_a_300_character_name_is_refused_and_nothing_saved(delegation, focal_user):
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=_data(family_name="N" * 300))
    assert refused.value.field == "family_name"
    assert "120" in refused.value.message
    assert not Member.objects.exists()


def test_quota_holds(delegation, focal_user):
    factories.MemberFactory.create_batch(delegation.badge_quota, delegation=delegation)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=_data())
    assert refused.value.code == "quota_exceeded"
    assert Member.objects.filter(delegation=delegation).count() == delegation.badge_quota


def test_same_passport_twice_in_the_event_is_refused_whatever_the_spacing(delegation, focal_user):
    factories.MemberFactory(passport_number="AK1234567")  # in another delegation
    with pytest.raises(DelegationError) as refused:
        services.member_create(
            delegation=delegation, user=focal_user, data=_data(passport_number="ak 123 4567")
        )
    assert refused.value.code == "duplicate_passport"
    assert not Member.objects.filter(delegation=delegation).exists()


def test_passport_expired_or_expiring_before_the_event_ends_is_refused(delegation, focal_user):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=_data(passport_expiry=yesterday))
    assert refused.value.code == "passport_expired"
    assert not Member.objects.exists()


def test_only_one_head_of_delegation(delegation, focal_user):
    factories.MemberFactory(delegation=delegation, role=MemberRole.HEAD)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=_data(role="head"))
    assert refused.value.code == "duplicate_head"


def test_departure_before_arrival_is_refused(delegation, focal_user):
    data = _data()
    data["arrival"] = factories.hanoi_time(1, 10)
    data["departure"] = factories.hanoi_time(0, 10)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=data)
    assert refused.value.field == "departure"


def test_a_bad_photo_leaves_the_member_unsaved(delegation, focal_user):
    with pytest.raises(DelegationError):
        services.member_create(delegation=delegation, user=focal_user, data=_data(), photo=_photo(800, 600))
    assert not Member.objects.exists()


def test_locked_member_cannot_be_changed_or_removed(delegation, focal_user):
    member = factories.MemberFactory(delegation=delegation, is_locked=True, family_name="Kept")
    with pytest.raises(DelegationError) as refused:
        services.member_update(member=member, user=focal_user, data={"family_name": "Changed"})
    assert refused.value.code == "member_locked"
    with pytest.raises(DelegationError):
        services.member_delete(member=member, user=focal_user)
    member.refresh_from_db()
    assert member.family_name == "Kept"


def test_update_replaces_the_photo_and_audits_without_passport_in_clear(delegation, focal_user):
    member = factories.MemberFactory(delegation=delegation)
    old_name = member.photo.name
    services.member_update(member=member, user=focal_user, data={"passport_number": "ZZ999"}, photo=_photo())
    member.refresh_from_db()
    assert member.photo.name != old_name
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.after["passport_number"] == "***"
    assert "ZZ999" not in str(entry.before) + str(entry.after)


def test_passport_expiry_is_passport_data_in_the_audit_trail_too(delegation, focal_user):
    import datetime as dt

    member = factories.MemberFactory(delegation=delegation)
    services.member_update(member=member, user=focal_user, data={"passport_expiry": dt.date(2031, 7, 9)})
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.after["passport_expiry"] == "***"
    assert "2031" not in str(entry.before) + str(entry.after)


def test_delegation_update_refuses_a_states_name_and_registers_it(delegation, focal_user):
    with pytest.raises(DelegationError) as refused:
        services.delegation_update(delegation=delegation, user=focal_user, data={"name": "Renamed"})
    assert refused.value.field == "name"
    delegation.status = DelegationStatus.INVITED
    delegation.save()
    services.delegation_update(
        delegation=delegation,
        user=focal_user,
        data={
            "name": "Kenya",
            "ministry": "Ministry of Foreign Affairs",
            "contact_email": "mfa@ke.example",
        },
    )
    delegation.refresh_from_db()
    assert delegation.name == "Kenya"
    assert delegation.ministry == "Ministry of Foreign Affairs"
    assert delegation.status == DelegationStatus.REGISTERED


def test_document_upload_stores_a_checked_pdf(delegation, focal_user):
    upload = SimpleUploadedFile("NV 12.pdf", factories.pdf_bytes(), content_type="application/pdf")
    document = services.document_upload(
        delegation=delegation, user=focal_user, kind="note_verbale", upload=upload
    )
    assert document.file.name.startswith(f"documents/{delegation.pk}/")
    assert document.original_name == "NV 12.pdf"
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90 program", content_type="application/pdf")
    with pytest.raises(DelegationError):
        services.document_upload(delegation=delegation, user=focal_user, kind="note_verbale", upload=fake)
    assert delegation.documents.count() == 1


# --- Invitations ------------------------------------------------------------------------


def test_invitation_stores_only_a_digest_and_queues_the_link(delegation, secretariat_user):
    invitation, token = services.invitation_create(
        delegation=delegation, email="DAO@Kenya.example", created_by=secretariat_user, site_url=SITE
    )
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert invitation.token_digest == services.invitation_digest(token)
    assert token not in invitation.token_digest
    assert invitation.email == "dao@kenya.example"
    email = OutgoingEmail.objects.get(to="dao@kenya.example")
    assert f"{SITE}/portal/invitation/{token}/" in email.body_text
    assert f'href="{SITE}/portal/invitation/{token}/"' in email.body_html
    assert "Kenya" in email.subject
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)


def test_inviting_the_same_address_again_resends_with_a_new_token(delegation, secretariat_user):
    first, old = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    second, new = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    assert first.pk == second.pk and old != new
    assert OutgoingEmail.objects.filter(to="dao@ke.example").count() == 2
    with pytest.raises(DelegationError) as refused:
        services.invitation_find(token=old)
    assert refused.value.code == "invitation_unknown"
    assert services.invitation_find(token=new).pk == first.pk


def test_accepting_creates_the_account_and_focal_point_once(delegation, secretariat_user):
    delegation.status = DelegationStatus.INVITED
    delegation.save()
    _, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    user = services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    assert user.check_password("Hanoi-Convention-2025!")
    assert FocalPoint.objects.get(user=user).delegation == delegation
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.REGISTERED
    with pytest.raises(DelegationError) as refused:
        services.invitation_accept(token=token, password="Another-Password-2025!")
    assert refused.value.code == "invitation_used"
    assert FocalPoint.objects.count() == 1


def test_a_delegation_may_have_several_focal_points(delegation, secretariat_user):
    for email in ("one@ke.example", "two@ke.example"):
        _, token = services.invitation_create(
            delegation=delegation, email=email, created_by=secretariat_user, site_url=SITE
        )
        services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    assert delegation.focal_points.count() == 2


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_closed_invitations_create_nothing(delegation, secretariat_user, state):
    invitation, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    elif state == "revoked":
        services.invitation_revoke(invitation=invitation, user=secretariat_user)
    else:
        token = token[:-2] + "xx"
    users_before = get_user_model().objects.count()
    with pytest.raises(DelegationError) as refused:
        services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    assert refused.value.code == f"invitation_{state}"
    assert get_user_model().objects.count() == users_before
    assert not FocalPoint.objects.exists()


def test_weak_password_is_refused_and_nothing_created(delegation, secretariat_user):
    _, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    with pytest.raises(DelegationError) as refused:
        services.invitation_accept(token=token, password="12345678")
    assert refused.value.code == "weak_password"
    assert not get_user_model().objects.filter(username="dao@ke.example").exists()
    assert services.invitation_find(token=token)  # still usable


def test_resend_after_accept_is_refused(delegation, secretariat_user):
    invitation, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", created_by=secretariat_user, site_url=SITE
    )
    services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    with pytest.raises(DelegationError) as refused:
        services.invitation_resend(invitation=invitation, user=secretariat_user, site_url=SITE)
    assert refused.value.code == "invitation_closed"


def test_a_lost_race_on_the_passport_is_a_clear_refusal_and_leaves_no_file(
    delegation, focal_user, monkeypatch
):
    # Another request inserted the same passport between our check and our insert.
    factories.MemberFactory(passport_number="AK1234567")
    monkeypatch.setattr(services, "_member_check", lambda **kwargs: None)
    from django.core.files.storage import default_storage

    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, user=focal_user, data=_data(), photo=_photo())
    assert refused.value.code == "conflict"
    assert not Member.objects.filter(delegation=delegation).exists()
    _, files = default_storage.listdir(f"photos/{delegation.pk}")
    assert files == []


def test_document_delete_rules(delegation, focal_user):
    note = factories.DocumentFactory(delegation=delegation)
    member = factories.MemberFactory(delegation=delegation)
    full_powers = factories.DocumentFactory(delegation=delegation, kind="full_powers", member=member)
    with pytest.raises(DelegationError) as refused:
        services.document_delete(document=full_powers, user=focal_user)
    assert refused.value.code == "full_powers_kept"
    Member.objects.filter(pk=member.pk).update(is_locked=True)
    with pytest.raises(DelegationError) as refused:
        services.document_delete(document=note, user=focal_user)
    assert refused.value.code == "delegation_locked"
    Member.objects.filter(pk=member.pk).update(is_locked=False)
    services.document_delete(document=note, user=focal_user)
    assert list(delegation.documents.all()) == [full_powers]
