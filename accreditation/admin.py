"""Admin for zones, categories, accreditations, badges, print batches and scans.

Decisions go through accreditation services (review, vetting, printing, the desk), which
audit them; so here accreditations, badges and scans are read-only and staff edit the
reference data: zones and categories, and register gate devices.
"""

import segno
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accreditation.badges import codes
from accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Badge,
    Category,
    GateDevice,
    PrintBatch,
    Scan,
    ScanResult,
    Zone,
)
from accreditation.permissions import PRINT, VET
from accreditation.presentation import ACCREDITATION_TONES, BADGE_TONES, SCAN_TONES
from accreditation.services.gate import gate_settings_changed
from accreditation.services.gate_devices import (
    gate_device_ask_rotation,
    gate_device_issued,
    gate_device_replace_token,
    gate_device_revoke,
)
from delegations.admin import MemberNameSearch
from hanoi_summit.core.admin import ReadOnlyAdmin, choice_pill, date_set_filter, short_time, status_pill
from hanoi_summit.core.audit import audit_record


def colour_swatch(colour, text_colour, label):
    # Colours from the database travel in data- attributes, applied by static/js/hanoi.js:
    # the Content-Security-Policy refuses style="" attributes.
    return format_html(
        '<span class="hs-swatch" data-hs-bg="{}" data-hs-fg="{}">{}</span>', colour, text_colour, label
    )


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capacity", "second_entry", "sort_order", "description"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]
    ordering = ["sort_order", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Gates hold the zones (their names and second-entry rule) in their bundle.
        gate_settings_changed()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "band", "zone_list", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]
    list_filter = ["default_zones"]
    filter_horizontal = ["default_zones"]
    ordering = ["sort_order", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("default_zones")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The gates' bundle shows each badge's category name and colours.
        gate_settings_changed(category=obj)

    @admin.display(description=_("colour"))
    def band(self, category):
        return colour_swatch(category.colour, category.text_colour, category.colour)

    @admin.display(description=_("default zones"))
    def zone_list(self, category):
        return ", ".join(zone.code for zone in category.default_zones.all())


@admin.register(Accreditation)
class AccreditationAdmin(MemberNameSearch, ReadOnlyAdmin):
    # Created when the focal point submits; category, zones and status change only on the
    # review screens, through services that audit every decision and keep badges in step.
    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = ["member", "delegation", "category_band", "status_display", "submitted", "zone_list"]
    list_filter = [
        "status",
        "category",
        "member__delegation__kind",
        "zones",
        ("submitted_at", admin.DateFieldListFilter),
    ]
    # Searched by MemberNameSearch (names folded and indexed, delegations by id), not by
    # these; they only make the admin show its search box.
    member_path = "member__"
    search_fields = ["member__family_name", "member__delegation__name"]
    # Newest first by primary key: an index walk, where sorting by submission time (not
    # indexed) sorts the whole table on each page. Likewise no date_hierarchy: it scans every
    # row for its dates on each page.
    ordering = ["-pk"]
    list_select_related = ["member__delegation", "category"]
    readonly_fields = [
        "member",
        "status",
        "category",
        "zone_list",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "decision_reason",
        "vetted_by",
        "vetted_at",
        "vetting_note",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["member", "status", "category", "zone_list"]}),
        (_("Review"), {"fields": ["submitted_at", "reviewed_by", "reviewed_at", "decision_reason"]}),
        (_("Security vetting"), {"fields": ["vetted_by", "vetted_at", "vetting_note"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("zones")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.has_perm(VET) else [f for f in fields if f != "vetting_note"]

    def get_fieldsets(self, request, obj=None):
        # Security's note (its reasons for a refusal, say) is for security only.
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm(VET):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "vetting_note"]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("delegation"), ordering="member__delegation__name")
    def delegation(self, accreditation):
        return accreditation.member.delegation

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, accreditation):
        return choice_pill(AccreditationStatus, accreditation.status, ACCREDITATION_TONES)

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, accreditation):
        return short_time(accreditation.submitted_at)

    @admin.display(description=_("category"), ordering="category__sort_order")
    def category_band(self, accreditation):
        category = accreditation.category
        if category is None:
            return "-"
        return colour_swatch(category.colour, category.text_colour, category.code)

    @admin.display(description=_("zones"))
    def zone_list(self, accreditation):
        return " ".join(zone.code for zone in accreditation.zones.all())


@admin.register(Badge)
class BadgeAdmin(MemberNameSearch, ReadOnlyAdmin):
    """Badges are issued, printed, handed over and revoked by the protocol services only."""

    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = [
        "number",
        "version",
        "member",
        "delegation",
        "category_band",
        "printed",
        "collected",
        "revoked_display",
    ]
    list_filter = [
        "category",
        date_set_filter("printed_at", _("printed")),
        date_set_filter("collected_at", _("collected")),
        date_set_filter("revoked_at", _("revoked")),
        "accreditation__member__delegation__kind",
    ]
    # Searched by MemberNameSearch (names folded and indexed, delegations by id, the
    # number), not by these; they only make the admin show its search box.
    member_path = "accreditation__member__"
    number_field = "number"
    search_fields = ["=number", "accreditation__member__family_name"]
    list_select_related = ["accreditation__member__delegation", "category"]
    raw_id_fields = ["accreditation", "print_batch"]
    ordering = ["-pk"]
    readonly_fields = ["qr_code_text"]

    def get_readonly_fields(self, request, obj=None):
        # The code text is a badge, as good as the printed one when typed at a gate page:
        # only those who print badges (protocol) see it.
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.has_perm(PRINT) else [f for f in fields if f != "qr_code_text"]

    @admin.display(description=_("text of the QR code"))
    def qr_code_text(self, badge):
        # What the printed QR carries (Ed25519 signatures are deterministic: the same text as
        # printed while the signing key is the same). Protocol checks a badge with it, and
        # it can be typed at the gate page when no scanner is at hand.
        return format_html('<code class="user-select-all">{}</code>', codes.badge_code(badge))

    @admin.display(description=_("member"), ordering="accreditation__member__family_name")
    def member(self, badge):
        return badge.accreditation.member

    @admin.display(description=_("delegation"), ordering="accreditation__member__delegation__name")
    def delegation(self, badge):
        return badge.accreditation.member.delegation

    @admin.display(description=_("category"), ordering="category__sort_order")
    def category_band(self, badge):
        return colour_swatch(badge.category.colour, badge.category.text_colour, badge.category.code)

    @admin.display(description=_("printed"), ordering="printed_at")
    def printed(self, badge):
        return short_time(badge.printed_at)

    @admin.display(description=_("collected"), ordering="collected_at")
    def collected(self, badge):
        return short_time(badge.collected_at)

    @admin.display(description=_("revoked"), ordering="revoked_at")
    def revoked_display(self, badge):
        if badge.revoked_at is None:
            return status_pill(_("Valid"), BADGE_TONES["valid"])
        return format_html(
            "{}<br><small>{}</small>", status_pill(_("Revoked"), BADGE_TONES["revoked"]), badge.revoked_reason
        )


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "layout", "status", "rendered", "total", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "layout"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        # Batches are ordered from the protocol pages, which render the PDF.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Scan)
class ScanAdmin(MemberNameSearch, ReadOnlyAdmin):
    """The gate log, to read: every scan is evidence and stays as it was recorded."""

    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = [
        "time",
        "zone",
        "direction",
        "result_display",
        "reason",
        "badge",
        "holder",
        "officer",
        "device",
        "offline",
        "undone_at",
    ]
    list_filter = [
        "zone",
        "direction",
        "result",
        "reason",
        "offline",
        "granted_while_void",
        ("scanned_at", admin.DateFieldListFilter),
    ]
    # Names by MemberNameSearch (folded, indexed), the rest Django's way.
    member_path = "badge__accreditation__member__"
    number_field = "badge__number"
    search_own_fields = True
    search_fields = ["device", "code_excerpt"]
    list_select_related = ["zone", "badge__accreditation__member", "officer"]
    ordering = ["-scanned_at"]

    @admin.display(description=_("time"), ordering="scanned_at")
    def time(self, scan):
        return short_time(scan.scanned_at)

    @admin.display(description=_("result"), ordering="result")
    def result_display(self, scan):
        return choice_pill(ScanResult, scan.result, SCAN_TONES)

    @admin.display(description=_("holder"))
    def holder(self, scan):
        return scan.badge.accreditation.member if scan.badge_id else "-"


@admin.register(GateDevice)
class GateDeviceAdmin(admin.ModelAdmin):
    """Gate devices: their token is shown once, on the page right after it is made or
    replaced, and never again (only its hash is stored)."""

    list_display = ["name", "zone_list", "last_seen_at", "scans_waiting", "state", "token_links"]
    fields = ["name", "zones", "token_created_at", "last_seen_at", "scans_waiting", "revoked_at"]
    readonly_fields = ["token_created_at", "last_seen_at", "scans_waiting", "revoked_at"]
    filter_horizontal = ["zones"]
    search_fields = ["name"]
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("zones")

    @admin.display(description=_("zones"))
    def zone_list(self, device):
        return ", ".join(zone.code for zone in device.zones.all())

    @admin.display(description=_("status"))
    def state(self, device):
        if device.revoked_at:
            return _("Revoked")
        return _("New token asked for") if device.rotate_requested else _("Active")

    @admin.display(description=_("token"))
    def token_links(self, device):
        replace = reverse(f"{self.admin_site.name}:accreditation_gatedevice_token", args=[device.pk])
        rotate = reverse(f"{self.admin_site.name}:accreditation_gatedevice_rotate", args=[device.pk])
        revoke = reverse(f"{self.admin_site.name}:accreditation_gatedevice_revoke", args=[device.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a class="deletelink" href="{}">{}</a>',
            replace,
            gettext("Replace the token"),
            rotate,
            gettext("Replace the token on the device in use"),
            revoke,
            gettext("Revoke"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            request.gate_device_token = gate_device_issued(obj, actor=request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        device = form.instance
        action = "gate_device.change" if change else "gate_device.register"
        audit_record(actor=request.user, action=action, target=device, after={"zones": device.zone_codes})
        # A device's bundle holds its zones only.
        gate_settings_changed()

    def response_add(self, request, obj, post_url_continue=None):
        return self._token_page(request, obj, request.gate_device_token)

    def _token_page(self, request, device, token):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("The token of %(device)s") % {"device": device},
            "device": device,
            "token": token,
            # The same token as a QR code: the device's gate app reads it with its camera.
            "token_qr": mark_safe(segno.make(token, error="m").svg_inline(scale=5)),  # noqa: S308 (segno's own SVG)
            "changelist_url": reverse(f"{self.admin_site.name}:accreditation_gatedevice_changelist"),
        }
        response = TemplateResponse(request, "admin/accreditation/gatedevice/token.html", context)
        add_never_cache_headers(response)
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/token/", view(self.token_view), name="accreditation_gatedevice_token"),
            path("<int:pk>/revoke/", view(self.revoke_view), name="accreditation_gatedevice_revoke"),
            path("<int:pk>/rotate/", view(self.rotate_view), name="accreditation_gatedevice_rotate"),
            *super().get_urls(),
        ]

    def _confirm(self, request, pk, *, title, question, button):
        if not self.has_change_permission(request):
            raise PermissionDenied
        device = get_object_or_404(GateDevice, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "question": question % {"device": device},
            "button": button,
            "device": device,
            "changelist_url": reverse(f"{self.admin_site.name}:accreditation_gatedevice_changelist"),
        }
        return device, TemplateResponse(request, "admin/accreditation/gatedevice/confirm.html", context)

    def token_view(self, request, pk):
        device, confirm = self._confirm(
            request,
            pk,
            title=gettext("Replace a device's token"),
            question=gettext("Give %(device)s a new token? Its current token stops at once."),
            button=gettext("Yes, replace it"),
        )
        if request.method != "POST":
            return confirm
        return self._token_page(request, device, gate_device_replace_token(device=device, actor=request.user))

    def rotate_view(self, request, pk):
        """The device in use gets a new token by itself at its next call (nobody carries it
        there, nobody signs in); its current token works until the new one is first used."""
        device, confirm = self._confirm(
            request,
            pk,
            title=gettext("Replace the token on the device in use"),
            question=gettext(
                "Have %(device)s replace its token by itself at its next call? It keeps working meanwhile."
            ),
            button=gettext("Yes, replace it on the device"),
        )
        if request.method != "POST":
            return confirm
        gate_device_ask_rotation(device=device, actor=request.user)
        self.message_user(
            request,
            gettext("%(device)s will replace its token at its next call.") % {"device": device},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:accreditation_gatedevice_changelist"))

    def revoke_view(self, request, pk):
        device, confirm = self._confirm(
            request,
            pk,
            title=gettext("Revoke a device"),
            question=gettext("Revoke %(device)s? Its token is refused from its next request."),
            button=gettext("Yes, revoke it"),
        )
        if request.method != "POST":
            return confirm
        gate_device_revoke(device=device, actor=request.user)
        self.message_user(request, gettext("%(device)s is revoked.") % {"device": device}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:accreditation_gatedevice_changelist"))
