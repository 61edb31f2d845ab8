"""/dashboard/emails/: compose a group e-mail, preview it, send it through the outbox.

The page reads the form and calls group_emails: the recipients selector, the preview and
the `group_email_send` service, which does the writing.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanoi_summit.core.access import all_perms_required
from hanoi_summit.secretariat import group_emails
from hanoi_summit.secretariat.forms import GroupEmailForm

#: Writing to many people at once: the Secretariat's outbox rights and sight of the members.
GROUP_EMAIL_PERMISSIONS = (
    "hanoi_summit.change_outgoingemail",
    "delegations.view_delegation",
    "delegations.view_member",
)


@all_perms_required(*GROUP_EMAIL_PERMISSIONS)
def group_email(request):
    """Compose, preview (count and the first recipient's e-mail), then send through the outbox."""
    form = GroupEmailForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        selection = form.selection()
        recipients = group_emails.group_email_recipients(**selection)
        if not recipients:
            form.add_error(None, _("Nobody matches this selection."))
        elif request.POST.get("action") == "send":
            result = group_emails.group_email_send(
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                recipients=recipients,
            )
            messages.success(request, _sent_message(result))
            return redirect("dashboard:group_email")
        else:
            preview = group_emails.group_email_preview(
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], recipients=recipients
            )
    return render(
        request,
        "dashboard/group_email.html",
        {"form": form, "preview": preview, "placeholders": group_emails.PLACEHOLDERS},
    )


def _sent_message(result):
    text = ngettext("%(queued)d e-mail queued.", "%(queued)d e-mails queued.", result.queued) % {
        "queued": result.queued
    }
    if result.skipped:
        text += " " + ngettext(
            "%(skipped)d recipient already had this message.",
            "%(skipped)d recipients already had this message.",
            result.skipped,
        ) % {"skipped": result.skipped}
    return text
