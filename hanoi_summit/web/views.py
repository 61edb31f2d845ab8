import sys

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hanoi_summit.core.http import api_error_response, api_exception_response, is_api_request
from hanoi_summit.secretariat.dashboard.views import DASHBOARD_PERMISSIONS
from hanoi_summit.web import health

#: Where each kind of staff starts its day, first match wins: the page its work begins on.
STAFF_LANDING = (
    (DASHBOARD_PERMISSIONS, "dashboard:index"),
    (("accreditation.review_accreditation",), "review:queue"),
    (("accreditation.vet_accreditation",), "review:vetting-queue"),
    (("accreditation.print_badge",), "protocol:home"),
    (("accreditation.check_in",), "protocol:checkin"),
)


def home(request):
    """Everyone's landing page after login: staff by role (whether or not the admin is theirs:
    security and gate accounts are not staff), other staff the admin, focal points their
    portal, everyone else the public programme."""
    user = request.user
    if not user.is_authenticated:
        return redirect("programme:index")
    for permissions, url_name in STAFF_LANDING:
        if user.has_perms(permissions):
            return redirect(url_name)
    if user.is_staff:
        return redirect("admin:index")
    return redirect("portal:home")


# A cached "ok" would hide an outage from the load balancer.
@never_cache
@require_safe
def healthz(request):
    """200 with the status of each dependency; 503 when the database cannot be reached."""
    report = health.check_all()
    return JsonResponse(report, status=200 if report["database"]["ok"] else 503)


def _routes(patterns, prefix="/"):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


@require_safe
def api_index(request):
    """The API's endpoints: each URL path (Django's syntax: `<int:pk>`) with its name; the
    schema at /api/schema/ describes them."""
    endpoints = {
        path: pattern.name
        for path, pattern in _routes(get_resolver().url_patterns)
        if path.startswith("/api/") or ("/api/" in path and hasattr(pattern.callback, "cls"))
    }
    return JsonResponse(
        {"endpoints": [{"path": path, "name": name} for path, name in sorted(endpoints.items())]}
    )


# The error handlers (handler400/403/404/500 in hanoi_summit/urls.py): JSON under /api/, where
# scanners and scripts read the answer, Django's pages elsewhere.


def bad_request(request, exception):
    if is_api_request(request):
        return api_error_response(400, "bad_request", _("Bad request."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api_request(request):
        return api_error_response(403, "permission_denied", _("You do not have permission to do this."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api_request(request):
        return api_error_response(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        # Called while Django handles the exception: a database outage is still a 503.
        return api_exception_response(sys.exc_info()[1])
    return defaults.server_error(request)
