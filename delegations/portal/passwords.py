"""Password reset through the outbox, like every other e-mail of the product.

The link is a secret: it goes to the outbox sealed (staff reading the outbox see "[link
sent]"), and only the worker that sends the e-mail puts it in. Staff accounts are not reset
here at all: a reset link for one, wherever it leaked, would open the staff pages; an
administrator sets their passwords in the admin, which audits it.
"""

import hashlib

from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse
from django.utils import translation

from hanoi_summit.core.outbox.queue import email_queue


class QueuedPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # The form answers the same for a staff address as for an unknown one, so it
        # does not tell who is staff either.
        return (user for user in super().get_users(email) if not (user.is_staff or user.is_superuser))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "portal:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        link = f"{context['protocol']}://{context['domain']}{path}"
        # The key tells a double submission apart without holding the token itself.
        digest = hashlib.sha256(context["token"].encode()).hexdigest()[:32]
        email_queue(
            to=to_email,
            dedupe_key=f"password-reset:{context['uid']}:{digest}",
            template="password_reset",
            secrets={"link": link},
            # Accounts store no language: answer in the one the reset was asked in.
            language=translation.get_language(),
        )
