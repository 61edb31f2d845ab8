"""Display helpers every app's admin shares (status pills, yes/no filters on "is this date
set", read-only records), so every changelist looks and filters alike."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

#: The one tone -> hex table: Bootstrap's tone names, in shades white text is readable on
#: (admin pills, the dashboard's SVG charts). static/css/admin.css gives each tone its colour
#: as the class hs-pill-<tone> (the Content-Security-Policy refuses style="" attributes); a
#: test checks that the two agree.
PILL_COLOURS = {
    "success": "#198754",
    "warning": "#B8860B",
    "danger": "#DC3545",
    "info": "#087990",
    "primary": "#0D6EFD",
    "secondary": "#6C757D",
    "dark": "#212529",
}


def tone_colour(tone):
    """The hex colour of a Bootstrap tone name (secondary's for an unknown one)."""
    return PILL_COLOURS.get(tone, PILL_COLOURS["secondary"])


def status_pill(label, tone):
    """A coloured pill for a status column; `tone` is a key of PILL_COLOURS."""
    tone = tone if tone in PILL_COLOURS else "secondary"
    return format_html('<span class="hs-pill hs-pill-{}">{}</span>', tone, label)


def choice_pill(choices, value, tones):
    """A status pill for `value` of the TextChoices `choices`, its tone from `tones`.

    Only the one label is translated: get_FOO_display() translates every choice of the
    field on each call, a large share of a long changelist's rendering time.
    """
    try:
        label = choices(value).label
    except ValueError:
        label = value
    return status_pill(label, tones.get(value, "secondary"))


def short_time(value):
    """ "25 Oct 08:05" in the event's time zone, or "-": keeps date columns narrow."""
    if value is None:
        return "-"
    return formats.date_format(timezone.localtime(value), "j M H:i")


def date_set_filter(field, title):
    """A Yes/No filter on whether the date field `field` is set ("printed?", "revoked?")."""

    class DateSetFilter(admin.SimpleListFilter):
        parameter_name = field.removesuffix("_at")

        def lookups(self, request, model_admin):
            return [("yes", _("Yes")), ("no", _("No"))]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(**{f"{field}__isnull": False})
            if self.value() == "no":
                return queryset.filter(**{f"{field}__isnull": True})
            return queryset

    DateSetFilter.title = title
    DateSetFilter.__name__ = f"{field.title().replace('_', '')}SetFilter"
    return DateSetFilter


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to read: its changes belong to a service that checks the rules and audits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
