"""The check-in's input and output: what a device sends to POST /api/checkin/ and gets back.

These serializers define the rules and document the API (OpenAPI); CheckInView validates
and answers with them. The device fast path (device.py) applies the same rules by hand.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accreditation.gate.offline import MAX_BATCH
from accreditation.models import Direction, Scan, ScanReason, ScanResult, Zone

#: Longer than any genuine code; anything longer is refused before it is logged.
MAX_CODE_LENGTH = 1000


def _max_length(model, name):
    return model._meta.get_field(name).max_length


#: The longest short number a person may type ("101333-K" with spaces to spare).
MAX_SHORT_LENGTH = 20


def exactly_one_of_code_or_short(attrs):
    """The rule both inputs share: the scanned code or the typed short number, not both."""
    return bool(attrs.get("code")) != bool(attrs.get("short"))


class CheckInInput(serializers.Serializer):
    code = serializers.CharField(max_length=MAX_CODE_LENGTH, required=False, help_text="The scanned QR text.")
    short = serializers.CharField(
        max_length=MAX_SHORT_LENGTH,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Or the short number typed from the badge, e.g. 101333-K.",
    )
    zone = serializers.CharField(
        max_length=_max_length(Zone, "code"), help_text="Code of the zone this gate opens, e.g. PLN."
    )
    direction = serializers.ChoiceField(choices=Direction.choices)
    nonce = serializers.CharField(
        max_length=_max_length(Scan, "nonce"),
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Sent again when a device retries: the scan is logged once.",
    )
    device = serializers.CharField(max_length=_max_length(Scan, "device"), required=False, allow_blank=True)

    def validate(self, attrs):
        if not exactly_one_of_code_or_short(attrs):
            raise serializers.ValidationError(
                {"code": [_("Send either the scanned code or the typed short number.")]}, code="code_or_short"
            )
        return attrs


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
    warning = serializers.CharField(
        allow_null=True,
        help_text='"already_inside": granted, but the badge had not gone out (a zone that warns).',
    )
    badge = BadgeOutput(allow_null=True, help_text="Present when the badge is genuine.")


class BatchScanInput(serializers.Serializer):
    """One scan a device decided offline (accreditation.gate.offline)."""

    code = serializers.CharField(max_length=MAX_CODE_LENGTH, required=False, help_text="The scanned QR text.")
    short = serializers.CharField(
        max_length=MAX_SHORT_LENGTH, required=False, help_text="Or the typed short number, e.g. 101333-K."
    )
    zone = serializers.CharField(max_length=_max_length(Zone, "code"))
    direction = serializers.ChoiceField(choices=Direction.choices)
    nonce = serializers.CharField(max_length=_max_length(Scan, "nonce"), help_text="Unique per scan.")
    scanned_at = serializers.DateTimeField(help_text="The device's time of the scan, ISO 8601 with offset.")
    result = serializers.ChoiceField(choices=ScanResult.choices)
    reason = serializers.ChoiceField(choices=ScanReason.choices)

    def validate(self, attrs):
        if not exactly_one_of_code_or_short(attrs):
            raise serializers.ValidationError(
                {"code": [_("Send either the scanned code or the typed short number.")]}, code="code_or_short"
            )
        return attrs


class BatchInput(serializers.Serializer):
    scans = BatchScanInput(many=True, allow_empty=True, max_length=MAX_BATCH)
    device = serializers.CharField(max_length=_max_length(Scan, "device"), required=False, allow_blank=True)
    waiting = serializers.IntegerField(
        min_value=0, required=False, help_text="Scans the device still holds after this batch."
    )


_BATCH_TEXT = {
    name: field.max_length
    for name, field in BatchScanInput().fields.items()
    if isinstance(field, serializers.CharField)
}
_BATCH_CHOICES = {
    "direction": frozenset(Direction.values),
    "result": frozenset(ScanResult.values),
    "reason": frozenset(ScanReason.values),
}


def _clean_batch_item(item):
    """BatchScanInput's validated data of an item whose every field is already clean, as
    devices send them; None when anything needs the serializer's full check."""
    if type(item) is not dict:
        return None
    values = {}
    for name, max_length in _BATCH_TEXT.items():
        value = item.get(name)
        if value is None and name in ("code", "short") and name not in item:
            continue
        # Text the CharField would return unchanged: ASCII, no NUL, nothing to trim.
        if not (
            type(value) is str
            and 0 < len(value) <= max_length
            and value.isascii()
            and "\x00" not in value
            and value == value.strip()
        ):
            return None
        values[name] = value
    for name, allowed in _BATCH_CHOICES.items():
        if values.get(name) not in allowed:
            return None
    try:
        scanned_at = dt.datetime.fromisoformat(item.get("scanned_at"))
    except (TypeError, ValueError):
        return None
    if scanned_at.tzinfo is None or not exactly_one_of_code_or_short(values):
        return None
    values["scanned_at"] = scanned_at
    return values


def batch_input(data):
    """The validated data of a batch body: by hand when every item is clean (devices send
    them so; the serializer's per-field machinery would be most of a batch's time), else
    BatchInput's full check, which raises the 400 or says the same.
    tests/accreditation/gate/test_batch.py holds the two to the same answers."""
    if type(data) is dict and type(data.get("scans")) is list and len(data["scans"]) <= MAX_BATCH:
        items = [_clean_batch_item(item) for item in data["scans"]]
        rest = {key: value for key, value in data.items() if key != "scans"}
        if all(item is not None for item in items) and rest.keys() <= {"device", "waiting"}:
            others = BatchInput(data={"scans": [], **rest})
            others.is_valid(raise_exception=True)
            return {**others.validated_data, "scans": items}
    batch = BatchInput(data=data)
    batch.is_valid(raise_exception=True)
    return batch.validated_data


class BatchOutput(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    accepted_nonces = serializers.ListField(child=serializers.CharField(), source="nonces")
