"""Accounts in the admin: API tokens without their keys, staff passwords set with an audit entry.

No secret is readable by staff (README, Security). DRF's own token admin lists every key, and
its pages name a token by its key (the key is the token's primary key and its str()), so it
is replaced by a list of whose token exists and since when, with a "Revoke" per row. Keys
are issued on the server (`manage.py drf_create_token <username>`), never in the admin.

Staff passwords are not reset through the portal's e-mail form (delegations/portal/
passwords.py): an administrator sets them on the user's admin page, and that is audited.
"""

import rest_framework.authtoken.admin  # noqa: F401 - registers DRF's, which is replaced below
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin  # registers Django's, which is replaced below
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.tokens import api_token_revoke
from hanoi_summit.twofactor.selectors import factors_of
from hanoi_summit.twofactor.services import second_factor_reset

User = get_user_model()
RESET_PERMISSION = "hanoi_summit.reset_second_factor"
SECOND_FACTOR_APPS = {"otp_totp", "otp_static", "otp_hotp", "otp_email", "django_otp_webauthn"}


class ApiTokenAdmin(admin.ModelAdmin):
    """Who has an API token, since when; "Revoke" deletes it. Nothing here shows a key."""

    list_display = ["user", "created", "revoke_link"]
    list_display_links = None
    list_select_related = ["user"]
    search_fields = [f"user__{User.USERNAME_FIELD}"]
    ordering = [f"user__{User.USERNAME_FIELD}"]
    # The selection checkboxes would carry each row's primary key: the key itself.
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Revoke"))
    def revoke_link(self, token):
        url = reverse(f"{self.admin_site.name}:authtoken_tokenproxy_revoke", args=[token.user_id])
        return format_html('<a class="deletelink" href="{}">{}</a>', url, gettext("Revoke"))

    def get_urls(self):
        # Only the list and the revoke page: Django's change, delete and history pages link
        # and log a token by its primary key, which is the key.
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="authtoken_tokenproxy_changelist"),
            path("<int:user_id>/revoke/", view(self.revoke_view), name="authtoken_tokenproxy_revoke"),
        ]

    def revoke_view(self, request, user_id):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        token = get_object_or_404(TokenProxy.objects.select_related("user"), user_id=user_id)
        changelist = reverse(f"{self.admin_site.name}:authtoken_tokenproxy_changelist")
        if request.method == "POST":
            api_token_revoke(user=token.user, actor=request.user)
            self.message_user(
                request,
                gettext("The API token of %(user)s is revoked.") % {"user": token.user},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Revoke an API token"),
            "token_user": token.user,
            "created": token.created,
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "admin/authtoken/tokenproxy/revoke.html", context)


class AuditedUserAdmin(UserAdmin):
    """Django's user admin; setting someone's password there leaves an audit entry. Each
    account's page says which second factors it has (never their secrets), with "Reset" for
    whoever may reset another's lost factor."""

    fieldsets = (*UserAdmin.fieldsets, (_("Second factor"), {"fields": ("second_factor",)}))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "second_factor")

    @admin.display(description=_("Second factor"))
    def second_factor(self, user):
        factors = factors_of(user)
        return gettext(
            "Authenticator app: %(app)s · passkeys: %(passkeys)d · recovery codes left: %(codes)d"
        ) % {
            "app": gettext("yes") if factors.authenticator_app else gettext("no"),
            "passkeys": len(factors.passkeys),
            "codes": factors.recovery_codes_left,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "Reset second factor" among the page's tools (admin/auth/user/change_form.html).
        if request.user.has_perm(RESET_PERMISSION) and str(object_id) != str(request.user.pk):
            extra_context = {
                **(extra_context or {}),
                "second_factor_reset_url": reverse(
                    f"{self.admin_site.name}:auth_user_second_factor_reset", args=[unquote(object_id)]
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.second_factor_reset_view)
        return [
            path("<int:user_id>/second-factor/reset/", view, name="auth_user_second_factor_reset"),
            *super().get_urls(),
        ]

    def second_factor_reset_view(self, request, user_id):
        if not request.user.has_perm(RESET_PERMISSION):
            raise PermissionDenied
        user = get_object_or_404(User, pk=user_id)
        change_url = reverse(f"{self.admin_site.name}:auth_user_change", args=[user.pk])
        if request.method == "POST":
            try:
                second_factor_reset(user=user, actor=request.user)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("The second factor of %(user)s is reset: they enrol again at their next sign-in.")
                    % {"user": user},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Reset a second factor"),
            "account": user,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/auth/user/second_factor_reset.html", context)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            user = self.get_object(request, unquote(id))
            if user is None:
                raise Http404
            done = reverse(
                f"{self.admin_site.name}:{user._meta.app_label}_{user._meta.model_name}_change",
                args=[user.pk],
            )
            # Django answers a saved form with a redirect to the user's page, and anything
            # else (the form again, a conflicting submission) otherwise.
            if request.method == "POST" and response.status_code == 302 and response["Location"] == done:
                audit_record(
                    actor=request.user,
                    action="user.password_set",
                    target=user,
                    after={"usable_password": user.has_usable_password()},
                )
        return response


def register_account_admins(site):
    """Put these two in place of DRF's token admin and Django's user admin."""
    if site.is_registered(TokenProxy):
        site.unregister(TokenProxy)
    site.register(TokenProxy, ApiTokenAdmin)
    if site.is_registered(User):
        site.unregister(User)
    site.register(User, AuditedUserAdmin)
    # Second factors are seen only as the summary on each account's page: django-otp's and
    # the WebAuthn plugin's own admins would show TOTP keys and recovery codes to staff.
    for model in list(site._registry):
        if model._meta.app_label in SECOND_FACTOR_APPS:
            site.unregister(model)


register_account_admins(admin.site)
