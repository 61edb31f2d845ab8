"""Gate API for scanner devices and the gate page: check-in, the public key, revoked badges."""

import base64

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import codes, keys
from .checkin import badge_scan
from .models import AccreditationStatus, Badge, Direction, ScanReason, ScanResult

#: Longer than any genuine code; anything longer is refused before it is logged.
MAX_CODE_FIELD = 1000


class CanCheckIn(permissions.BasePermission):
    """Gate accounts and protocol officers: the `accreditation.check_in` permission."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("accreditation.check_in"))


class CheckInInput(serializers.Serializer):
    code = serializers.CharField(max_length=MAX_CODE_FIELD, help_text="The scanned QR text.")
    zone = serializers.CharField(max_length=8, help_text="Code of the zone this gate opens, e.g. PLN.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    nonce = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Sent again when a device retries: the scan is logged once.",
    )
    device = serializers.CharField(max_length=60, required=False, allow_blank=True)


class CategoryOutput(serializers.Serializer):
    code = serializers.CharField(source="category_code")
    name = serializers.CharField(source="category_name")
    colour = serializers.CharField(source="category_colour")
    text_colour = serializers.CharField(source="category_text_colour")


class BadgeOutput(serializers.Serializer):
    number = serializers.IntegerField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    function = serializers.CharField()
    delegation = serializers.CharField()
    category = CategoryOutput(source="*")
    zones = serializers.ListField(child=serializers.CharField())
    photo_url = serializers.CharField(help_text="Staff-only photo; empty when there is none.")


class CheckInOutput(serializers.Serializer):
    result = serializers.ChoiceField(choices=ScanResult.choices)
    reason = serializers.ChoiceField(choices=ScanReason.choices)
    reason_label = serializers.CharField()
    message = serializers.CharField(source="explanation", help_text="What to tell the officer.")
    zone = serializers.CharField()
    direction = serializers.CharField()
    scan_id = serializers.IntegerField()
    replayed = serializers.BooleanField()
    badge = BadgeOutput(allow_null=True, help_text="Present when the badge is genuine.")


ERROR_SCHEMA = inline_serializer(
    "GateError", fields={"code": serializers.CharField(), "detail": serializers.CharField()}
)


class CheckInView(APIView):
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="checkin_scan",
        summary="Scan a badge at a zone's gate",
        description=(
            "Verifies the code's Ed25519 signature, then revocation, collection, validity "
            "dates and zone, and logs the scan. A denied badge is still a 200: `result` says "
            "`denied` and `reason` why. Malformed input is a 400 with a `code` "
            "(`invalid`, `parse_error`, `unknown_zone`, `bad_direction`)."
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
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        outcome = badge_scan(
            code=values["code"],
            zone_code=values["zone"],
            direction=values["direction"],
            officer=request.user,
            device=values.get("device") or "",
            nonce=values.get("nonce"),
        )
        return Response(CheckInOutput(outcome).data)


class PublicKeyView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="badges_public_key",
        summary="The public key that verifies badge codes offline",
        description="Ed25519 public key as PEM and as 32 raw bytes in base64; the code format "
        "is documented in accreditation/codes.py.",
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


def revoked_badges():
    """(number, version) of every badge a gate must deny although its signature is genuine."""
    newer = Badge.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
    return (
        Badge.objects.filter(
            Q(revoked_at__isnull=False)
            | Q(accreditation__status__in=[AccreditationStatus.REVOKED, AccreditationStatus.REFUSED])
            | Exists(newer)
        )
        .order_by("number", "version")
        .values_list("number", "version")
    )


class RevokedListView(APIView):
    permission_classes = [CanCheckIn]

    @extend_schema(
        operation_id="badges_revoked",
        summary="Revoked badge versions, for offline scanners",
        description="Every (number, version) that is revoked, replaced by a newer print, or "
        "whose accreditation was revoked or refused. Not paginated: scanners load it whole.",
        responses={
            200: inline_serializer(
                "RevokedBadges",
                fields={
                    "generated_at": serializers.DateTimeField(),
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
        rows = [{"number": number, "version": version} for number, version in revoked_badges()]
        return Response({"generated_at": timezone.now(), "count": len(rows), "badges": rows})
