"""Secrets an e-mail carries stay sealed in the outbox until the worker sends it.

tests/security/test_secrets.py follows a reset and an invitation end to end; these are the
outbox's own rules: what is stored, what is sent, what a retry and a key rotation do.
"""

import importlib
import smtplib

import pytest
from django.apps import apps
from django.core import mail
from django.core.mail.backends import locmem

from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox.queue import email_queue, email_retry
from hanoi_summit.core.outbox.sealing import seal, unseal
from hanoi_summit.core.outbox.sending import email_send
from tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

LINK = "https://summit.example/portal/invitation/s3cr3t-t0ken_value/"


class RefusingBackend(locmem.EmailBackend):
    refuse = True

    def send_messages(self, email_messages):
        if RefusingBackend.refuse:
            raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
        return super().send_messages(email_messages)


def queue_invitation(**overrides):
    return email_queue(
        **{
            "to": "dao@ke.example",
            "dedupe_key": "invitation:1:1",
            "template": "invitation",
            "context": {"delegation_name": "Kenya"},
            "secrets": {"link": LINK},
            **overrides,
        }
    )


def test_the_row_holds_a_placeholder_and_the_sent_email_the_secret(mailoutbox):
    email = queue_invitation()

    assert LINK not in email.body_text + email.body_html + email.sealed_secrets
    assert "[link sent]" in email.body_text
    assert 'href="[link sent]"' in email.body_html
    email_send(email_id=email.pk)

    [sent] = mailoutbox
    assert LINK in sent.body
    assert f'href="{LINK}"' in sent.alternatives[0][0]
    email.refresh_from_db()
    assert (email.status, email.sealed_secrets) == (EmailStatus.SENT, "")
    assert "[link sent]" in email.body_text


def test_a_failed_email_keeps_its_secret_for_a_retry(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refuse = True
    email = queue_invitation()

    email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert LINK not in email.last_error
    assert unseal(email.sealed_secrets) == {"link": LINK}

    RefusingBackend.refuse = False
    email_retry(email=email)
    email_send(email_id=email.pk)
    assert LINK in mail.outbox[0].body


def test_secrets_sealed_before_a_key_rotation_still_open(settings, mailoutbox):
    email = queue_invitation()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-key-" + "x" * 50

    email_send(email_id=email.pk)

    assert LINK in mailoutbox[0].body


def test_secrets_no_key_opens_fail_the_email_without_sending(settings, mailoutbox):
    email = queue_invitation()
    settings.SECRET_KEY = "another-key-" + "x" * 50

    email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.last_error.startswith("InvalidToken")
    assert mailoutbox == []


def test_secrets_need_a_template():
    with pytest.raises(TypeError):
        email_queue(to="a@example.org", dedupe_key="k", subject="s", body_text="b", secrets={"link": LINK})


def test_email_without_secrets_stores_none():
    email = email_queue(to="a@example.org", dedupe_key="k", subject="s", body_text="b")
    assert email.sealed_secrets == ""


def test_links_stored_before_sealing_are_sealed_by_the_migration(mailoutbox):
    """Rows written before links were sealed (migration 0007)."""
    migration = importlib.import_module("hanoi_summit.migrations.0007_outbox_seal_links_already_stored")
    reset_link = "http://testserver/portal/password-reset/MQ/cz1d2e-0123456789abcdef0123456789abcdef/"
    queued = OutgoingEmailFactory(
        dedupe_key="password-reset:MQ:cz1d2e-0123456789abcdef0123456789abcdef",
        body_text=f"Open this link:\n{reset_link}\n\nThanks",
    )
    sent = OutgoingEmailFactory(
        dedupe_key="invitation:4:1",
        status=EmailStatus.SENT,
        body_text=f"Open this link:\n{LINK}",
        body_html=f'<a href="{LINK}">open</a>',
    )
    other = OutgoingEmailFactory(dedupe_key="group:1:2", body_text=f"See {LINK}")

    migration.seal_stored_links(apps, None)

    queued.refresh_from_db()
    sent.refresh_from_db()
    other.refresh_from_db()
    assert queued.body_text == "Open this link:\n[link sent]\n\nThanks"
    assert "cz1d2e" not in queued.dedupe_key
    assert queued.dedupe_key.startswith("password-reset:MQ:")
    assert unseal(queued.sealed_secrets) == {"link": reset_link}
    assert (sent.body_text, sent.body_html) == (
        "Open this link:\n[link sent]",
        '<a href="[link sent]">open</a>',
    )
    assert sent.sealed_secrets == ""
    assert other.body_text == f"See {LINK}"
    email_send(email_id=queued.pk)
    assert reset_link in mailoutbox[0].body


def test_seal_is_opaque_and_round_trips():
    sealed = seal({"link": LINK})
    assert "s3cr3t" not in sealed
    assert unseal(sealed) == {"link": LINK}
    assert seal({}) == "" and unseal("") == {}
    assert OutgoingEmail._meta.get_field("sealed_secrets").editable is False
