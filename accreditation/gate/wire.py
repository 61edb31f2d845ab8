"""The check-in's input and output: what a device sends to POST /api/checkin/ and gets back.

The serializers document the API (OpenAPI) and define the rules; the hand-written
``checkin_input`` and ``outcome_data`` apply the same rules and build the same shape
without instantiating serializers per request, which cost a scan more CPU than the scan.
tests/accreditation/test_checkin_api.py checks that both agree.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.settings import api_settings

from accreditation.gate.scan import badge_scan
from accreditation.models import Direction, ScanReason, ScanResult

#: Longer than any genuine code; anything longer is refused before it is logged.
MAX_CODE_FIELD = 1000


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


#: Text fields -> (their maximum length, whether the field may be absent or null).
_TEXT_FIELDS = {
    "code": (MAX_CODE_FIELD, False),
    "zone": (8, False),
    "nonce": (64, True),
    "device": (60, True),
}


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
    return values


def scan_of_input(values, **scanner):
    """checkin.badge_scan for the validated input of a check-in request; ``scanner``: who
    scans (officer or officer_id) and an optional ScanLookup already read."""
    return badge_scan(
        code=values["code"],
        zone_code=values["zone"],
        direction=values["direction"],
        device=values.get("device") or "",
        nonce=values.get("nonce"),
        **scanner,
    )


def checkin_input(data):
    """CheckInInput's validated data, the same checks, messages and error shape as
    ``CheckInInput(data=data).is_valid(raise_exception=True)`` (what Serializer does)."""
    clean = _clean_scan(data)
    if clean is not None:
        return clean
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
