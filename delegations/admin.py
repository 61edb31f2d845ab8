"""The secretariat's admin for delegations: invitations (one, many, or a file), members with
masked passports, private files through the permission-checked views.

Delegations and members are saved and deleted by the delegations services, as the portal
and the API do: the same checks, one audit entry per change with its old and new values.
Whether a member is locked for review is the accreditation services' to set: shown here,
never edited.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delegations import services
from delegations.errors import DelegationError
from delegations.forms import DomainErrorFormMixin, InvitationUploadForm
from delegations.imports.invitations import invitation_rows_check, invitation_rows_parse
from delegations.imports.preview import preview_drop, preview_keep, preview_take
from delegations.models import (
    PASSPORT_FIELDS,
    VIEW_PASSPORT,
    Delegation,
    Document,
    FocalPoint,
    Invitation,
    Member,
    passport_hash_of,
)
from delegations.selectors import delegation_ids_matching, member_name_q
from hanoi_summit.core.admin import ServiceAdminMixin, status_pill
from hanoi_summit.core.http import site_url

_IMPORT_FLOW = "invitations"


class MemberNameSearch:
    """An admin changelist whose search finds people by name through the one name search
    (delegations.selectors.member_name_q: accent- and case-insensitive, the trigram index on
    PostgreSQL), or by their delegation's name or code; `member_path` leads from the admin's
    model to its member.

    The delegations are looked up first (one small query) and matched by id: an OR of the
    indexed name condition with a condition on a joined table would make PostgreSQL read
    every row. `number_field`, if set, also matches a number typed whole (a badge's);
    `search_own_fields` adds the admin's own search_fields, searched Django's way.
    `search_fields` must not be empty all the same: the admin shows its search box only then.
    """

    member_path = ""
    number_field = None
    search_own_fields = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = member_name_q(term, member_path=self.member_path)
        delegations = delegation_ids_matching(text=term)
        if delegations:
            condition |= Q(**{f"{self.member_path}delegation_id__in": delegations})
        if self.number_field and term.isdigit() and len(term) < 10:
            condition |= Q(**{self.number_field: int(term)})
        found = queryset.filter(condition)
        if self.search_own_fields:
            others, may_have_duplicates = super().get_search_results(request, queryset, search_term)
            return found | others, may_have_duplicates
        return found, False


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


class DelegationAdminForm(DomainErrorFormMixin, forms.ModelForm):
    """The secretariat's checks (delegation_secretariat_check) as form errors."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.delegation_secretariat_check(
                    delegation=self.instance, data={f: cleaned[f] for f in self.changed_data if f in cleaned}
                )
            except DelegationError as error:
                self.add_domain_error(error)
        return cleaned


def _saved_as(obj, saved):
    """Make the admin's `obj` the row a service saved (the admin goes on with `obj`: its
    history message, the redirect to its page)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj.refresh_from_db()


@admin.register(Delegation)
class DelegationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "name", "code", "kind", "status", "badge_quota", "member_count", "contact_email", "proposed_name",
    )  # fmt: skip
    list_filter = ("kind", "status")
    search_fields = ("name", "code", "acronym", "contact_email", "proposed_name")
    ordering = ("name",)
    inlines = [FocalPointInline]
    actions = ["invite_selected", "accept_proposed_name"]

    form = DelegationAdminForm

    def save_model(self, request, obj, form, change):
        """Through the services: every change audited with its old and new value (the
        official name, acronym and country as delegation.rename)."""
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.SECRETARIAT_FIELDS}
            _saved_as(
                obj, services.delegation_secretariat_update(delegation=obj, actor=request.user, data=data)
            )
        else:
            data = {f: v for f, v in form.cleaned_data.items() if f in services.SECRETARIAT_FIELDS}
            _saved_as(obj, services.delegation_create(actor=request.user, data=data))

    def delete_model(self, request, obj):
        services.delegation_delete(delegation=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        # The focal points inline only removes (no add, its fields read-only): each removal
        # through the service, audited.
        formset.save(commit=False)
        for focal_point in formset.deleted_objects:
            services.focal_point_remove(focal_point=focal_point, actor=request.user)

    @admin.action(
        description=_("Accept the proposed name and acronym as the official ones"), permissions=["change"]
    )
    def accept_proposed_name(self, request, queryset):
        accepted = [
            d.name for d in queryset if services.delegation_proposal_accept(delegation=d, actor=request.user)
        ]
        if accepted:
            self.message_user(
                request, _("Renamed: %(names)s.") % {"names": ", ".join(accepted)}, messages.SUCCESS
            )
        else:
            self.message_user(
                request, _("None of the selected delegations proposed a name."), messages.WARNING
            )

    def get_queryset(self, request):
        # A correlated subquery, not Count("members"): an aggregate made both of the
        # changelist's counts group every member of every delegation; the subquery is dropped
        # from the counts and runs for the shown page only.
        members = (
            Member.objects.filter(delegation=OuterRef("pk"))
            .order_by()
            .values("delegation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(_member_count=Coalesce(Subquery(members), 0))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, delegation):
        return delegation._member_count

    @admin.action(
        description=_("Invite the selected delegations (to their contact e-mail)"), permissions=["change"]
    )
    def invite_selected(self, request, queryset):
        sent, skipped = 0, []
        for delegation in queryset:
            if not delegation.contact_email:
                skipped.append(delegation.name)
                continue
            services.invitation_create(
                delegation=delegation,
                email=delegation.contact_email,
                actor=request.user,
                site_url=site_url(request),
            )
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%d invitation sent.", "%d invitations sent.", sent) % sent,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("No contact e-mail, not invited: %(names)s.") % {"names": ", ".join(skipped)},
                messages.WARNING,
            )


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    """Focal points come from accepted invitations; here they are listed and removed
    (audited), never made or moved to another delegation."""

    list_display = ("user", "delegation", "created_at")
    list_select_related = ("user", "delegation")
    search_fields = ("user__username", "user__email", "delegation__name", "delegation__code")
    readonly_fields = ("user", "delegation", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.focal_point_remove(focal_point=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for focal_point in queryset.select_related("user", "delegation"):
            self.delete_model(request, focal_point)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "delegation", "state", "expires_at", "sent_count", "created_at")
    list_select_related = ("delegation",)
    list_filter = ("accepted_at", "revoked_at")
    search_fields = ("email", "delegation__name", "delegation__code")
    readonly_fields = (
        "delegation", "email", "expires_at", "created_at", "created_by", "sent_count",
        "accepted_at", "accepted_by", "revoked_at",
    )  # fmt: skip
    exclude = ("token_digest",)
    actions = ["resend", "revoke"]
    change_list_template = "admin/delegations/invitation/change_list.html"

    def has_add_permission(self, request):
        # Invitations are made by the delegation action or the file upload, which send the e-mail.
        return False

    @admin.display(description=_("state"))
    def state(self, invitation):
        if invitation.accepted_at:
            return status_pill(_("Accepted"), "success")
        if invitation.revoked_at:
            return status_pill(_("Revoked"), "secondary")
        if invitation.expires_at <= timezone.now():
            return status_pill(_("Expired"), "danger")
        return status_pill(_("Open"), "info")

    @admin.action(description=_("Resend (new link; the old one stops working)"), permissions=["change"])
    def resend(self, request, queryset):
        done = 0
        for invitation in queryset:
            try:
                services.invitation_resend(
                    invitation=invitation, actor=request.user, site_url=site_url(request)
                )
                done += 1
            except DelegationError as error:
                self.message_user(request, f"{invitation.email}: {error.message}", messages.WARNING)
        if done:
            self.message_user(
                request, ngettext("%d invitation resent.", "%d invitations resent.", done) % done
            )

    @admin.action(description=_("Revoke"), permissions=["change"])
    def revoke(self, request, queryset):
        done = 0
        for invitation in queryset:
            try:
                services.invitation_revoke(invitation=invitation, actor=request.user)
                done += 1
            except DelegationError as error:
                self.message_user(request, f"{invitation.email}: {error.message}", messages.WARNING)
        if done:
            self.message_user(
                request, ngettext("%d invitation revoked.", "%d invitations revoked.", done) % done
            )

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="delegations_invitation_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """Upload a CSV/XLSX of (delegation code, e-mail); preview; send all or nothing."""
        if not request.user.has_perm("delegations.add_invitation"):
            return redirect("admin:delegations_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload invitations"),
        }
        form = InvitationUploadForm()
        if request.method == "POST" and "token" in request.POST:
            cells = preview_take(
                request, flow=_IMPORT_FLOW, scope=request.user.pk, token=request.POST["token"]
            )
            if cells is None:
                # A second click, another tab's preview, or a forged token: nothing is sent twice.
                self.message_user(request, _("The preview expired; upload the file again."), messages.ERROR)
            else:
                try:
                    invitations = services.invitations_import(
                        rows=invitation_rows_check(cells), actor=request.user, site_url=site_url(request)
                    )
                except DelegationError as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    n = len(invitations)
                    self.message_user(request, ngettext("%d invitation sent.", "%d invitations sent.", n) % n)
                    return redirect("admin:delegations_invitation_changelist")
        elif request.method == "POST":
            form = InvitationUploadForm(request.POST, request.FILES)
            if form.is_valid():
                preview_drop(request, flow=_IMPORT_FLOW)
                try:
                    rows = invitation_rows_parse(form.cleaned_data["file"])
                except DelegationError as error:
                    form.add_error("file", error.message)
                else:
                    context["rows"] = rows
                    context["error_count"] = sum(1 for row in rows if row.errors)
                    if not context["error_count"]:
                        context["token"] = preview_keep(
                            request,
                            flow=_IMPORT_FLOW,
                            scope=request.user.pk,
                            rows=[[row.code, row.email] for row in rows],
                        )
        context["form"] = form
        return render(request, "admin/delegations/invitation/upload.html", context)


class MemberAdminForm(DomainErrorFormMixin, forms.ModelForm):
    """The rules every writer of a member obeys (services.member_rules_check, the quota, the
    lock for review) as form errors, before the service saves."""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        member = self.instance
        names = self.changed_data if member.pk else list(cleaned)
        values = services.member_values_clean({f: cleaned[f] for f in names if f in services.MEMBER_FIELDS})
        try:
            if member.pk:
                services.member_locked_check(member=member)
                delegation = member.delegation
            else:
                delegation = cleaned["delegation"]
                services.member_quota_check(delegation=delegation)
            services.member_rules_check(delegation=delegation, member=member, values=values)
        except DelegationError as error:
            self.add_domain_error(error)
        return cleaned


@admin.register(Member)
class MemberAdmin(ServiceAdminMixin, MemberNameSearch, admin.ModelAdmin):
    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = (
        "name",
        "delegation",
        "role",
        "protocol_rank",
        "passport",
        "has_photo",
        "is_locked",
    )
    list_select_related = ("delegation",)
    list_filter = ("role", "protocol_rank", "is_locked", "delegation__kind")
    # Searched by MemberNameSearch (names folded and indexed, delegations by id), not by
    # these; they only make the admin show its search box.
    search_fields = ("family_name", "delegation__name")
    autocomplete_fields = ("delegation",)
    form = MemberAdminForm
    # is_locked: the accreditation services' (a submission locks, a return unlocks).
    readonly_fields = ("is_locked", "photo_link", "agenda_token", "created_at", "updated_at")
    exclude = ("photo",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A member does not move to another delegation: its quota, head and bookings are its own.
        return ("delegation", *fields) if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        # Under review, a member is the reviewers' (services.member_delete refuses it too).
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)

    def save_model(self, request, obj, form, change):
        """Through the services: the same rules as the portal, one audit entry with the old
        and new value of each field (passport values masked)."""
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.MEMBER_FIELDS}
            if data:
                services.member_update(member=obj, actor=request.user, data=data)
            obj.refresh_from_db()
        else:
            data = {f: v for f, v in form.cleaned_data.items() if f in services.MEMBER_FIELDS}
            delegation = form.cleaned_data["delegation"]
            _saved_as(obj, services.member_create(delegation=delegation, actor=request.user, data=data))

    def delete_model(self, request, obj):
        services.member_delete(member=obj, actor=request.user)

    @admin.display(description=_("name"), ordering="family_name")
    def name(self, member):
        return member.display_name

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or ())
        if not request.user.has_perm(VIEW_PASSPORT):
            excluded += PASSPORT_FIELDS
        return excluded

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and request.user.has_perm(VIEW_PASSPORT):
            # The number is encrypted: a whole number typed matches through its keyed hash.
            found |= queryset.filter(passport_hash=passport_hash_of(search_term))
        return found, may_have_duplicates

    @admin.display(description=_("passport"))
    def passport(self, member):
        return member.masked_passport

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, member):
        return bool(member.photo)

    @admin.display(description=_("photo"))
    def photo_link(self, member):
        if not member.pk or not member.photo:
            return "—"
        url = reverse("portal:member-photo", args=[member.pk])
        return format_html('<a href="{}"><img src="{}" alt="" class="hs-photo"></a>', url, url)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "delegation", "member", "reference", "date", "uploaded_at", "file_link")
    list_select_related = ("delegation", "member")
    list_filter = ("kind",)
    search_fields = ("delegation__name", "delegation__code", "reference")
    raw_id_fields = ("member", "uploaded_by")
    autocomplete_fields = ("delegation",)
    readonly_fields = ("file_link", "original_name", "uploaded_at")
    exclude = ("file",)

    def has_add_permission(self, request):
        # Documents arrive through the portal's upload, which checks the PDF; an admin form
        # without the file would count as a note verbale that is not there.
        return False

    @admin.display(description=_("file"))
    def file_link(self, document):
        if not document.pk:
            return "—"
        return format_html('<a href="{}">PDF</a>', reverse("portal:document-file", args=[document.pk]))
