"""The gate of a half-signed-in session: an account that owes its second factor reaches the
second-factor pages (to give it, or to enrol one) and nothing else. The admin's login and the
portal's lead here alike, as any page does.

Device tokens (the gate scanners' API calls) carry no session cookie and pass untouched: the
second factor guards people's sign-ins, not a scanner's token issued on the server.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

from hanoi_summit.core.http import api_error_response, is_api_request
from hanoi_summit.twofactor import policy, services

#: What a half-signed-in session may still reach: the second-factor pages (the passkey
#: ceremonies' endpoints are under them), signing out, the language switch, static files.
OPEN_PATHS = ("/account/two-factor/", "/portal/logout/", "/admin/logout/", "/i18n/", "/healthz/")


@receiver(user_logged_in)
def second_factor_due_at_login(sender, request, user, **kwargs):
    """Whether this sign-in still owes its second step, decided once, at the password."""
    if getattr(request, "session", None) is not None:
        services.mark_due(request, user)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = (*OPEN_PATHS, settings.STATIC_URL)

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        due = request.session.get(services.DUE)
        if due is False:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if due is None:  # a session opened before second factors existed
            due = services.mark_due(request, user)
        if not due:
            return self.get_response(request)
        if user.is_verified():
            request.session[services.DUE] = False
            return self.get_response(request)
        if request.path.startswith(self.open_paths):
            return self.get_response(request)
        if is_api_request(request):
            return api_error_response(
                403, "second_factor_required", _("Give your second factor to finish signing in.")
            )
        step = "two_factor:verify" if policy.has_second_factor(user) else "two_factor:index"
        return redirect_to_login(request.get_full_path(), step)
