"""The check-in's input and output: what a device sends to POST /api/checkin/ and gets back.

These serializers define the rules and document the API (OpenAPI); CheckInView validates
and answers with them. The device fast path (device.py) applies the same rules by hand.
"""

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


class BatchOutput(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    accepted_nonces = serializers.ListField(child=serializers.CharField(), source="nonces")
