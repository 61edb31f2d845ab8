"""Reset and invitation e-mails queued before links were sealed hold their link in clear.

Each such row gets the placeholder staff see ("[link sent]") in its bodies; a row not yet sent
(queued, failed or cancelled: the last two may be retried) keeps its link sealed for the
worker; a sent one forgets it (a reset link stays valid for days after it is sent). A
reset's dedupe key loses its token the same way.
"""

import hashlib
import re

from django.db import migrations
from django.db.models import Q
from django.utils.html import escape

from hanoi_summit.core.outbox.sealing import placeholder, seal

LINK = re.compile(
    r"""(?:https?://[^\s"'<>]*?)?/portal/(?:password-reset/[^/\s"'<>]+/[^/\s"'<>]+|invitation/[^/\s"'<>]+)/"""
)


def seal_stored_links(apps, schema_editor):
    OutgoingEmail = apps.get_model("hanoi_summit", "OutgoingEmail")
    rows = OutgoingEmail.objects.filter(
        Q(dedupe_key__startswith="password-reset:") | Q(dedupe_key__startswith="invitation:"),
        sealed_secrets="",
    )
    for email in list(rows):
        links = set(LINK.findall(email.body_text)) | {
            link.replace("&amp;", "&") for link in LINK.findall(email.body_html)
        }
        if not links:
            continue
        for link in links:
            email.body_text = email.body_text.replace(link, placeholder("link"))
            email.body_html = email.body_html.replace(escape(link), placeholder("link"))
            email.body_html = email.body_html.replace(link, placeholder("link"))
        if len(links) == 1 and email.status != "sent":
            email.sealed_secrets = seal({"link": links.pop()})
        kind, _, rest = email.dedupe_key.partition(":")
        if kind == "password-reset" and rest.count(":") == 1:
            uid, token = rest.split(":")
            digest = hashlib.sha256(token.encode()).hexdigest()[:32]
            email.dedupe_key = f"password-reset:{uid}:{digest}"
        email.save(update_fields=["body_text", "body_html", "sealed_secrets", "dedupe_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("hanoi_summit", "0006_outgoingemail_sealed_secrets"),
    ]

    operations = [
        migrations.RunPython(seal_stored_links, migrations.RunPython.noop, elidable=True),
    ]
