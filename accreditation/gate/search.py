"""Search at the gate (GET /api/gate/search/): a person whose badge will not scan, by name.

``badges_matching`` finds people by the one name search of every page (accent- and
case-insensitive, delegations.selectors.members_matching). Every hit is written to the audit trail, as the
gate may then show the person's photo (scan.gate_photo_of).
"""

from django.urls import reverse

from accreditation.badges.short import short_number
from accreditation.gate.bundle import newest_badges
from accreditation.gate.scan import SEARCH_ACTION
from delegations.models import delegation_label_of
from delegations.selectors import members_matching
from hanoi_summit.core.audit import audit_record_many

#: The fewest characters a search needs, and the most people it answers.
MIN_QUERY = 2
MAX_RESULTS = 10


def badges_matching(text):
    """The newest badge of each person whose names contain every word of ``text``, whatever
    the case and accents: the one name search (delegations.selectors.members_matching). Revoked
    badges too: the officer must see that this person's badge was withdrawn."""
    return members_matching(newest_badges(), str(text), member_path="accreditation__member__")


def gate_search(text, *, actor=None, device=""):
    """Up to MAX_RESULTS people for the gate: number, short number, name, delegation,
    category, accreditation status and photo address. Audited per hit (``actor`` or the
    registered ``device`` asking)."""
    badges = list(
        badges_matching(text)
        .select_related("accreditation__member__delegation", "category")
        .order_by("accreditation__member__badge_name", "number")[:MAX_RESULTS]
    )
    asked = {"query": text[:100], **({"device": device} if device else {})}
    audit_record_many([(badge, None, asked) for badge in badges], actor=actor, action=SEARCH_ACTION)
    results = []
    for badge in badges:
        member = badge.accreditation.member
        delegation = member.delegation
        results.append(
            {
                "number": badge.number,
                "short": short_number(badge.number),
                "name": member.badge_name,
                "delegation": delegation_label_of(
                    delegation.name, delegation.acronym, delegation.country.code or "", delegation.kind
                ),
                "category_code": badge.category.code,
                "status": badge.accreditation.status,
                "photo_url": reverse("protocol:checkin-photo", args=[badge.pk]) if member.photo else None,
            }
        )
    return results
