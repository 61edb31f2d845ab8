import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from delegations import services
from delegations.errors import DelegationError
from delegations.models import DelegationStatus, FocalPoint, Invitation
from hanoi_summit.core.models import AuditEntry, OutgoingEmail

pytestmark = pytest.mark.django_db

SITE = "https://summit.example"


def test_invitation_stores_only_a_digest_and_queues_the_link(
    delegation, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            delegation=delegation, email="DAO@Kenya.example", actor=secretariat_user, site_url=SITE
        )
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert invitation.token_digest == services.invitation_digest(token)
    assert token not in invitation.token_digest
    assert invitation.email == "dao@kenya.example"
    email = OutgoingEmail.objects.get(to="dao@kenya.example")
    # The outbox row keeps a placeholder; the link is in the e-mail sent only.
    assert token not in email.body_text + email.body_html
    assert "[link sent]" in email.body_text
    [sent] = mailoutbox
    assert f"{SITE}/portal/invitation/{token}/" in sent.body
    assert f'href="{SITE}/portal/invitation/{token}/"' in sent.alternatives[0][0]
    assert "Kenya" in email.subject
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)


def test_inviting_the_same_address_again_resends_with_a_new_token(delegation, secretariat_user):
    first, old = services.invitation_create(
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
    )
    second, new = services.invitation_create(
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
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
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
    )
    user = services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    assert user.check_password("Hanoi-Convention-2025!")
    assert FocalPoint.objects.get(user=user).delegation == delegation
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.REGISTERED
    change = AuditEntry.objects.get(action="delegation.update", target_id=str(delegation.pk))
    assert (change.actor, change.before, change.after) == (
        user,
        {"status": "invited"},
        {"status": "registered"},
    )
    with pytest.raises(DelegationError) as refused:
        services.invitation_accept(token=token, password="Another-Password-2025!")
    assert refused.value.code == "invitation_used"
    assert FocalPoint.objects.count() == 1


def test_a_delegation_may_have_several_focal_points(delegation, secretariat_user):
    for email in ("one@ke.example", "two@ke.example"):
        _, token = services.invitation_create(
            delegation=delegation, email=email, actor=secretariat_user, site_url=SITE
        )
        services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    assert delegation.focal_points.count() == 2


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_closed_invitations_create_nothing(delegation, secretariat_user, state):
    invitation, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
    )
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    elif state == "revoked":
        services.invitation_revoke(invitation=invitation, actor=secretariat_user)
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
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
    )
    with pytest.raises(DelegationError) as refused:
        services.invitation_accept(token=token, password="12345678")
    assert refused.value.code == "weak_password"
    assert not get_user_model().objects.filter(username="dao@ke.example").exists()
    assert services.invitation_find(token=token)  # still usable


def test_resend_after_accept_is_refused(delegation, secretariat_user):
    invitation, token = services.invitation_create(
        delegation=delegation, email="dao@ke.example", actor=secretariat_user, site_url=SITE
    )
    services.invitation_accept(token=token, password="Hanoi-Convention-2025!")
    with pytest.raises(DelegationError) as refused:
        services.invitation_resend(invitation=invitation, actor=secretariat_user, site_url=SITE)
    assert refused.value.code == "invitation_closed"
