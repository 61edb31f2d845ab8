"""Signed badge codes: genuine ones verify, anything else is unknown or forged, never an exception."""

import base64
import datetime as dt
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accreditation.badges import codes, keys

GENUINE = codes.BadgeCode(
    number=123456,
    version=2,
    category="VIP",
    zones=("PLN", "SIG", "VIP"),
    valid_from=dt.date(2025, 10, 25),
    valid_until=dt.date(2025, 10, 26),
)


@pytest.fixture
def signed():
    return codes.encode(GENUINE)


def _body(code):
    text = code[len(codes.PREFIX) :]
    return bytearray(base64.b32decode(text + "=" * (-len(text) % 8)))


def _text(body):
    return codes.PREFIX + base64.b32encode(bytes(body)).decode().rstrip("=")


def _error(code):
    with pytest.raises(codes.CodeError) as info:
        codes.decode(code)
    return info.value.code


def test_round_trip_keeps_every_field(signed):
    assert codes.decode(signed) == GENUINE
    assert signed.startswith("HS1:")


def test_code_uses_only_qr_alphanumeric_characters(signed):
    import segno

    assert set(signed) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert segno.make(signed, error="m").mode == "alphanumeric"


def test_wire_format_matches_the_documented_layout(signed):
    body = _body(signed)
    assert body[0] == 1
    assert int.from_bytes(body[1:5], "big") == 123456
    assert int.from_bytes(body[5:7], "big") == 2
    assert int.from_bytes(body[7:9], "big") == 297  # 2025-10-25
    assert int.from_bytes(body[9:11], "big") == 298
    assert body[11] == 3 and bytes(body[12:15]) == b"VIP"
    assert body[15] == 11 and bytes(body[16:27]) == b"PLN SIG VIP"
    assert len(body) == 27 + 64


def test_scanner_noise_is_tolerated(signed):
    assert codes.decode(f"  {signed.lower()}\r\n") == GENUINE


@pytest.mark.parametrize("index", [1, 4, 6, 8, 12, 20, 40, 90])
def test_any_changed_byte_is_forged(signed, index):
    body = _body(signed)
    body[index] ^= 0x01
    assert _error(_text(body)) == "forged"


def test_changed_character_in_the_text_is_never_genuine(signed):
    for position in range(len(codes.PREFIX), len(signed)):
        replacement = "A" if signed[position] != "A" else "B"
        changed = signed[:position] + replacement + signed[position + 1 :]
        assert _error(changed) in {"forged", "unknown"}


def test_code_signed_with_another_key_is_forged():
    other = codes.encode(GENUINE, key=Ed25519PrivateKey.generate())
    assert _error(other) == "forged"


def test_a_signature_from_a_longer_payload_cannot_be_moved(signed):
    # Splice the genuine signature onto a different number: still forged.
    body = _body(signed)
    body[1:5] = (999999).to_bytes(4, "big")
    assert _error(_text(body)) == "forged"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "HS1:",
        "HS2:AAAAAAAA",
        "hello world",
        "https://example.org/badge/123",
        "HS1:!!!!",
        "\x00\x01\x02",
        "HS1:" + "A" * 5000,
        "X" * 100_000,
    ],
)
def test_garbage_is_unknown(garbage):
    assert _error(garbage) == "unknown"


def test_non_text_is_unknown():
    assert _error(None) == "unknown"
    assert _error(b"HS1:AAAA") == "unknown"


def test_truncated_code_is_unknown(signed):
    for cut in (1, 2, 8, 50, len(signed) - 5):
        assert _error(signed[:-cut]) == "unknown"


def test_padded_code_is_unknown(signed):
    assert _error(signed + "====") == "unknown"
    assert _error(signed + "AAAAAAAA") == "unknown"
    body = _body(signed) + b"\x00"
    assert _error(_text(body)) == "unknown"


def test_wrong_prefix_is_unknown(signed):
    assert _error("HS9:" + signed[4:]) == "unknown"
    assert _error(signed[4:]) == "unknown"


def test_non_canonical_base32_is_unknown(signed):
    # 91 bytes end in a character with 3 unused bits: flipping them keeps the bytes.
    last = signed[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    twin = alphabet[alphabet.index(last) ^ 1]
    assert _error(signed[:-1] + twin) == "unknown"


def test_badge_code_signs_the_badge_fields(db):
    from tests.factories import BadgeFactory

    badge = BadgeFactory(number=4242, version=3, zone_codes="SIG PLN", category__code="DEL")
    decoded = codes.decode(codes.badge_code(badge))
    assert (decoded.number, decoded.version, decoded.category) == (4242, 3, "DEL")
    assert decoded.zones == ("PLN", "SIG")
    assert (decoded.valid_from, decoded.valid_until) == (badge.valid_from, badge.valid_until)


def test_development_key_is_made_once_with_private_permissions(settings, tmp_path, db):
    settings.BADGE_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    first = keys.public_key_raw()
    # In the private directory, which backups copy.
    path = tmp_path / "private" / "keys" / keys.DEV_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keys._cache.clear()
    assert keys.public_key_raw() == first
    assert len(first) == 32


def test_key_from_the_environment_is_used(settings):
    private = Ed25519PrivateKey.generate()
    settings.BADGE_SIGNING_KEY = keys.private_pem(private).decode()
    code = codes.encode(GENUINE)
    assert codes.decode(code, public_key=private.public_key()) == GENUINE
    assert "BEGIN PUBLIC KEY" in keys.public_key_pem()


def test_a_key_that_is_not_ed25519_is_refused(settings):
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.core.exceptions import ImproperlyConfigured

    other = ec.generate_private_key(ec.SECP256R1())
    settings.BADGE_SIGNING_KEY = keys.private_pem(other).decode()
    with pytest.raises(ImproperlyConfigured):
        keys.signing_key()
    settings.BADGE_SIGNING_KEY = "not a key"
    with pytest.raises(ImproperlyConfigured):
        keys.signing_key()


def test_base32_reader_agrees_with_the_standard_library():
    """codes._canonical_base32 against base64: every length, and every non-canonical last
    character (unused bits set), which base64 accepts but we must refuse."""
    import base64
    import os

    for length in range(0, 130):
        raw = os.urandom(length)
        text = base64.b32encode(raw).decode().rstrip("=")
        assert codes._canonical_base32(text) == raw
        unused = 5 * len(text) % 8
        if unused:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            last = alphabet.index(text[-1])
            for bit in range(unused):
                spoiled = text[:-1] + alphabet[last ^ (1 << bit)]
                assert base64.b32decode(spoiled + "=" * (-len(spoiled) % 8)) == raw
                assert codes._canonical_base32(spoiled) is None
