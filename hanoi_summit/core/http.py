"""HTTP helpers every app shares: private file responses, the site's own address, no-store,
and JSON errors for the API."""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
#: Seconds a client is asked to wait (Retry-After) while the database cannot be reached.
DATABASE_RETRY_AFTER_SECONDS = 5

#: An uploaded file opened from our origin runs nothing: no script, no form, no plug-in, as
#: if from an origin of its own. Photos in <img> are unaffected (the policy applies to
#: documents opened at the file's address).
PRIVATE_FILE_POLICY = "sandbox"


def private_file_response(file, *, content_type, filename=None, as_attachment=True, cache_control=None):
    """Serve a stored file (a photo, a PDF) that only a permission check lets through; every
    private file is served here, so its headers are set in one place.

    The caller has checked who may see it. Documents are downloaded (`as_attachment`, named
    `filename`); photos shown in an <img> stay inline (without `filename`: plain "inline",
    never the stored name). Every one gets `Content-Security-Policy: sandbox` and
    `X-Content-Type-Options: nosniff`, so a file that is HTML or script in disguise is never
    run as a page of the site. No cache may keep a copy: `cache_control` is the exact header
    to send, else Django's never-cache headers.
    """
    if as_attachment and not filename:
        raise ValueError("an attachment needs the name it is saved as")
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=as_attachment, filename=filename or ""
    )
    if not filename:
        response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = PRIVATE_FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    if cache_control:
        response["Cache-Control"] = cache_control
    else:
        add_never_cache_headers(response)
    return response


def site_url(request):
    """The scheme and host the caller used, for links in e-mails."""
    return request.build_absolute_uri(reverse("home")).rstrip("/")


class PortalNoStoreMiddleware:
    """Pages of the portal and answers of the API carry personal data: no cache may keep them."""

    PREFIXES = ("/portal/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A response that already forbids storing (the gate scan's) is left as it is.
        if request.path.startswith(self.PREFIXES) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


def is_api_request(request):
    return request.path.startswith(API_PREFIX)


def api_error_response(status, code, detail):
    """An API error in the API's one shape ({"code", "detail"}), never stored by a cache."""
    response = JsonResponse({"code": code, "detail": detail}, status=status)
    add_never_cache_headers(response)
    return response


def api_exception_response(exc):
    """The JSON answer to an exception no view handled.

    The database unreachable (a restart, a failover, a full connection pool) is a 503 with
    Retry-After and the code "database_unavailable": the gate app reads it as "try again
    or decide locally". Anything else is a plain 500, in JSON as well.
    """
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = api_error_response(
            503, "database_unavailable", _("The database cannot be reached. Try again shortly.")
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return api_error_response(500, "server_error", _("Server error."))


class ApiErrorMiddleware:
    """Every error a view under /api/ raises is answered in JSON, DEBUG or not.

    Last in MIDDLEWARE, so its process_exception sees a view's exception first. Errors
    raised outside a view (another middleware) reach handler500, which answers /api/ the
    same way (hanoi_summit.web.views.server_error).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    #: Exceptions Django answers with a 4xx through handler400/403/404 (JSON under /api/).
    CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)

    def process_exception(self, request, exception):
        if not is_api_request(request) or isinstance(exception, self.CLIENT_ERRORS):
            return None
        response = api_exception_response(exception)
        if response.status_code >= 500:
            # Django logs only the exceptions it answers itself.
            logger.error(
                "%s: %s",
                "Database unavailable" if response.status_code == 503 else "Internal Server Error",
                request.path,
                exc_info=exception,
                extra={"status_code": response.status_code, "request": request},
            )
        return response
