"""Gate API for scanner devices and the gate page: check-in, the public key, revoked badges."""

import base64
import functools

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import TokenScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation.badges import codes, keys
from accreditation.gate import device
from accreditation.gate.bundle import bundle_etag, gate_bundle, gate_version
from accreditation.gate.device_auth import DeviceSignals, GateDeviceAuthentication
from accreditation.gate.http import bundle_response, device_zone_codes, gate_device_of
from accreditation.gate.lookup import gate_account
from accreditation.gate.offline import OfflineScan, offline_scans_store
from accreditation.gate.scan import CheckInError, badge_scan
from accreditation.gate.search import MIN_QUERY, gate_search
from accreditation.gate.undo import scan_undo_last
from accreditation.gate.wire import BatchInput, BatchOutput, CheckInInput, CheckInOutput, batch_input
from accreditation.models import Badge
from accreditation.permissions import CHECK_IN, UNDO_SCAN
from accreditation.services.gate_devices import gate_device_rotate, gate_device_seen
from hanoi_summit.core.api import ErrorOutput


class GateTokenAuthentication(TokenAuthentication):
    """DRF's token authentication that also answers "may this account check in?".

    The token, its user and the check_in permission come in one query (lookup.gate_account)
    instead of DRF's three; CanCheckIn reads the answer from ``user.may_check_in``.
    """

    def authenticate_credentials(self, key):
        account = gate_account(key)
        if account is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not account.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return account.user_and_token()


class GateTokenScheme(TokenScheme):
    """The OpenAPI security scheme of GateTokenAuthentication: the same "Token <key>" header."""

    target_class = GateTokenAuthentication
    name = "gateTokenAuth"
    priority = 1


class GateDeviceTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of GateDeviceAuthentication: "Token gd_<...>"."""

    target_class = GateDeviceAuthentication
    name = "gateDeviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A registered gate device\'s token: "Token gd_<...>".',
        }


class CanCheckIn(permissions.BasePermission):
    """Gate accounts and protocol officers: the `accreditation.check_in` permission."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        known = getattr(user, "may_check_in", None)
        return known if known is not None else user.has_perm(CHECK_IN)


ERROR_SCHEMA = ErrorOutput

#: Who may call the gate's endpoints: the gate page's session, a registered device's token,
#: a person's API token. The device's comes before people's: both use "Token <key>".
GATE_AUTHENTICATION = [SessionAuthentication, GateDeviceAuthentication, GateTokenAuthentication]


def check_device_zone(request, zone_code):
    """A registered device scans at its own zones only (403 zone_not_allowed)."""
    zones = device_zone_codes(request)
    if zones is not None and zone_code not in zones:
        raise exceptions.PermissionDenied(
            _("This device is not registered for this zone."), code="zone_not_allowed"
        )


class CheckInView(DeviceSignals, APIView):
    """The documented check-in endpoint. A device's plain scan is answered by device.answer
    before DRF's request cycle starts; this view answers the rest (the gate page's session,
    refusals, malformed input) with its own serializers, and describes both in OpenAPI."""

    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanCheckIn]

    @classmethod
    def as_view(cls, **initkwargs):
        drf_view = super().as_view(**initkwargs)

        # wraps() copies the attributes the schema generator and CSRF middleware read
        # (cls, initkwargs, csrf_exempt: a token request has no CSRF token; DRF checks it
        # for sessions).
        @functools.wraps(drf_view)
        def view(request, *args, **kwargs):
            response = device.answer(request)
            return response if response is not None else drf_view(request, *args, **kwargs)

        return view

    @extend_schema(
        operation_id="checkin_scan",
        summary="Scan a badge at a zone's gate",
        description=(
            "Verifies the code's Ed25519 signature, then revocation, collection, validity "
            "dates and zone, and logs the scan. A denied badge is still a 200: `result` says "
            "`denied` and `reason` why. Malformed input is a 400 with a `code` "
            "(`invalid`, `parse_error`, `unknown_zone`, `bad_direction`, `nonce_reused`, "
            "`bad_check_character`, `bad_short_number`). Instead of `code`, `short` is the "
            "number typed from the badge (e.g. 101333-K)."
        ),
        request=CheckInInput,
        responses={200: CheckInOutput, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "Scan at the plenary hall",
                value={"code": "HS1:AEAAD...", "zone": "PLN", "direction": "in", "nonce": "gate3-000184"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        scan = CheckInInput(data=request.data)
        scan.is_valid(raise_exception=True)
        values = scan.validated_data
        check_device_zone(request, values["zone"])
        device = gate_device_of(request)
        outcome = badge_scan(
            code=values.get("code"),
            short=values.get("short"),
            zone_code=values["zone"],
            direction=values["direction"],
            device=device.name if device else values.get("device") or "",
            nonce=values.get("nonce"),
            actor=request.user,
        )
        return Response(CheckInOutput(outcome).data)


class PublicKeyView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="badges_public_key",
        summary="The public key that verifies badge codes offline",
        description="Ed25519 public key as PEM and as 32 raw bytes in base64; the code format "
        "is documented in accreditation/badges/codes.py.",
        responses={
            200: inline_serializer(
                "BadgePublicKey",
                fields={
                    "algorithm": serializers.CharField(),
                    "format_version": serializers.IntegerField(),
                    "prefix": serializers.CharField(),
                    "epoch": serializers.DateField(),
                    "public_key_pem": serializers.CharField(),
                    "public_key_raw_base64": serializers.CharField(),
                },
            )
        },
    )
    def get(self, request):
        return Response(
            {
                "algorithm": "Ed25519",
                "format_version": codes.FORMAT_VERSION,
                "prefix": codes.PREFIX,
                "epoch": codes.EPOCH.isoformat(),
                "public_key_pem": keys.public_key_pem(),
                "public_key_raw_base64": base64.b64encode(keys.public_key_raw()).decode(),
            }
        )


class CheckInBatchView(DeviceSignals, APIView):
    """Scans a device decided offline, sent when it is back online; see gate/offline.py."""

    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="checkin_batch",
        summary="Send the scans a device decided offline",
        description=(
            "Each scan is stored once (a nonce the server has is skipped) with the device's "
            "time, result and reason, marked offline. At most 500 per request. A malformed "
            "item refuses the whole batch: 400 with a `code` (`invalid`, `unknown_zone`, "
            "`bad_verdict`, `bad_check_character`, `batch_too_large`), nothing stored."
        ),
        request=BatchInput,
        responses={200: BatchOutput, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA},
    )
    def post(self, request):
        values = batch_input(request.data)
        for item in values["scans"]:
            check_device_zone(request, item["zone"])
        device = gate_device_of(request)
        outcome = offline_scans_store(
            [OfflineScan(**item) for item in values["scans"]],
            officer_id=request.user.pk,
            device=device.name if device else values.get("device", ""),
        )
        if device is not None and "waiting" in values:
            gate_device_seen(device, waiting=values["waiting"])
        return Response(BatchOutput(outcome).data)


class IsGateDevice(permissions.BasePermission):
    def has_permission(self, request, view):
        return gate_device_of(request) is not None


class GateDeviceRotateView(APIView):
    """A registered device replaces its own token, no one signing in again."""

    authentication_classes = [GateDeviceAuthentication]
    permission_classes = [IsGateDevice]

    @extend_schema(
        operation_id="gate_device_rotate",
        summary="A gate device replaces its own token",
        description=(
            "Answers the device's new token, once (only its hash is kept). The token the "
            "device asked with stays valid until the new one is first used, so a lost answer "
            "can be asked again."
        ),
        request=None,
        responses={
            200: inline_serializer(
                "GateDeviceToken", fields={"name": serializers.CharField(), "token": serializers.CharField()}
            ),
            401: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
        },
    )
    def post(self, request):
        device = gate_device_of(request)
        return Response({"name": device.name, "token": gate_device_rotate(device=device)})


class CanUndoScan(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(UNDO_SCAN))


class UndoInput(serializers.Serializer):
    zone = serializers.CharField(max_length=8)
    device = serializers.CharField(max_length=60, required=False, allow_blank=True)


class CheckInUndoView(DeviceSignals, APIView):
    """An officer undoes the last scan of a gate (see gate/undo.py)."""

    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanUndoScan]

    @extend_schema(
        operation_id="checkin_undo",
        summary="Undo the last scan of a gate",
        description=(
            "Marks undone the last scan today at this zone by this device (its `device` name) "
            "or, without one, by this officer: it no longer counts for occupancy nor for "
            "already_inside. Needs `accreditation.undo_scan`; audited. 400 `nothing_to_undo`."
        ),
        request=UndoInput,
        responses={
            200: inline_serializer(
                "UndoneScan",
                fields={
                    "scan_id": serializers.IntegerField(),
                    "zone": serializers.CharField(),
                    "direction": serializers.CharField(),
                    "result": serializers.CharField(),
                    "reason": serializers.CharField(),
                    "badge_number": serializers.IntegerField(allow_null=True),
                },
            ),
            400: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
        },
    )
    def post(self, request):
        asked = UndoInput(data=request.data)
        asked.is_valid(raise_exception=True)
        scan = scan_undo_last(
            zone_code=asked.validated_data["zone"],
            device=asked.validated_data.get("device", ""),
            actor=request.user,
        )
        return Response(
            {
                "scan_id": scan.pk,
                "zone": asked.validated_data["zone"],
                "direction": scan.direction,
                "result": scan.result,
                "reason": scan.reason,
                "badge_number": scan.badge.number if scan.badge_id else None,
            }
        )


class GateSearchView(DeviceSignals, APIView):
    """A person whose badge will not scan, found by name (gate/search.py)."""

    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="gate_search",
        summary="Find a person at the gate by name",
        description=(
            "Up to 10 people whose names contain `q` (at least 2 characters; 400 "
            "`query_too_short`), with the newest badge's number and short number, the "
            "accreditation status and the photo's address. Each hit is audited."
        ),
        parameters=[OpenApiParameter("q", str, required=True, description="Part of a name.")],
        responses={
            200: inline_serializer(
                "GateSearch",
                fields={
                    "results": inline_serializer(
                        "GateSearchHit",
                        fields={
                            "number": serializers.IntegerField(),
                            "short": serializers.CharField(),
                            "name": serializers.CharField(),
                            "delegation": serializers.CharField(),
                            "category_code": serializers.CharField(),
                            "status": serializers.CharField(),
                            "photo_url": serializers.CharField(allow_null=True),
                        },
                        many=True,
                    )
                },
            ),
            400: ERROR_SCHEMA,
            403: ERROR_SCHEMA,
        },
    )
    def get(self, request):
        text = " ".join(request.query_params.get("q", "").split())[:100]
        if len(text) < MIN_QUERY:
            raise CheckInError(_("Type at least two letters of the name."), code="query_too_short", field="q")
        device = gate_device_of(request)
        results = gate_search(
            text, actor=None if device else request.user, device=device.name if device else ""
        )
        return Response({"results": results})


def _since(request):
    """The ``since`` query parameter: a version (an integer), None when absent; 400 otherwise."""
    value = request.query_params.get("since")
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise CheckInError(_("A bundle version (a whole number)."), code="bad_since", field="since") from None


class GateBundleView(DeviceSignals, APIView):
    """What a gate device needs to decide offline; see accreditation/gate/bundle.py."""

    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="gate_bundle",
        summary="The gate bundle: keys, zones and badges, for deciding offline",
        description=(
            "Answers the whole bundle (`full`: true) or, with `since` (a version the device "
            "holds), only the badges changed after it. Sends an ETag and answers 304 to an "
            "If-None-Match that names the current version. Compressed with gzip when the "
            "device accepts it. Format: docs/gate-api.md."
        ),
        parameters=[
            OpenApiParameter("since", int, required=False, description="The version the device holds.")
        ],
        responses={200: OpenApiTypes.OBJECT, 304: None, 400: ERROR_SCHEMA, 403: ERROR_SCHEMA},
    )
    def get(self, request):
        since = _since(request)
        etag = bundle_etag(gate_version())
        if etag in request.headers.get("If-None-Match", ""):
            return HttpResponseNotModified(headers={"ETag": etag})
        found = gate_bundle(since=since, zone_codes=device_zone_codes(request))
        return bundle_response(request, found)


class RevokedListView(DeviceSignals, APIView):
    authentication_classes = GATE_AUTHENTICATION
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="badges_revoked",
        summary="Revoked badge versions, for offline scanners",
        description="Every (number, version) that is revoked, replaced by a newer print, or "
        "whose accreditation was revoked or refused. Not paginated: scanners load it whole. "
        "With `since` (the `version` of an earlier answer) only those void since then.",
        parameters=[
            OpenApiParameter("since", int, required=False, description="The version the scanner holds.")
        ],
        responses={
            200: inline_serializer(
                "RevokedBadges",
                fields={
                    "generated_at": serializers.DateTimeField(),
                    "version": serializers.IntegerField(),
                    "full": serializers.BooleanField(),
                    "count": serializers.IntegerField(),
                    "badges": inline_serializer(
                        "RevokedBadge",
                        fields={"number": serializers.IntegerField(), "version": serializers.IntegerField()},
                        many=True,
                    ),
                },
            ),
            403: ERROR_SCHEMA,
        },
    )
    def get(self, request):
        since = _since(request)
        # Read before the list, as the bundle does: a change in between comes again next time.
        version = gate_version()
        full = since is None or since < 0 or since > version
        void = Badge.objects.void()
        if not full:
            # A badge becomes void by a change that stamps it (its revocation, its
            # accreditation's move) or by a newer print, which is stamped itself.
            newer = Badge.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
            void = void.filter(Q(gate_version__gt=since) | Exists(newer.filter(gate_version__gt=since)))
        void = void.order_by("number", "version").values_list("number", "version")
        rows = [{"number": number, "version": version} for number, version in void]
        return Response(
            {
                "generated_at": timezone.now(),
                "version": version,
                "full": full,
                "count": len(rows),
                "badges": rows,
            }
        )
