"""API tokens (gate devices): revoked by the secretariat, never shown to it.

A token's key is its primary key and its str(): anything that names the token (an audit
entry's target, an admin log entry, a link) would carry the key, so what is recorded names
the token's user instead.
"""

from django.db import transaction
from rest_framework.authtoken.models import Token

from hanoi_summit.core.audit import audit_record


@transaction.atomic
def api_token_revoke(*, user, actor):
    """Delete `user`'s API token, if any; return whether there was one.

    Side effects: the device using it is refused from its next request; an audit entry
    "api_token.revoke" about the user.
    """
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action="api_token.revoke", target=user)
    return bool(deleted)
