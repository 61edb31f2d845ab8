"""HTTP helpers every app shares: private file responses, the site's own address, no-store."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

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
