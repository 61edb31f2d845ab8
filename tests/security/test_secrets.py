"""No secret (a reset link, an invitation token, an API token) is readable by staff.

The attack this guards against: a secretariat user asked for a password reset of the
`security` account, read the link in the outbox admin, chose a password and opened the
vetting queue. E-mails that carry a link keep it sealed (encrypted) in the outbox row; the
worker puts it into the message only when it sends, then forgets it. Staff see "[link sent]".
"""

import json
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from rest_framework.authtoken.models import Token

from delegations.services import invitation_create
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from hanoi_summit.secretariat.admin_composition import EXPORTABLE
from tests import factories

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://[^/\s]+/portal/password-reset/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")
OUTBOX = "admin:hanoi_summit_outgoingemail"
NEW_PASSWORD = "Hanoi-Convention-2025!"


def _rows():
    """Everything stored about every e-mail and every audit entry, as text."""
    emails = list(OutgoingEmail.objects.values())
    audit = list(AuditEntry.objects.values())
    return json.dumps([emails, audit], cls=DjangoJSONEncoder)


def _admin_views(client, fragment):
    """The outbox's list, each e-mail's page, and a search for `fragment`, as one text."""
    pages = [client.get(reverse(f"{OUTBOX}_changelist"))]
    pages += [
        client.get(reverse(f"{OUTBOX}_change", args=[pk]))
        for pk in OutgoingEmail.objects.values_list("pk", flat=True)
    ]
    search = client.get(reverse(f"{OUTBOX}_changelist"), {"q": fragment})
    pages.append(search)
    assert all(page.status_code == 200 for page in pages)
    return search.context["cl"].result_count, "".join(page.content.decode() for page in pages)


def _request_reset(client, address, django_capture_on_commit_callbacks):
    """Ask for a reset; return the response and the stored rows as they were while queued."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("portal:password_reset"), {"email": address})
    queued = _rows()
    for callback in callbacks:
        callback()
    return response, queued


def test_a_reset_link_is_readable_by_no_staff_member(
    client, focal_user, secretariat_user, superuser, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    _, queued = _request_reset(client, focal_user.email, django_capture_on_commit_callbacks)

    [delivered] = mail.outbox
    link = RESET_LINK.search(delivered.body)
    token = link["token"]
    assert token not in queued  # while it waited in the outbox
    assert token not in _rows()  # once sent
    email = OutgoingEmail.objects.get(to=focal_user.email)
    assert "[link sent]" in email.body_text
    assert "/portal/password-reset/" not in email.body_text + email.body_html
    for user in (secretariat_user, superuser):
        client.force_login(user)
        found, pages = _admin_views(client, token[-12:])
        assert found == 0
        assert token not in pages
        assert link[0] not in pages
    # Neither the outbox nor the audit trail is among the admin's exports.
    assert ("hanoi_summit", "outgoingemail") not in EXPORTABLE
    assert ("hanoi_summit", "auditentry") not in EXPORTABLE
    assert token not in caplog.text


def test_the_delivered_reset_email_carries_a_link_that_sets_the_password(
    client, focal_user, django_capture_on_commit_callbacks
):
    _request_reset(client, focal_user.email, django_capture_on_commit_callbacks)

    [delivered] = mail.outbox
    assert delivered.to == [focal_user.email]
    link = RESET_LINK.search(delivered.body)[0]
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    focal_user.refresh_from_db()
    assert focal_user.check_password(NEW_PASSWORD)
    # The sealed link is gone from the row once the e-mail is sent.
    email = OutgoingEmail.objects.get(to=focal_user.email)
    assert email.status == "sent"
    assert email.sealed_secrets == ""


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_a_staff_accounts_reset_request_sends_nothing(client, kind, django_capture_on_commit_callbacks):
    if kind == "staff":
        user = factories.StaffUserFactory(role="Security officer", username="security")
    else:
        user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    unknown, _ = _request_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)

    response, _ = _request_reset(client, user.email, django_capture_on_commit_callbacks)

    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []
    # The same answer as for an address nobody has: the form does not tell staff accounts apart.
    assert (response.status_code, response["Location"]) == (unknown.status_code, unknown["Location"])


def test_an_administrators_reset_of_a_staff_password_is_audited(client, superuser):
    security = factories.StaffUserFactory(role="Security officer", username="security")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[security.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    security.refresh_from_db()
    assert security.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_set")
    assert (entry.actor, entry.target_id) == (superuser, str(security.pk))
    assert NEW_PASSWORD not in _rows()


def test_the_token_admin_shows_no_key(client, superuser):
    gate = factories.StaffUserFactory(role="Gate officer", username="gate-1")
    key = Token.objects.create(user=gate).key
    client.force_login(superuser)
    changelist = reverse("admin:authtoken_tokenproxy_changelist")

    listing = client.get(changelist)
    search = client.get(changelist, {"q": key[:10]})
    revoke_url = reverse("admin:authtoken_tokenproxy_revoke", args=[gate.pk])
    confirm = client.get(revoke_url)
    # Django's usual pages for a token name it by its key (its primary key): there are none.
    others = [
        client.get(f"{changelist}{suffix}") for suffix in ("add/", f"{gate.pk}/change/", f"{key}/change/")
    ]

    assert listing.status_code == confirm.status_code == 200
    assert "gate-1" in listing.content.decode()
    assert revoke_url in listing.content.decode()
    assert search.context["cl"].result_count == 0
    for response in (listing, confirm, *others):
        assert key[:10] not in response.content.decode()
    assert all(response.status_code in (302, 404) for response in others)
    # Revoking deletes the token; the audit entry names its user, not its key.
    assert client.post(revoke_url).status_code == 302
    assert not Token.objects.filter(key=key).exists()
    # A revoke address that names no user id is not found, never a server error.
    assert client.get(f"{changelist}abc/revoke/").status_code == 404
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert (entry.actor, entry.target_id) == (superuser, str(gate.pk))
    assert key not in _rows()
    assert key not in client.get(reverse("admin:index")).content.decode()


def test_the_secretariat_cannot_revoke_tokens_without_the_permission(client, secretariat_user):
    gate = factories.StaffUserFactory(role="Gate officer", username="gate-1")
    Token.objects.create(user=gate)
    client.force_login(secretariat_user)

    response = client.post(reverse("admin:authtoken_tokenproxy_revoke", args=[gate.pk]))

    assert response.status_code == 403
    assert Token.objects.filter(user=gate).exists()


def test_an_invitations_token_is_readable_by_no_staff_member(
    client, delegation, secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = invitation_create(
            delegation=delegation,
            email="dao@ke.example",
            actor=secretariat_user,
            site_url="https://summit.example",
        )
    queued = _rows()
    for callback in callbacks:
        callback()

    [delivered] = mail.outbox
    assert f"https://summit.example/portal/invitation/{token}/" in delivered.body
    assert f'href="https://summit.example/portal/invitation/{token}/"' in delivered.alternatives[0][0]
    assert token not in queued
    assert token not in _rows()
    client.force_login(secretariat_user)
    found, pages = _admin_views(client, token[:12])
    assert found == 0
    assert token not in pages
    invitation_pages = (
        client.get(reverse("admin:delegations_invitation_change", args=[invitation.pk])).content.decode()
        + client.get(reverse("admin:delegations_invitation_changelist")).content.decode()
    )
    assert "dao@ke.example" in invitation_pages
    assert token not in invitation_pages
    assert invitation.token_digest not in invitation_pages
    search = client.get(reverse("admin:delegations_invitation_changelist"), {"q": token[:12]})
    assert search.context["cl"].result_count == 0


def test_no_admin_shows_a_second_factors_key_or_recovery_codes(client, superuser):
    """Not even to a superuser: the account's page says which factors it has, nothing more,
    and django-otp's own admins (which list TOTP keys and static tokens) are not registered."""
    import base64

    from django.contrib import admin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hanoi_summit.twofactor.services import recovery_codes_issue

    officer = factories.StaffUserFactory(username="officer", role="Protocol officer")
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    codes = recovery_codes_issue(officer)
    client.force_login(superuser)

    page = client.get(reverse("admin:auth_user_change", args=[officer.pk])).content.decode()

    assert "recovery codes left: 10" in page
    secrets = [device.key, base64.b32encode(device.bin_key).decode().rstrip("="), *codes]
    assert [secret for secret in secrets if secret in page] == []
    otp_apps = {"otp_totp", "otp_static", "django_otp_webauthn"}
    assert [m for m in admin.site._registry if m._meta.app_label in otp_apps] == []
