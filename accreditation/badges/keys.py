"""The Ed25519 key that signs badge codes, and its public half for offline scanners.

Production sets BADGE_SIGNING_KEY to a PEM (PKCS#8) private key (a deploy check refuses to
run without it, hanoi_summit/checks.py). Without it a development key is generated on first
use and kept in VAR_DIR/private/keys/badge-signing-key.pem (mode 0600, outside the
repository, inside the private directory that backups copy), so badges printed on one
machine keep verifying there after a restart. A key file missing while the database holds
printed badges is never replaced by a new key: that would void every badge printed, so
signing stops with a message saying to restore the file. A key left at the old place
(VAR_DIR/badge-signing-key.pem) is copied to the new one. The loaded key is cached per
process: signing happens once per badge printed.

Verification (every gate scan) goes through libsodium (PyNaCl), whose Ed25519 verify is
faster than OpenSSL's. Both implement RFC 8032; libsodium also refuses small-order keys and
points, which no genuine code of ours carries.
"""

import functools
import threading
from pathlib import Path

import nacl.bindings
import nacl.exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hanoi_summit.core.crypto import write_key_file

DEV_KEY_NAME = "badge-signing-key.pem"
#: Under VAR_DIR: the private directory (uploads) that backups include.
DEV_KEY_DIR = ("private", "keys")

_lock = threading.Lock()
# Keyed by where the key came from, so a test that overrides the setting gets its own key.
_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}


def _parse_private(pem: bytes, origin: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{origin} is not a PEM PKCS#8 private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{origin} must be an Ed25519 key, not {type(key).__name__}")
    return key


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def development_key_path():
    return Path(settings.VAR_DIR).joinpath(*DEV_KEY_DIR, DEV_KEY_NAME)


def _legacy_development_key_path():
    return Path(settings.VAR_DIR) / DEV_KEY_NAME


def _printed_badges():
    """How many printed badges the database holds (0 before the first migrate)."""
    from django.db import connection

    from accreditation.models import Badge

    if Badge._meta.db_table not in connection.introspection.table_names():
        return 0
    return Badge.objects.filter(printed_at__isnull=False).count()


def _development_key(path) -> Ed25519PrivateKey:
    """Read the development key, or create it when no badge can depend on it yet."""
    if not path.exists():
        legacy = _legacy_development_key_path()
        if legacy.exists():
            write_key_file(path, legacy.read_bytes())
        else:
            printed = _printed_badges()
            if printed:
                raise ImproperlyConfigured(
                    f"The badge signing key {path} is missing, but the database holds {printed} "
                    "printed badges signed with a key. A new key would make every one of them "
                    "fail at the gates, so none is made: restore the key file from the backup "
                    "(or set BADGE_SIGNING_KEY to the key that signed them)."
                )
            write_key_file(path, private_pem(Ed25519PrivateKey.generate()))
    return _parse_private(path.read_bytes(), str(path))


def signing_key() -> Ed25519PrivateKey:
    configured = settings.BADGE_SIGNING_KEY
    origin = ("env", configured) if configured else ("file", str(development_key_path()))
    key = _cache.get(origin)
    if key is None:
        with _lock:
            key = _cache.get(origin)
            if key is None:
                if configured:
                    key = _parse_private(configured.encode(), "BADGE_SIGNING_KEY")
                else:
                    key = _development_key(development_key_path())
                _cache[origin] = key
    return key


def verifying_key() -> Ed25519PublicKey:
    # Derived once per signing key: every gate scan verifies with it.
    return _public_key_of(signing_key())


@functools.lru_cache(maxsize=8)
def _public_key_of(private: Ed25519PrivateKey) -> Ed25519PublicKey:
    return private.public_key()


def public_key_pem() -> str:
    return (
        verifying_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_key_raw() -> bytes:
    """The 32 raw bytes scanners load (RFC 8032 encoding)."""
    return _raw_public_of(signing_key())


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@functools.lru_cache(maxsize=8)
def _raw_public_of(private: Ed25519PrivateKey) -> bytes:
    # Cached per signing key (public key objects are not hashable): every scan needs it.
    return _raw(_public_key_of(private))


def signature_is_valid(signature: bytes, message: bytes, public_key: Ed25519PublicKey | None = None) -> bool:
    """Whether ``signature`` is an Ed25519 signature of ``message`` by ``public_key`` (ours by
    default). Never raises for a wrong signature."""
    raw = _raw_public_of(signing_key()) if public_key is None else _raw(public_key)
    try:
        nacl.bindings.crypto_sign_open(signature + message, raw)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        return False
    return True
