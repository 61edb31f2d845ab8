"""Secrets an e-mail carries (a reset link, an invitation link), sealed while they wait in the outbox.

Staff read the outbox in the admin: a link there would let them take over the account it
opens. So the stored body holds a placeholder ("[link sent]") and the link itself is kept
encrypted (Fernet, key derived from SECRET_KEY) beside it; the worker opens it only to build
the message it sends, and the row forgets it once sent.
"""

import base64
import json

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.html import escape

_SALT = "hanoi_summit.core.outbox.sealing"


def placeholder(name):
    """What the stored e-mail shows where the secret `name` goes: "[link sent]"."""
    return f"[{name} sent]"


def _fernet(secret_key):
    digest = salted_hmac(_SALT, "fernet-key", secret=secret_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys():
    # The current key seals; the fallbacks still open what was sealed before a key rotation.
    return MultiFernet([_fernet(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def seal(secrets):
    """The secrets (name -> text) as one opaque string for OutgoingEmail.sealed_secrets; "" if none."""
    if not secrets:
        return ""
    return _keys().encrypt(json.dumps(secrets).encode()).decode()


def unseal(sealed):
    """The secrets sealed by `seal`; raises cryptography's InvalidToken if no key opens them."""
    if not sealed:
        return {}
    return json.loads(_keys().decrypt(sealed.encode()))


def reveal(sealed, *, body_text, body_html):
    """The bodies to send: each placeholder replaced by its secret (HTML-escaped in the HTML)."""
    for name, value in unseal(sealed).items():
        body_text = body_text.replace(placeholder(name), value)
        body_html = body_html.replace(escape(placeholder(name)), escape(value))
    return body_text, body_html
