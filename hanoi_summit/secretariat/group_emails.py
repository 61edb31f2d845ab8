"""Group e-mails: one message written by the secretariat, sent to a selection of people
through the outbox, one e-mail per address and never twice.

The subject and body may hold the placeholders of PLACEHOLDERS (``{name}``, ``{title}``,
``{delegation}``, ``{badge_name}``), filled in per recipient with ``str.format_map``.
Anything else between braces is refused before sending (GroupEmailError), never a crash
while sending. Write ``{{`` and ``}}`` for literal braces.
"""

import hashlib
import string
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.models import AccreditationStatus
from delegations.models import Delegation, DelegationStatus, FocalPoint, Member, MemberRole
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.models import OutgoingEmail
from hanoi_summit.core.outbox.queue import email_queue
from sessions.models import BookingStatus

PLACEHOLDERS = {
    "name": gettext_lazy("the person's full name"),
    "title": gettext_lazy("their title (H.E., Ms, Dr...), empty for a focal point or a contact address"),
    "delegation": gettext_lazy("the delegation's name"),
    "badge_name": gettext_lazy("the name on their badge (their full name if they have no badge)"),
}

#: Who may be written to, as chosen in the form.
GROUP_FOCAL_POINTS = "focal_points"
GROUP_HEADS = "heads"
GROUP_CATEGORY = "category"
GROUP_SESSION = "session"

#: Accreditations that are no longer going anywhere: their holders get no group e-mails.
CLOSED_ACCREDITATIONS = (
    AccreditationStatus.REJECTED,
    AccreditationStatus.REFUSED,
    AccreditationStatus.REVOKED,
)


class GroupEmailError(DomainError):
    default_code = "group_email_invalid"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    title: str
    delegation: str
    badge_name: str
    language: str

    def context(self):
        return {
            "name": self.name,
            "title": self.title,
            "delegation": self.delegation,
            "badge_name": self.badge_name,
        }


@dataclass(frozen=True)
class Preview:
    count: int
    first: Recipient
    subject: str
    body: str
    #: The first few recipients, to check the selection at a glance.
    sample: list


@dataclass(frozen=True)
class SendResult:
    queued: int
    skipped: int


class _Placeholders(dict):
    def __missing__(self, key):
        raise GroupEmailError(
            _("Unknown placeholder {%(name)s}.") % {"name": key}, code="unknown_placeholder"
        )


def group_email_check_template(text):
    """Refuse `text` unless every {...} in it is a known placeholder, plain (no format spec,
    conversion or attribute access, which could reach into objects or pad without limit)."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        raise GroupEmailError(
            _("A brace is not closed: write {{ and }} for literal braces."), code="malformed_placeholder"
        ) from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise GroupEmailError(
                _("Unknown placeholder {%(name)s}. Use one of: %(known)s.")
                % {"name": name, "known": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)},
                code="unknown_placeholder",
            )
        if spec or conversion:
            raise GroupEmailError(
                _("Write placeholders plainly, as {%(name)s}.") % {"name": name}, code="malformed_placeholder"
            )


def group_email_render(text, recipient):
    return text.format_map(_Placeholders(recipient.context()))


def group_email_recipients(*, groups, kinds=(), statuses=(), categories=(), session=None):
    """The people a group e-mail goes to, one per e-mail address (compared without case),
    in a stable order: by delegation, its members first, then its focal points and its
    contact address.

    `groups`: any of focal_points (focal points' accounts and the delegations' contact
    addresses), heads (heads of delegation), category (members whose accreditation has one
    of `categories`), session (members with a confirmed booking at `session`). `kinds` and
    `statuses` narrow the delegations; no status means every delegation but withdrawn ones.
    One query for the members, and two for the focal points and contact addresses.
    """
    delegation_filter = Q()
    if kinds:
        delegation_filter &= Q(kind__in=kinds)
    if statuses:
        delegation_filter &= Q(status__in=statuses)
    else:
        delegation_filter &= ~Q(status=DelegationStatus.WITHDRAWN)
    delegations = Delegation.objects.filter(delegation_filter)

    members = Q()
    if GROUP_HEADS in groups:
        members |= Q(role=MemberRole.HEAD)
    if GROUP_CATEGORY in groups and categories:
        members |= Q(accreditation__category__in=categories) & ~Q(
            accreditation__status__in=CLOSED_ACCREDITATIONS
        )
    if GROUP_SESSION in groups and session is not None:
        members |= Q(bookings__session=session, bookings__status=BookingStatus.CONFIRMED)

    found = []
    # Members come first: when a focal point is also a member, the member's title and
    # badge name fill the placeholders.
    if members:
        queryset = (
            Member.objects.filter(members, delegation__in=delegations)
            .exclude(email="")
            .select_related("delegation")
            .distinct()
        )
        found.extend(
            (
                0,
                Recipient(
                    email=m.email,
                    name=m.display_name,
                    title=m.title,
                    delegation=m.delegation.name,
                    badge_name=m.badge_name or m.display_name,
                    language=m.language,
                ),
            )
            for m in queryset
        )
    if GROUP_FOCAL_POINTS in groups:
        focal_points = (
            FocalPoint.objects.filter(delegation__in=delegations, user__is_active=True)
            .exclude(user__email="")
            .select_related("user", "delegation")
        )
        for fp in focal_points:
            name = fp.user.get_full_name() or fp.user.get_username()
            found.append(
                (
                    1,
                    Recipient(
                        email=fp.user.email,
                        name=name,
                        title="",
                        delegation=fp.delegation.name,
                        badge_name=name,
                        language=fp.delegation.language,
                    ),
                )
            )
        for delegation in delegations.exclude(contact_email="").only("name", "contact_email", "language"):
            found.append(
                (
                    2,
                    Recipient(
                        email=delegation.contact_email,
                        name=delegation.name,
                        title="",
                        delegation=delegation.name,
                        badge_name=delegation.name,
                        language=delegation.language,
                    ),
                )
            )

    unique = {}
    for source, recipient in found:
        unique.setdefault(recipient.email.strip().lower(), (source, recipient))
    ordered = sorted(
        unique.values(),
        key=lambda sr: (sr[1].delegation.lower(), sr[0], sr[1].name.lower(), sr[1].email.lower()),
    )
    return [recipient for _source, recipient in ordered]


def group_email_preview(*, subject, body, recipients, sample_size=10):
    """The message as the first recipient will read it, and how many will get it."""
    group_email_check_template(subject)
    group_email_check_template(body)
    first = recipients[0]
    return Preview(
        count=len(recipients),
        first=first,
        subject=group_email_render(subject, first),
        body=group_email_render(body, first),
        sample=recipients[:sample_size],
    )


def message_digest(subject, body):
    """The message's identity in dedupe keys: the same text to the same address is one e-mail."""
    return hashlib.sha256(f"{subject}\x00{body}".encode()).hexdigest()[:32]


def _dedupe_key(digest, email):
    key = f"group:{digest}:{email.strip().lower()}"
    if len(key) > 200:
        key = f"group:{digest}:{hashlib.sha256(email.strip().lower().encode()).hexdigest()}"
    return key


@transaction.atomic
def group_email_send(*, subject, body, recipients):
    """Queue one e-mail per recipient through the outbox; return how many were new.

    Side effects: one OutgoingEmail row per recipient who has not already been sent this
    same message (dedupe key: the message's digest and the address, so posting the form
    twice, or two officers sending the same text, sends each person one e-mail); each is
    sent after commit.
    """
    group_email_check_template(subject)
    group_email_check_template(body)
    digest = message_digest(subject, body)
    keyed = [(_dedupe_key(digest, r.email), r) for r in recipients]
    already = set(
        OutgoingEmail.objects.filter(dedupe_key__in=[key for key, _r in keyed]).values_list(
            "dedupe_key", flat=True
        )
    )
    queued = 0
    for key, recipient in keyed:
        if key in already:
            continue
        email_queue(
            to=recipient.email,
            dedupe_key=key,
            template="group_message",
            context={
                "subject": group_email_render(subject, recipient),
                "body": group_email_render(body, recipient),
                "recipient": recipient,
            },
            language=recipient.language,
        )
        queued += 1
    return SendResult(queued=queued, skipped=len(keyed) - queued)
