"""POST /api/checkin/ from a scanner device, answered without DRF's request cycle.

Every gate sends a scan per person, and DRF's request cycle (its Request wrapper, content
negotiation, authentication and permission classes, serializers and renderer) costs a scan
more CPU than the scan itself. So ``answer`` serves the plain scan here, top to bottom:

    parse     the "Token <key>" header and the JSON body, checked by CheckInInput's rules
    look up   lookup.gate_account_and_scan: the account, the zone and the badge, one query
    decide    scan.judge judges the badge ...
    record    ... and logs the scan (one INSERT)
    answer    the outcome as CheckInOutput's JSON, written here

Anything else gets None, and CheckInView answers it through DRF: the gate page's session,
a missing or unknown token, an inactive account or one without the permission, input
CheckInInput refuses, an unknown zone, a reused nonce, other methods. So every refusal has
one implementation, DRF's, with the documented error shape.

What this module copies from DRF and the project's middleware, and the test in
tests/accreditation/gate/test_api.py that holds each copy to the original:

- TokenAuthentication's header parsing ("Token <key>": two parts, the keyword in any case,
  an ASCII key): test_token_headers_are_read_as_drf_reads_them.
- The view's authentication order (SessionAuthentication first): a request with a session
  cookie is left to DRF, and with it the CSRF check DRF makes for sessions only; a token
  request needs none, as the view is CSRF-exempt: test_session_user_of_the_gate_page_may_post,
  test_session_post_needs_the_csrf_token.
- CanCheckIn and an active account (the user's or a group's check_in permission, or a
  superuser): test_token_permission_comes_from_the_user_or_a_group,
  test_a_superuser_scans_with_a_token.
- JSONParser (a UTF-8 JSON body, no NaN or Infinity; hanoi_summit.core.api_input's also
  refuses deep nesting): test_json_drf_refuses_is_refused_the_same_way_with_a_token,
  tests/security/test_malformed_requests.py::test_deep_json_to_the_gate_is_refused_before_the_token_is_looked_up.
- CheckInInput's validation: test_hand_written_input_check_matches_the_documented_serializer.
- CheckInOutput and JSONRenderer's bytes (compact, UTF-8, U+2028 and U+2029 escaped):
  test_device_answer_is_written_as_drf_renders_it, test_both_paths_answer_alike.
- The headers: APIView's Vary and Allow, and the Cache-Control PortalNoStoreMiddleware
  gives /api/ answers: test_both_paths_answer_alike, which also names the two that differ
  (no Expires: Cache-Control already forbids storing; no "Vary: Cookie": the session is
  not read).
- The allowed methods: only POST is answered here; DRF answers OPTIONS and refuses the
  others: test_other_methods_are_left_to_drf.

Not copied: content negotiation (the answer is JSON whatever Accept says; a browser, which
would ask for HTML, comes with a session cookie and goes through DRF), and throttling (the
view has none). Django's per-request health check of a kept connection is replaced by the
scan's own read (``_read_account_and_scan``):
test_device_scan_on_a_dead_kept_connection_reconnects,
test_device_scan_does_not_pay_for_a_health_check.
"""

import json
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from rest_framework.exceptions import ValidationError
from rest_framework.fields import CharField, SkipField
from rest_framework.utils.json import strict_constant

from accreditation.gate.lookup import gate_account_and_scan
from accreditation.gate.scan import CheckInError, judge
from accreditation.gate.wire import MAX_SHORT_LENGTH, CheckInInput, exactly_one_of_code_or_short
from accreditation.services.gate_devices import TOKEN_PREFIX as DEVICE_TOKEN_PREFIX


def answer(request):
    """The response to a plain device scan, or None when CheckInView must answer through DRF."""
    if request.method != "POST" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        # With a session cookie DRF tries the session first, and checks CSRF for it.
        return None
    key = _token_key(request)
    if key is not None and key.startswith(DEVICE_TOKEN_PREFIX):
        return None  # a registered device's token: DRF's GateDeviceAuthentication reads it
    values = _scan_input(request) if key is not None else None
    if (
        values is None
        or "code" not in values
        or values.get("short")
        or len(values["code"]) <= MAX_SHORT_LENGTH
    ):
        # A typed short number (in "short", or in "code": far shorter than any signed code)
        # is looked up through DRF's path.
        return None
    found = _read_account_and_scan(key, values)
    if found is None:
        return None
    account, lookup = found
    if not (account.is_active and account.may_check_in) or lookup.zone_id is None:
        return None
    try:
        outcome = judge(
            lookup,
            direction=values["direction"],
            officer_id=account.user_id,
            device=values.get("device") or "",
            nonce=values.get("nonce"),
        )
    except CheckInError:
        return None  # a refused scan (a reused nonce): DRF answers the 400, as for all refusals
    return _response(outcome)


# --- Parse ---------------------------------------------------------------------------------


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
        data = json.loads(request.body.decode("utf-8"), parse_constant=strict_constant)
    except (ValueError, RequestDataTooBig, RecursionError):
        # RecursionError: a body nested about a thousand deep. DRF's parser (the project's
        # JSONParser) refuses it with a 400, once the token is checked.
        return None
    return validated_input(data)


#: CheckInInput's fields, bound once: a serializer per request deep-copies every field,
#: which costs more than validating. Fields hold no per-request state while validating.
_INPUT_FIELDS = CheckInInput().fields
#: Text fields -> (their maximum length, whether the field may be absent).
_TEXT_FIELDS = {
    name: (field.max_length, not field.required)
    for name, field in _INPUT_FIELDS.items()
    if isinstance(field, CharField)
}


def validated_input(data):
    """``CheckInInput(data=data)``'s validated data, or None when it would refuse ``data``.

    A scan as scanners send it (every field already clean) is taken as it is; anything
    else goes through CheckInInput's own fields, without a serializer's per-request copies.
    """
    clean = _clean_scan(data)
    if clean is not None:
        return clean
    if not isinstance(data, Mapping):
        return None
    values = {}
    for name, field in _INPUT_FIELDS.items():
        try:
            values[name] = field.run_validation(field.get_value(data))
        except SkipField:
            pass
        except (ValidationError, DjangoValidationError):
            return None
    return values if exactly_one_of_code_or_short(values) else None


def _clean_text(value, max_length):
    # Text the CharField would return unchanged: ASCII (so no surrogates), no NUL, nothing to
    # trim, within the limit. Blank is left to the full check (which field allows it varies).
    return (
        type(value) is str
        and 0 < len(value) <= max_length
        and value.isascii()
        and "\x00" not in value
        and value == value.strip()
    )


def _clean_scan(data):
    """The validated data of a scan whose every field is already clean, as scanners send
    it; None when anything needs CheckInInput's full check (which then decides)."""
    if type(data) is not dict or data.get("direction") not in ("in", "out"):
        return None
    values = {"direction": data["direction"]}
    for name, (max_length, optional) in _TEXT_FIELDS.items():
        value = data.get(name)
        if optional and value is None:
            if name in data:
                values[name] = None
            continue
        if not _clean_text(value, max_length):
            return None
        values[name] = value
    if "device" in values and values["device"] is None:
        return None  # DRF refuses a null device: let the full check say so
    if not exactly_one_of_code_or_short(values):
        return None  # the full check says which is missing (or that both came)
    return values


# --- Look up -------------------------------------------------------------------------------


def _read_account_and_scan(key, values):
    """lookup.gate_account_and_scan, with the read itself as the connection's health check.

    Django checks a kept connection with a SELECT 1 before a request's first query, a round
    trip that is a large part of a scan's time. This read changes nothing, so it can be the
    check: if the kept connection has died (database restarted, idle timeout), it is closed
    and the read runs once more on a new one. Inside a caller's transaction (tests) there is
    no reconnecting, and Django's own check stays in place.
    """
    if connection.in_atomic_block:
        return gate_account_and_scan(key, values["code"], values["zone"])
    connection.health_check_done = True
    try:
        return gate_account_and_scan(key, values["code"], values["zone"])
    except (InterfaceError, OperationalError):
        connection.close()
        return gate_account_and_scan(key, values["code"], values["zone"])


# --- Answer --------------------------------------------------------------------------------

#: What DRF adds to an APIView's answer, and the no-store that PortalNoStoreMiddleware gives
#: every /api/ answer (written here once instead of parsed and patched per scan).
_HEADERS = {
    "Vary": "Accept",
    "Allow": "POST, OPTIONS",
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
}


def _response(outcome):
    """CheckInOutput's JSON of ``outcome``, as DRF's JSONRenderer writes it with the
    project's settings (UTF-8, compact, no NaN, U+2028/9 escaped). Built by hand: a
    serializer instance per scan (deep copies of its fields) costs much of a scan's CPU."""
    badge = outcome.badge
    data = {
        "result": outcome.result,
        "reason": outcome.reason,
        "reason_label": outcome.reason_label,
        "message": outcome.explanation,
        "zone": outcome.zone,
        "direction": outcome.direction,
        "scan_id": outcome.scan_id,
        "replayed": outcome.replayed,
        "warning": outcome.warning,
        "badge": None
        if badge is None
        else {
            "number": badge.number,
            "version": badge.version,
            "name": badge.name,
            "function": badge.function,
            "delegation": badge.delegation,
            "category": {
                "code": badge.category_code,
                "name": badge.category_name,
                "colour": badge.category_colour,
                "text_colour": badge.category_text_colour,
            },
            "zones": list(badge.zones),
            "photo_url": badge.photo_url,
        },
    }
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), content_type="application/json", headers=_HEADERS)
