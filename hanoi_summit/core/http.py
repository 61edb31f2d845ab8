"""HTTP helpers every app shares: private file responses, the site's own address, no-store."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def private_file_response(file, *, filename, content_type, as_attachment=False):
    """Serve a stored file (a photo, a PDF) that only a permission check lets through.

    The caller has checked who may see it; no cache may keep a copy.
    """
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=as_attachment, filename=filename
    )
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
