"""Signed badge codes: the text in a badge's QR code, verifiable offline with the public key.

Wire format, version 1
======================

The text is ``"HS1:" + BASE32(payload || signature)``: the RFC 4648 base32 alphabet
(A-Z, 2-7), upper case, without "=" padding. Every character, the ":" included, belongs to
the QR code's alphanumeric mode, so a code of ~100 bytes fits a version 7 QR symbol at level M.
Scanners may deliver the text in lower case or with a trailing newline: both are accepted.

``payload`` (all integers big-endian, unsigned):

======  ======  ===========================================================================
offset  length  field
======  ======  ===========================================================================
0       1       format version, 0x01 (the "1" of the prefix, repeated inside the signature)
1       4       badge number
5       2       badge version (1, then +1 at each reprint)
7       2       valid from: days since the epoch 2025-01-01 (297 = 0x0129 = 2025-10-25)
9       2       valid until: days since the epoch 2025-01-01, inclusive
11      1       C = length in bytes of the category code
12      C       category code, UTF-8 (e.g. "VIP")
12+C    1       Z = length in bytes of the zone codes
13+C    Z       zone codes, UTF-8, sorted and separated by one space (e.g. "PLN SIG VIP")
======  ======  ===========================================================================

``signature`` is 64 bytes: Ed25519 (RFC 8032) over ``b"HS1:" + payload``; the prefix is
signed as a domain separator, so a signature made for another format never verifies.

Verification (``decode``): anything that is not this structure exactly (a non-ASCII
character, even one that upper-cases into the alphabet; wrong prefix, characters outside the
alphabet, "=" padding, non-canonical base32, truncated or extended body, lengths that do not
add up) is ``unknown``; a structurally valid code whose signature does not verify with our
public key is ``forged``. A genuine code is then checked against
the database (revocation, newer version, collection...) by the check-in service.
"""

import base64
import datetime as dt
import re
import struct
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accreditation.badges import keys
from hanoi_summit.core.errors import DomainError

FORMAT_VERSION = 1
PREFIX = f"HS{FORMAT_VERSION}:"
_PREFIX_BYTES = PREFIX.encode()
EPOCH = dt.date(2025, 1, 1)
SIGNATURE_LENGTH = 64
#: A version 1 code of the longest fields allowed is well under this; longer is not ours.
MAX_CODE_LENGTH = 700

_HEADER = struct.Struct(">BIHHH")
_BASE32 = re.compile(r"[A-Z2-7]*")
# Lengths (mod 8) that unpadded base32 can have; any other is a truncated or padded code.
_BASE32_TAILS = {0, 2, 4, 5, 7}


#: RFC 4648 base32 digits -> the same values as "base32hex" digits, which int(..., 32) reads.
_TO_BASE32HEX = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV")


def _canonical_base32(text):
    """The bytes of unpadded base32 ``text`` (alphabet and length already checked), or None
    when its last character carries non-zero unused bits: only the canonical spelling is ours.

    One int() call in C instead of base64.b32decode's Python loop and a re-encoding to
    compare: this runs on every scan.
    """
    length, unused = divmod(5 * len(text), 8)
    value = int(text.translate(_TO_BASE32HEX) or "0", 32)
    if value & ((1 << unused) - 1):
        return None
    return (value >> unused).to_bytes(length, "big")


class CodeError(DomainError):
    """A code that is not a genuine badge code. ``code`` is "unknown" or "forged"."""

    default_code = "unknown"


@dataclass(frozen=True)
class BadgeCode:
    """What a genuine code says about its badge."""

    number: int
    version: int
    category: str
    zones: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    format_version: int = FORMAT_VERSION


def _days(date):
    days = (date - EPOCH).days
    if not 0 <= days <= 0xFFFF:
        raise ValueError(f"date {date} is outside the badge code's range")
    return days


def _short_text(text):
    data = text.encode()
    if len(data) > 255:
        raise ValueError(f"{text!r} is too long for a badge code")
    return bytes([len(data)]) + data


def encode(badge_code: BadgeCode, *, key=None) -> str:
    """Sign and encode; ``key`` defaults to the configured signing key."""
    payload = (
        _HEADER.pack(
            FORMAT_VERSION,
            badge_code.number,
            badge_code.version,
            _days(badge_code.valid_from),
            _days(badge_code.valid_until),
        )
        + _short_text(badge_code.category)
        + _short_text(" ".join(sorted(badge_code.zones)))
    )
    signature = (key or keys.signing_key()).sign(PREFIX.encode() + payload)
    return PREFIX + base64.b32encode(payload + signature).decode().rstrip("=")


def badge_code(badge) -> str:
    """The QR text of a Badge (its category is read: select_related("category"))."""
    return encode(
        BadgeCode(
            number=badge.number,
            version=badge.version,
            category=badge.category.code,
            zones=tuple(badge.zone_codes.split()),
            valid_from=badge.valid_from,
            valid_until=badge.valid_until,
        )
    )


def _unknown():
    return CodeError(_("This is not a badge code of this event."), code="unknown")


def decode(code, *, public_key=None) -> BadgeCode:
    """Verify a scanned code and return what it carries.

    Raises CodeError("unknown") for anything not in our format and CodeError("forged") for a
    well-formed code whose signature fails. Never raises anything else, whatever the input.
    """
    # ASCII only, checked before any case folding: str.upper() turns look-alikes such as
    # "ſ" (long s) and "ı" (dotless i) into "S" and "I", so a text that is not the
    # printed code would otherwise verify as it.
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH or not code.isascii():
        raise _unknown()
    text = code.strip().upper()
    if not text.startswith(PREFIX):
        raise _unknown()
    body_text = text[len(PREFIX) :]
    if not body_text or len(body_text) % 8 not in _BASE32_TAILS or not _BASE32.fullmatch(body_text):
        raise _unknown()
    body = _canonical_base32(body_text)
    if body is None:
        raise _unknown()
    if len(body) < _HEADER.size + 2 + SIGNATURE_LENGTH:
        raise _unknown()
    version_byte, number, version, from_days, until_days = _HEADER.unpack_from(body)
    if version_byte != FORMAT_VERSION:
        raise _unknown()
    offset = _HEADER.size
    category_length = body[offset]
    zones_at = offset + 1 + category_length
    if zones_at >= len(body):
        raise _unknown()
    zones_length = body[zones_at]
    payload_end = zones_at + 1 + zones_length
    if payload_end + SIGNATURE_LENGTH != len(body):
        raise _unknown()
    payload, signature = body[:payload_end], body[payload_end:]
    if not keys.signature_is_valid(signature, _PREFIX_BYTES + payload, public_key):
        raise CodeError(_("This badge code is forged: its signature is not ours."), code="forged")
    try:
        category = body[offset + 1 : zones_at].decode()
        zones = tuple(body[zones_at + 1 : payload_end].decode().split())
    except UnicodeDecodeError:  # pragma: no cover - only a signing bug could produce this
        raise _unknown() from None
    return BadgeCode(
        number=number,
        version=version,
        category=category,
        zones=zones,
        valid_from=EPOCH + dt.timedelta(days=from_days),
        valid_until=EPOCH + dt.timedelta(days=until_days),
    )
