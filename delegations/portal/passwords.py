"""Password reset through the outbox, like every other e-mail of the product."""

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from hanoi_summit.core.outbox.queue import email_queue


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        email_queue(
            to=to_email,
            dedupe_key=f"password-reset:{context['uid']}:{context['token']}",
            template="password_reset",
            context=context,
            # Accounts store no language: answer in the one the reset was asked in.
            language=translation.get_language(),
        )
