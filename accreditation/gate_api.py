"""Gate API for scanner devices and the gate page: check-in, the public key, revoked badges."""

import base64
import functools
import json
from collections.abc import Mapping

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import TokenScheme
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant
from rest_framework.views import APIView

from . import checkin, codes, keys
from .checkin import badge_scan, execute_prepared
from .models import AccreditationStatus, Badge, Direction, ScanReason, ScanResult

#: Longer than any genuine code; anything longer is refused before it is logged.
MAX_CODE_FIELD = 1000


#: True when the token's user holds accreditation.check_in, directly or through a group.
#: Written as SQL: the same test built with the ORM (an OR across two joins) cost more CPU
#: to compile than the rest of a scan.
_MAY_CHECK_IN = """
    EXISTS (
        SELECT 1 FROM auth_permission p
        JOIN django_content_type ct ON ct.id = p.content_type_id
        WHERE ct.app_label = 'accreditation' AND p.codename = 'check_in' AND (
            p.id IN (SELECT up.permission_id FROM auth_user_user_permissions up
                     WHERE up.user_id = t.user_id)
            OR p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                        JOIN auth_user_groups ug ON ug.group_id = gp.group_id
                        WHERE ug.user_id = t.user_id)
        )
    )
"""

#: The user's columns a gate request needs; the others stay deferred (loaded if ever read).
_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


def _fields_in_order(model, names):
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


@functools.cache
def _token_query(model):
    """(user model, its loaded fields, the token's loaded fields, SELECT list, FROM clause)."""
    user_model = model._meta.get_field("user").related_model
    user_fields = _fields_in_order(user_model, _USER_FIELDS)
    token_fields = _fields_in_order(model, ("key", "user_id", "created"))
    select = (
        f"SELECT {', '.join('u.' + f for f in user_fields)}, "
        f"{', '.join('t.' + f for f in token_fields)}, {_MAY_CHECK_IN} AS may_check_in"
    )
    joins = f"FROM {model._meta.db_table} t JOIN {user_model._meta.db_table} u ON u.id = t.user_id"
    return user_model, user_fields, token_fields, select, joins


class GateTokenAuthentication(TokenAuthentication):
    """DRF's token authentication that also answers "may this account check in?".

    The token, its user and the check_in permission (the user's own or a group's) come in
    one hand-written query instead of three: every scan pays for authentication, and the
    ORM's compilation of the same query cost more CPU than its round trip.

    For a view with ``reads_scan_with_token`` (check-in), the same query also reads the
    scan's zone and badge: a device's scan then costs one round trip before its INSERT
    instead of two. The rows are only read here: the view checks the permission and the
    input as before, and hands the ScanLookup (``self.lookup``) to badge_scan, which uses it
    for the same code and zone only. A body that is not JSON or not a valid scan gets the
    plain token query, and the view answers its 400 as before.
    """

    lookup = None
    #: The check-in's validated input, read with the token: the view need not parse it again.
    scan_input = None

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        model = self.get_model()
        _user_model, user_fields, token_fields, select, joins = _token_query(model)
        values = self._scan_input()
        if values is None:
            with connection.cursor() as cursor:
                execute_prepared(cursor, "hs_gate_token", f"{select} {joins} WHERE t.key = %s", [key])
                row = cursor.fetchone()
            return self._user_and_token(model, row)
        signed, code_error, params = checkin.scan_lookup_params(values["code"], values["zone"])
        sql = f"{select}, s.* {joins} LEFT JOIN ({checkin.SCAN_LOOKUP_SQL}) s ON 1 = 1 WHERE t.key = %s"
        with connection.cursor() as cursor:
            execute_prepared(cursor, "hs_gate_token_scan", sql, [*params, key])
            row = cursor.fetchone()
        user_token = self._user_and_token(model, row)
        scan_row = row[len(user_fields) + len(token_fields) + 1 :]
        self.lookup = checkin.scan_lookup_from_row(
            values["code"], values["zone"], signed, code_error, scan_row
        )
        return user_token

    def _scan_input(self):
        """The check-in's validated input when this view reads the scan with the token."""
        request = getattr(self, "_request", None)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if not getattr(view, "reads_scan_with_token", False):
            return None
        if request._request.content_type != "application/json":
            return None
        try:
            # As DRF's JSONParser reads it: UTF-8, no NaN or Infinity.
            body = request._request.body.decode("utf-8")
            self.scan_input = checkin_input(json.loads(body, parse_constant=strict_constant))
        except (ValueError, exceptions.APIException, RequestDataTooBig):
            return None
        return self.scan_input

    def _user_and_token(self, model, row):
        """(user, token) of a row of _token_query's SELECT; refuses a missing or inactive one."""
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user_model, user_fields, token_fields, _select, _joins = _token_query(model)
        count = len(user_fields)
        user = user_model.from_db(connection.alias, user_fields, row[:count])
        token = model.from_db(connection.alias, token_fields, row[count : count + len(token_fields)])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user.may_check_in = bool(row[count + len(token_fields)]) or user.is_superuser
        return (user, token)


class GateTokenScheme(TokenScheme):
    """The OpenAPI security scheme of GateTokenAuthentication: the same "Token <key>" header."""

    target_class = GateTokenAuthentication
    name = "gateTokenAuth"
    priority = 1


class CanCheckIn(permissions.BasePermission):
    """Gate accounts and protocol officers: the `accreditation.check_in` permission."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        known = getattr(user, "may_check_in", None)
        return known if known is not None else user.has_perm("accreditation.check_in")


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


#: CheckInInput's fields, bound once: a serializer per request deep-copies every field,
#: which cost more than validating. Fields hold no per-request state while validating.
_INPUT_FIELDS = CheckInInput().fields


def checkin_input(data):
    """CheckInInput's validated data, the same checks, messages and error shape as
    ``CheckInInput(data=data).is_valid(raise_exception=True)`` (what Serializer does)."""
    if not isinstance(data, Mapping):
        message = serializers.Serializer.default_error_messages["invalid"].format(
            datatype=type(data).__name__
        )
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
    values, errors = {}, {}
    for name, field in _INPUT_FIELDS.items():
        try:
            values[name] = field.run_validation(field.get_value(data))
        except serializers.ValidationError as exc:
            errors[name] = exc.detail
        except DjangoValidationError as exc:
            errors[name] = get_error_detail(exc)
        except SkipField:
            pass
    if errors:
        raise serializers.ValidationError(errors)
    return values


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


def outcome_data(outcome):
    """CheckInOutput's shape, built by hand: instantiating DRF serializers (deep copies of
    their fields) was a third of a scan's CPU time. test_checkin_api checks both agree."""
    badge = outcome.badge
    return {
        "result": outcome.result,
        "reason": outcome.reason,
        "reason_label": outcome.reason_label,
        "message": outcome.explanation,
        "zone": outcome.zone,
        "direction": outcome.direction,
        "scan_id": outcome.scan_id,
        "replayed": outcome.replayed,
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


ERROR_SCHEMA = inline_serializer(
    "GateError", fields={"code": serializers.CharField(), "detail": serializers.CharField()}
)


class CheckInView(APIView):
    authentication_classes = [SessionAuthentication, GateTokenAuthentication]
    #: GateTokenAuthentication reads the scan's zone and badge with the token (one query).
    reads_scan_with_token = True
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
        values = getattr(request.successful_authenticator, "scan_input", None) or checkin_input(request.data)
        outcome = badge_scan(
            code=values["code"],
            zone_code=values["zone"],
            direction=values["direction"],
            officer=request.user,
            device=values.get("device") or "",
            nonce=values.get("nonce"),
            lookup=getattr(request.successful_authenticator, "lookup", None),
        )
        return Response(outcome_data(outcome))


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
    authentication_classes = [SessionAuthentication, GateTokenAuthentication]
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
