"""HTTP details the gate's API views share: the bundle's compressed answer, the device asking."""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string


def bundle_response(request, bundle):
    """The bundle's JSON with its ETag, gzip-compressed when the device accepts it (the
    bundle is mostly repeated keys and category names: it shrinks several times)."""
    body = bundle.body
    response = HttpResponse(content_type="application/json")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = compress_string(body)
        response["Content-Encoding"] = "gzip"
    response.content = body
    response["ETag"] = bundle.etag
    response["X-Gate-Version"] = str(bundle.version)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def gate_device_of(request):
    """The registered GateDevice making this request, or None (a person's session or token)."""
    return getattr(request.user, "gate_device", None)


def device_zone_codes(request):
    """The zone codes a registered device serves; None for a person (every zone)."""
    device = gate_device_of(request)
    return None if device is None else device.zone_codes
