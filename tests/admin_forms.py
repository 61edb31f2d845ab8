"""Posting an admin change form back as a browser would."""

from django.forms import SplitDateTimeWidget
from django.utils import timezone


def change_form_data(response):
    """What the admin's change form would post back untouched: every field's current value."""
    context = response.context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, SplitDateTimeWidget):
            moment = timezone.localtime(value) if value else None
            data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
            data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
        elif value is not None:
            data[name] = "on" if value is True else value
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return data
