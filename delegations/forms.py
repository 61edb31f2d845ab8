"""Portal forms: parse and show. The rules live in services; their refusals come back as form errors."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation, DocumentKind, Member
from delegations.services import MEMBER_FIELDS, delegation_editable_fields


class DomainErrorFormMixin:
    def add_domain_error(self, error):
        """Show a service's refusal next to the field it concerns, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class DelegationForm(DomainErrorFormMixin, forms.ModelForm):
    class Meta:
        model = Delegation
        fields = (
            "name",
            "acronym",
            "proposed_name",
            "proposed_acronym",
            "ministry",
            "mission",
            "address",
            "contact_email",
            "contact_phone",
            "language",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = delegation_editable_fields(delegation=self.instance)
        # An organisation sees its official name and acronym, read-only, above its proposal.
        shown = allowed if self.instance.is_state else ("name", "acronym", *allowed)
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
            elif name not in allowed:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Changed by the secretariat only: propose a change below.")
        if "contact_email" in self.fields:
            self.fields["contact_email"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False

    def validate_unique(self):
        """Uniqueness is the service's rule (one message, one place)."""


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MemberForm(DomainErrorFormMixin, forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "A recent passport-style photo: JPEG or PNG, portrait, at least 300x400 pixels, at most 5 MB. "
            "Heads of State or Government, Vice-Presidents, Crown Princes and their spouses may leave it out."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    #: Left empty, the service takes the custom of the member's nationality.
    family_name_first = forms.TypedChoiceField(
        label=_("Order of the names"),
        choices=[
            ("", _("As usual for the nationality")),
            ("True", _("Family name first (Nguyễn Văn An)")),
            ("False", _("Given names first (Anna Schmidt)")),
        ],
        coerce=lambda value: value == "True",
        empty_value=None,
        required=False,
    )
    #: Makes a second click on "Save" (or a browser re-post) harmless.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {
            "date_of_birth": _DateInput(),
            "passport_expiry": _DateInput(),
            "arrival": _DateTimeInput(),
            "departure": _DateTimeInput(),
        }
        help_texts = {
            "badge_name": _("How the name is printed on the badge; leave empty to use the passport names."),
            "passport_number": _("Shown masked in lists; seen only by accreditation and security officers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["badge_name"].required = False
        if self.instance.pk is None:
            self.initial.setdefault("family_name_first", "")
        self.fields["date_of_birth"].required = True
        self.fields["nationality"].required = True
        self.fields["gender"].required = True
        for name in ("arrival", "departure"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Names, as in the passport"),
                Row(
                    Column("title", css_class="col-md-2"),
                    Column("given_names", css_class="col-md-5"),
                    Column("family_name", css_class="col-md-5"),
                ),
                Row(
                    Column("family_name_first", css_class="col-md-5"),
                    Column("badge_name", css_class="col-md-7"),
                ),
            ),
            Fieldset(
                _("Function"),
                Row(
                    Column("function", css_class="col-md-6"),
                    Column("role", css_class="col-md-3"),
                    Column("protocol_rank", css_class="col-md-3"),
                ),
            ),
            Fieldset(
                _("Identity"),
                Row(
                    Column("gender", css_class="col-md-4"),
                    Column("date_of_birth", css_class="col-md-4"),
                    Column("nationality", css_class="col-md-4"),
                ),
                Row(
                    Column("passport_number", css_class="col-md-6"),
                    Column("passport_expiry", css_class="col-md-6"),
                ),
                "photo",
            ),
            Fieldset(
                _("Contact"),
                Row(
                    Column("email", css_class="col-md-5"),
                    Column("phone", css_class="col-md-4"),
                    Column("language", css_class="col-md-3"),
                ),
            ),
            Fieldset(
                _("Travel and needs"),
                Row(Column("arrival", css_class="col-md-6"), Column("departure", css_class="col-md-6")),
                Row(
                    Column("dietary_needs", css_class="col-md-6"),
                    Column("accessibility_needs", css_class="col-md-6"),
                ),
            ),
            "form_token",
        )

    def validate_unique(self):
        """Uniqueness (passport, head of delegation) is the service's rule, with its own messages."""

    def member_data(self):
        return {name: self.cleaned_data.get(name) for name in MEMBER_FIELDS}


class DocumentForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (DocumentKind.NOTE_VERBALE, DocumentKind.NOTE_VERBALE.label),
            (DocumentKind.LETTER_OF_NOMINATION, DocumentKind.LETTER_OF_NOMINATION.label),
        ],
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=_DateInput())
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class InvitationAcceptForm(DomainErrorFormMixin, forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth.password_validation import password_validators_help_text_html

        self.fields["password1"].help_text = password_validators_help_text_html()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per invitation: delegation code, e-mail. A header row is allowed."),
    )
