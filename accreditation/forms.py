"""Forms of the review, vetting and protocol pages: parse input, nothing more."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.models import BadgeLayout, Category, Zone
from delegations.models import DelegationKind


class _FilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    # A text field with suggestions (the page's datalist, filled from review:delegation-
    # suggestions), not a <select>: a conference has thousands of delegations. Matched on the
    # delegation's exact name or code (what the suggestions offer), in any case.
    delegation = forms.CharField(label=_("Delegation"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        queryset=Category.objects.only("id", "code", "name"),
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )

    def filters(self):
        """The cleaned filters; invalid ones are dropped rather than failing the page."""
        self.is_valid()
        filters = {name: value for name, value in self.cleaned_data.items() if value}
        if "delegation" in filters:
            # The selectors' "delegation" is an id (the API's); the page's is a name or code.
            filters["delegation_name"] = filters.pop("delegation")
        return filters


class QueueFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *DelegationKind.choices], required=False, label=_("Kind")
    )
    status = forms.ChoiceField(required=False, label=_("Status"))
    missing_photo = forms.BooleanField(required=False, label=_("Missing photo"))

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All waiting"))] + [(s.value, s.label) for s in statuses]


class PrintFilterForm(_FilterForm):
    arrival_day = forms.DateField(
        required=False, label=_("Day of arrival"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ApproveForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all(), label=_("Badge category"))
    zones = forms.ModelMultipleChoiceField(
        queryset=Zone.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Zones"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )


class VettingForm(forms.Form):
    note = forms.CharField(
        label=_("Note (kept by security)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrintForm(forms.Form):
    layout = forms.ChoiceField(choices=BadgeLayout.choices, label=_("Layout"))
    accreditations = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.MultipleHiddenInput, error_messages={"required": _("Select badges.")}
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accreditations"].queryset = queryset


class DeskSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, badge number or passport"), max_length=100, required=False)


class HandOverForm(forms.Form):
    id_document_seen = forms.CharField(label=_("Passport number shown"), max_length=40)


class BulkApproveForm(forms.Form):
    accreditations = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": _("Select at least one request.")}
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accreditations"].queryset = queryset
