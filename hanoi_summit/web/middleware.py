import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from hanoi_summit.roles import has_staff_role


class StaffOnlyAdminMiddleware:
    """Focal points, security and gate accounts are not staff and never reach /admin/: send
    focal points to their portal, security and gate officers to their own page.

    Django's admin already refuses non-staff users; this makes the refusal a redirect to
    where they work rather than the admin's own login form, which would confuse a diplomat.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/admin/")
            and user is not None
            and user.is_authenticated
            and not user.is_staff
        ):
            return HttpResponseRedirect(reverse("home" if has_staff_role(user) else "portal:home"))
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Tell browsers which powerful features our pages may use: none, except the camera on
    the gate page (its QR reader), and there only for our own origin."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.default = _permissions_policy(camera="()")
        self.with_camera = _permissions_policy(camera="(self)")
        self.camera_paths = frozenset(settings.PERMISSIONS_POLICY_CAMERA_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy",
            self.with_camera if request.path in self.camera_paths else self.default,
        )
        return response


def _permissions_policy(*, camera):
    features = {
        "camera": camera,
        "microphone": "()",
        "geolocation": "()",
        "payment": "()",
        "usb": "()",
        "serial": "()",
        "bluetooth": "()",
    }
    return ", ".join(f"{name}={allow}" for name, allow in features.items())


class PageContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, for documents only (HTML and SVG): a JSON answer or a badge
    PDF is not a page, and a policy on a PDF can stop the browser's own viewer."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(("text/html", "image/svg+xml")):
            return response
        return super().process_response(request, response)


#: Session keys: when the user logged in, when they were last seen, and whether they are staff
#: (read from the session, so an anonymous or token request loads no user for this check).
LOGIN_AT = "hs_login_at"
SEEN_AT = "hs_seen_at"
STAFF = "hs_staff"
#: Last-seen is written at most this often: a write per request would cost a query each.
SEEN_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def stamp_login(sender, request, user, **kwargs):
    """Record the login's time; a staff session also expires, at the latest, with its cap.

    Staff here is any role's account, is_staff or not: a gate account is not staff (it has no
    admin) but its computer is shared all the same."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[LOGIN_AT] = session[SEEN_AT] = now
    session[STAFF] = staff = has_staff_role(user)
    if staff:
        session.set_expiry(settings.STAFF_SESSION_MAX_AGE_HOURS * 3600)


class StaffSessionTimeoutMiddleware:
    """Staff sessions end STAFF_SESSION_MAX_AGE_HOURS after the login and after
    STAFF_SESSION_IDLE_MINUTES without a request: a staff account can revoke badges and read
    passports, and gate and desk computers are shared. Focal points keep Django's
    SESSION_COOKIE_AGE (14 days): they work from their own offices over weeks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session to age: a device's token request
        # neither loads one nor gets "Vary: Cookie" for having looked.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        session = request.session
        login_at = session.get(LOGIN_AT)
        if login_at is None:
            user = request.user
            if user.is_authenticated:  # a session opened before this middleware existed
                stamp_login(None, request, user)
            return self.get_response(request)
        if session.get(STAFF):
            now = int(time.time())
            too_old = now - login_at > settings.STAFF_SESSION_MAX_AGE_HOURS * 3600
            idle = now - session.get(SEEN_AT, login_at) > settings.STAFF_SESSION_IDLE_MINUTES * 60
            if too_old or idle:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as for anyone signed out
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if now - session.get(SEEN_AT, login_at) >= SEEN_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
