"""Passkeys and security keys (django-otp-webauthn), as a second factor only.

The relying party is the site's own host: WEBAUTHN_RP_ID, or the request's host (which
ALLOWED_HOSTS has vetted). Browsers accept a domain name there, http://localhost included,
but never an IP address. The plugin's views are wrapped so that a passkey completes a
sign-in as a code does: the lock-out sees its failures and forgets them on success.
"""

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper

from hanoi_summit.core.lockout import second_factor_allowed, second_factor_failed
from hanoi_summit.twofactor import services


def relying_party_id(request):
    """WEBAUTHN_RP_ID, or the request's host without its port."""
    if settings.WEBAUTHN_RP_ID:
        return settings.WEBAUTHN_RP_ID
    host = request.get_host()
    return host if host.endswith("]") else host.rsplit(":", 1)[0]


class RelyingPartyHelper(WebAuthnHelper):
    def get_allowed_origins(self):
        return settings.WEBAUTHN_ORIGINS or [f"{self.request.scheme}://{self.request.get_host()}"]


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("Too many failed attempts: this account is locked for now.")
    default_code = "locked_out"


class SecondStepMixin:
    """Only a signed-in account, within its lock-out."""

    def initial(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not second_factor_allowed(request, request.user):
            raise LockedOut()
        super().initial(request, *args, **kwargs)


class BeginAuthentication(SecondStepMixin, views.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(SecondStepMixin, views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        services.passkey_verified(self.request)

    def handle_exception(self, exc):
        # A passkey that does not verify is a wrong second factor, like a wrong code.
        user = getattr(self.request, "user", None)
        if (
            isinstance(exc, exceptions.OTPWebAuthnApiError)
            and not isinstance(exc, LockedOut | exceptions.NotAuthenticated)
            and user is not None
            and user.is_authenticated
        ):
            second_factor_failed(self.request, user)
        return super().handle_exception(exc)


class BeginRegistration(SecondStepMixin, views.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(SecondStepMixin, views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        # The first factor of an account enrolling at sign-in completes that sign-in.
        services.passkey_verified(self.request)
        return response


#: The plugin's URL names, which its template tags reverse, served by the views above.
app_name = "otp_webauthn"
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
