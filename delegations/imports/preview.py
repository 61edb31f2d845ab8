"""Upload -> preview -> confirm, for every import: what the preview showed waits on the server.

The rows read from the upload stay in the session, under a one-time token and the scope they
were checked for (the delegation, or the staff member's upload); the confirm form sends back
only the token. Confirming re-checks the rows, so nothing the browser sends is trusted, and a
second click, another tab's preview or a forged token finds nothing to save. The rows are
kept encrypted (hanoi_summit/core/crypto.py): they hold passport numbers and dates of birth,
and the sessions live in the database.
"""

import json
import secrets

from hanoi_summit.core.crypto import decrypt, encrypt

_SESSION_KEY = "import_preview:{flow}"


def preview_keep(request, *, flow, scope, rows):
    """Keep JSON-able `rows` for the confirmation of `flow` ("members", "invitations") within
    `scope`; return the token the confirm form carries. It replaces that flow's earlier preview."""
    token = secrets.token_urlsafe(16)
    sealed = encrypt(json.dumps(rows))
    request.session[_SESSION_KEY.format(flow=flow)] = {"token": token, "scope": scope, "rows": sealed}
    return token


def preview_drop(request, *, flow):
    """Forget the flow's kept preview (a new upload, whatever its outcome, replaces it)."""
    request.session.pop(_SESSION_KEY.format(flow=flow), None)


def preview_take(request, *, flow, scope, token):
    """The rows kept under `token` for `scope`, once; None if there are none.

    A token that does not match leaves the kept preview alone: a stale page does not spoil
    the current one.
    """
    key = _SESSION_KEY.format(flow=flow)
    stored = request.session.get(key) or {}
    if not token or not secrets.compare_digest(str(stored.get("token", "")), str(token)):
        return None
    if stored.get("scope") != scope:
        return None
    request.session.pop(key, None)
    return json.loads(decrypt(stored["rows"]))
