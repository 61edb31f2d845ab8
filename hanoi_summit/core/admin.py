"""Display helpers every app's admin shares (status pills, yes/no filters on "is this date
set", read-only records), so every changelist looks and filters alike; and the guard that
keeps restricted fields (passport data) out of every changelist's filters, search and sort."""

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hanoi_summit.core.errors import DomainError

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


class ServiceAdminMixin:
    """For an admin whose saves and deletes call services (save_model, delete_model): the
    form runs the services' checks in its clean(), and a refusal only the service's locked
    re-check can make (another user's change in between) is shown as a message, the
    transaction rolled back, nothing changed; never an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        """The changelist's "delete selected", one service call per record."""
        refused = []
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except DomainError as error:
                refused.append(error.message)
        if refused:
            self.message_user(
                request, _("Not deleted: %(list)s") % {"list": " ".join(refused)}, messages.ERROR
            )


# --- restricted fields: no filtering, searching or sorting on what the user may not see ----

#: model label (lower case) -> {field name: permission needed to see it}. Apps register their
#: personal fields in their ready() (delegations: passport data and date of birth).
_RESTRICTED_FIELDS = {}


def restrict_fields(model_label, field_names, permission):
    """Register fields of `model_label` ("delegations.member") that only holders of
    `permission` may see, and so filter, search or sort on: a filter, a search or an order
    answers questions about a value as surely as showing it ("1 member" for ^VN1)."""
    _RESTRICTED_FIELDS.setdefault(model_label.lower(), {}).update(dict.fromkeys(field_names, permission))


def restricted_path(model, path, user):
    """True when the lookup, search or ordering `path` ("member__passport_number__regex",
    "-date_of_birth", "^member__family_name") from `model` reaches, across any relation, a
    field `user` may not see, or an encrypted one. Transforms and lookups after the last field
    are ignored."""
    if not isinstance(path, str):
        path = getattr(path, "name", None)  # F("...") in an ordering; other expressions pass
        if not isinstance(path, str):
            return False
    path = path.lstrip("-^=@?")
    for part in path.split(LOOKUP_SEP):
        opts = model._meta
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform, a lookup, or a name Django itself refuses later
        permission = _RESTRICTED_FIELDS.get(opts.label_lower, {}).get(field.name)
        if permission is not None and not user.has_perm(permission):
            return True
        if getattr(field, "encrypted", False):
            # Stored as a ciphertext (core/crypto.py): no one filters, searches or sorts on it.
            return True
        if not getattr(field, "path_infos", None):
            return False
        model = field.path_infos[-1].to_opts.model
    return False


class RestrictedFieldsAdminMixin:
    """Refuse, with Django's 400 for a disallowed lookup, any filter in the query string or
    sort column reaching a restricted field the user may not see; leave such fields out of
    the search. Applied to every registered admin by `guard_admin_site`."""

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and restricted_path(self.model, lookup, request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        return [f for f in fields if not restricted_path(self.model, f, request.user)]

    def get_ordering(self, request):
        ordering = super().get_ordering(request) or ()
        return [f for f in ordering if not restricted_path(self.model, f, request.user)]

    def get_sortable_by(self, request):
        return [
            name
            for name in super().get_sortable_by(request)
            if not restricted_path(self.model, self._column_ordering(name) or "", request.user)
        ]

    def changelist_view(self, request, extra_context=None):
        list_display = self.get_list_display(request)
        for item in request.GET.get(ORDER_VAR, "").split("."):
            try:
                name = list_display[int(item.rpartition("-")[2])]
            except (IndexError, ValueError):
                continue  # the changelist skips it too
            if restricted_path(self.model, self._column_ordering(name) or "", request.user):
                raise DisallowedModelAdminLookup(f"Ordering by {name} not allowed")
        return super().changelist_view(request, extra_context)

    def _column_ordering(self, name):
        """What the changelist sorts a list_display column by (as ChangeList does)."""
        if not isinstance(name, str):
            return getattr(name, "admin_order_field", None)
        try:
            return self.model._meta.get_field(name).name
        except FieldDoesNotExist:
            pass
        attr = getattr(self, name, None) or getattr(self.model, name, None)
        if isinstance(attr, property):
            attr = attr.fget
        return getattr(attr, "admin_order_field", None)


def guard_admin_site(site):
    """Give every admin registered on `site` (ours, auth's, axes'...) the restricted-field
    checks: run once every admin module has registered its models."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, RestrictedFieldsAdminMixin):
            continue
        cls = type(model_admin)
        guarded = type(cls.__name__, (RestrictedFieldsAdminMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = guarded(model, site)
