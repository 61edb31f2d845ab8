"""POST /api/checkin/ from a scanner device, answered without DRF's request cycle.

Every gate sends a scan per person, so the common case is served here with one SELECT
(token, permission, zone and badge: gate_token.gate_account_and_scan) and the scan's
INSERT. DRF's Request wrapper, content negotiation, authentication and permission classes
and renderer cost a scan more CPU than the scan itself (measured in bench/checkin.py).

Only the plain case is answered here: POST, a "Token <key>" header and no session cookie,
a UTF-8 JSON body that passes CheckInInput's checks, a known token of an active account
with the check_in permission, and a known zone. Anything else (the gate page's session
and its CSRF check, a bad token, malformed input, an unknown zone, other methods) gets None
and CheckInView answers it through DRF, so every refusal keeps one implementation and the
documented error shape. The answer's body is byte for byte what DRF's JSONRenderer writes.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from rest_framework.exceptions import APIException
from rest_framework.utils.json import strict_constant

from accreditation.gate.lookup import gate_account_and_scan
from accreditation.gate.scan import CheckInError
from accreditation.gate.wire import checkin_input, outcome_data, scan_of_input

#: What DRF adds to an APIView's answer, and the no-store that PortalNoStoreMiddleware gives
#: every /api/ answer (written here once instead of parsed and patched per scan).
_HEADERS = {
    "Vary": "Accept",
    "Allow": "POST, OPTIONS",
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
}


def _token_key(request):
    """The key of a "Token <key>" Authorization header, as DRF's TokenAuthentication reads it."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "token" or not parts[1].isascii():
        return None
    return parts[1]


def _scan_input(request):
    """The validated scan of a UTF-8 JSON body, or None (DRF then answers the 400)."""
    if request.content_type != "application/json" or (request.encoding or "utf-8").lower() != "utf-8":
        return None
    try:
        # As DRF's JSONParser reads it: no NaN or Infinity.
        return checkin_input(json.loads(request.body.decode("utf-8"), parse_constant=strict_constant))
    except (ValueError, APIException, RequestDataTooBig):
        return None


def _json_response(data):
    # DRF's JSONRenderer with the project's settings: UTF-8, compact, no NaN, U+2028/9 escaped.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), content_type="application/json", headers=_HEADERS)


def _read_account_and_scan(key, values):
    """gate_account_and_scan, with the read itself as the connection's health check.

    Django checks a kept connection with a SELECT 1 before a request's first query; on a
    2-core gate server that round trip was a quarter of a scan's time. This read changes
    nothing, so it can be the check: if the kept connection has died (database restarted,
    idle timeout), it is closed and the read runs once more on a new one. Inside a caller's
    transaction (tests) there is no reconnecting, and Django's own check stays in place.
    """
    if connection.in_atomic_block:
        return gate_account_and_scan(key, values["code"], values["zone"])
    connection.health_check_done = True
    try:
        return gate_account_and_scan(key, values["code"], values["zone"])
    except (InterfaceError, OperationalError):
        connection.close()
        return gate_account_and_scan(key, values["code"], values["zone"])


def answer(request):
    """The response to a plain device scan, or None when CheckInView must answer through DRF."""
    if request.method != "POST" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        # With a session cookie DRF tries the session first, and checks CSRF for it.
        return None
    key = _token_key(request)
    values = _scan_input(request) if key is not None else None
    if values is None:
        return None
    found = _read_account_and_scan(key, values)
    if found is None:
        return None
    account, lookup = found
    if not (account.is_active and account.may_check_in) or lookup.zone_id is None:
        return None
    try:
        outcome = scan_of_input(values, officer_id=account.user_id, lookup=lookup)
    except CheckInError:
        return None  # a refused scan (a reused nonce): DRF answers the 400, as for all refusals
    return _json_response(outcome_data(outcome))
