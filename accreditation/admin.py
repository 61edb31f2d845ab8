"""Admin for zones, categories, accreditations, badges, print batches and scans.

Decisions go through accreditation services (review, vetting, printing, the desk), which
audit them; so here accreditations, badges and scans are read-only and staff edit the
reference data: zones and categories.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accreditation.badges import codes
from accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Badge,
    Category,
    PrintBatch,
    Scan,
    ScanResult,
    Zone,
)
from accreditation.permissions import PRINT, VET
from accreditation.presentation import ACCREDITATION_TONES, BADGE_TONES, SCAN_TONES
from delegations.admin import MemberNameSearch
from hanoi_summit.core.admin import ReadOnlyAdmin, choice_pill, date_set_filter, short_time, status_pill


def colour_swatch(colour, text_colour, label):
    # Colours from the database travel in data- attributes, applied by static/js/hanoi.js:
    # the Content-Security-Policy refuses style="" attributes.
    return format_html(
        '<span class="hs-swatch" data-hs-bg="{}" data-hs-fg="{}">{}</span>', colour, text_colour, label
    )


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capacity", "sort_order", "description"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]
    ordering = ["sort_order", "code"]


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
    ]
    list_filter = ["zone", "direction", "result", "reason", ("scanned_at", admin.DateFieldListFilter)]
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
