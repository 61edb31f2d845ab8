"""Forms of the secretariat's dashboard pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.models import Category
from delegations.models import DelegationKind, DelegationStatus
from hanoi_summit.secretariat import group_emails
from sessions.models import Session


class GroupEmailForm(forms.Form):
    """Who gets the message, and the message itself (with placeholders)."""

    groups = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            (group_emails.GROUP_FOCAL_POINTS, _("Focal points and contact e-mails of the delegations")),
            (group_emails.GROUP_HEADS, _("Heads of delegation")),
            (group_emails.GROUP_CATEGORY, _("Members with a badge category below")),
            (group_emails.GROUP_SESSION, _("Attendees of the session below (confirmed bookings)")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Delegation kinds"),
        choices=DelegationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Delegation statuses"),
        choices=DelegationStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every delegation but withdrawn ones."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Badge categories"),
        queryset=Category.objects.order_by("sort_order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.filter(is_cancelled=False).order_by("starts_at", "title"),
        required=False,
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))

    def _check_placeholders(self, name):
        text = self.cleaned_data[name]
        try:
            group_emails.group_email_check_template(text)
        except group_emails.GroupEmailError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return text

    def clean_subject(self):
        return self._check_placeholders("subject")

    def clean_body(self):
        return self._check_placeholders("body")

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        if group_emails.GROUP_CATEGORY in groups and not cleaned.get("categories"):
            self.add_error("categories", _("Choose at least one badge category."))
        if group_emails.GROUP_SESSION in groups and not cleaned.get("session"):
            self.add_error("session", _("Choose the session."))
        return cleaned

    def selection(self):
        """The keyword arguments of group_emails.group_email_recipients."""
        data = self.cleaned_data
        return {
            "groups": data["groups"],
            "kinds": data["kinds"],
            "statuses": data["statuses"],
            "categories": list(data["categories"]),
            "session": data["session"],
        }
