"""Reads for the review, vetting and protocol screens: scoped, N+1-free querysets."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accreditation import rules
from accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Badge,
    Category,
    Direction,
    GateDevice,
    PrintBatch,
    Scan,
    ScanReason,
    ScanResult,
    Zone,
)
from accreditation.permissions import HAND_OVER, PRINT, REVIEW, VET
from accreditation.workflow import REVIEW_QUEUE, VETTING_QUEUE, VETTING_SCOPE
from delegations.models import Member, passport_hash_of
from delegations.selectors import delegation_members, member_name_q, members_matching
from hanoi_summit.core.clock import HANOI, event_now

S = AccreditationStatus
#: Waiting for the print queue: cleared (no badge yet) or issued and not printed.
PRINT_QUEUE = {S.CLEARED, S.BADGE_ISSUED}


def delegation_members_with_status(*, delegation, query=""):
    """The delegation's members (those whose name matches `query`, if given), each with
    `accreditation` loaded (None for a draft) in one query."""
    members = delegation_members(delegation=delegation).select_related("accreditation")
    if query:
        members = members_matching(members, query)
    return list(members)


def _filtered(queryset, filters):
    """Apply the queue filters the pages offer; unknown or empty values are ignored."""
    filters = filters or {}
    if filters.get("q"):
        queryset = members_matching(queryset, filters["q"], member_path="member__")
    if filters.get("delegation"):
        queryset = queryset.filter(member__delegation=filters["delegation"])
    if filters.get("delegation_name"):
        name = filters["delegation_name"].strip()
        queryset = queryset.filter(
            Q(member__delegation__name__iexact=name) | Q(member__delegation__code__iexact=name)
        )
    if filters.get("kind"):
        queryset = queryset.filter(member__delegation__kind=filters["kind"])
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("missing_photo"):
        queryset = queryset.filter(Q(member__photo="") | Q(member__photo__isnull=True))
    if filters.get("arrival_day"):
        queryset = queryset.filter(member__arrival__date=filters["arrival_day"])
    return queryset


#: Each queue's order: the time its first column shows, oldest first, then the id.
REVIEW_ORDER = ("submitted_at", "id")
VETTING_ORDER = ("reviewed_at", "id")


def _queue(statuses, filters, order=REVIEW_ORDER):
    status = (filters or {}).get("status")
    if status:
        statuses = {status}
    queryset = Accreditation.objects.filter(status__in=statuses).select_related(
        "member__delegation", "category"
    )
    return _filtered(queryset, filters).order_by(*order)


def review_queue(*, filters=None):
    """Requests waiting for an accreditation officer, oldest submission first."""
    return _queue(REVIEW_QUEUE, filters)


def vetting_queue(*, filters=None):
    """Requests approved by the secretariat and waiting for security, oldest approval first
    (the page's first column)."""
    return _queue(VETTING_QUEUE, filters, VETTING_ORDER)


def print_queue(*, filters=None):
    """Cleared members whose current badge is not printed yet, oldest first."""
    return _queue(PRINT_QUEUE, filters).prefetch_related(
        Prefetch("badges", queryset=Badge.objects.filter(revoked_at__isnull=True), to_attr="valid_badges")
    )


def queue_next(queue, *, after, order):
    """The request that follows `after` in `queue` (a queue above, filtered as the officer
    left it), in the queue's `order`; the first one when `after` was the last, None when the
    queue is empty. `after` may have left the queue already (just decided). One or two queries."""
    first, tiebreak = order
    value = getattr(after, first)
    following = queue.exclude(pk=after.pk)
    if value is not None:
        later = following.filter(
            Q(**{f"{first}__gt": value}) | Q(**{first: value, f"{tiebreak}__gt": getattr(after, tiebreak)})
        )
        found = later.first()
        if found is not None:
            return found
    return following.first()


def _for_screens():
    return Accreditation.objects.select_related(
        "member__delegation", "category", "reviewed_by", "vetted_by"
    ).prefetch_related("zones")


def accreditation_for_review(*, pk):
    return _for_screens().get(pk=pk)


def accreditation_for_vetting(*, pk):
    """The accreditation for security's screens, only within VETTING_SCOPE: a draft or a
    request still in review is not security's to read (else Accreditation.DoesNotExist)."""
    return _for_screens().filter(status__in=VETTING_SCOPE).get(pk=pk)


def member_in_vetting_scope(*, member_pk):
    """Whether the member's accreditation is one security may look at (VETTING_SCOPE)."""
    return Accreditation.objects.filter(member_id=member_pk, status__in=VETTING_SCOPE).exists()


def member_photo_visible(*, member_pk, user):
    """Whether `user` may see this member's photo on a staff screen: reviewers and protocol
    always; someone who only vets, from approval on, as on the vetting pages."""
    if any(user.has_perm(permission) for permission in (REVIEW, PRINT, HAND_OVER)):
        return True
    return user.has_perm(VET) and member_in_vetting_scope(member_pk=member_pk)


def assignment_suggested(*, member):
    """The category and zones the rules offer for `member`: (Category or None, [Zone]).

    The zones are the category's default zones; the rule's own list stands in when the
    category has none.
    """
    suggestion = rules.suggest(member=member)
    category = (
        Category.objects.filter(code=suggestion.category_code).prefetch_related("default_zones").first()
    )
    if category is not None and category.default_zones.all():
        return category, list(category.default_zones.all())
    return category, list(Zone.objects.filter(code__in=suggestion.zone_codes))


def current_badge(*, accreditation):
    """The valid (not revoked) badge of an accreditation, or None."""
    return accreditation.badges.filter(revoked_at__isnull=True).select_related("category").first()


#: Where a person stands, as the badge desk tells it (DeskPerson.stage).
DESK_STAGES = {
    S.DRAFT: "not_submitted",
    S.SUBMITTED: "in_review",
    S.UNDER_REVIEW: "in_review",
    S.RETURNED: "returned",
    S.REJECTED: "rejected",
    S.APPROVED: "with_security",
    S.REFUSED: "refused",
    S.CLEARED: "to_print",
    S.BADGE_ISSUED: "to_print",
    S.PRINTED: "printed",
    S.COLLECTED: "collected",
    S.REVOKED: "revoked",
}
#: At most this many people answer one search at the desk.
DESK_RESULTS = 50


@dataclass
class DeskPerson:
    """One person found at the desk: the member, their accreditation (None before the
    request is made) and their badge: the valid one, else the last one revoked."""

    member: object
    accreditation: object
    badge: object

    @property
    def stage(self):
        if self.accreditation is None:
            return "not_submitted"
        return DESK_STAGES.get(self.accreditation.status, "not_submitted")

    @property
    def has_valid_badge(self):
        return self.badge is not None and self.badge.revoked_at is None


def _passport_matches(query, member_path=""):
    """The desk's passport lookup: the number typed, spaces and case aside (exact). The number
    is encrypted at rest: its keyed hash (of the normalised number) is what matches."""
    return Q(**{f"{member_path}passport_hash": passport_hash_of(query)})


def desk_people(*, query):
    """Everyone the desk's search names: by name (accent- and case-insensitive, every word),
    passport number (exact) or badge number; in review or refused alike, so the desk can say
    why there is no badge. Each with their accreditation and badge. Three or four queries.

    The passport and badge number are looked up first and their members added by id: ORed
    in one query with a condition no index covers, the name would be matched row by row.
    """
    query = (query or "").strip()
    if not query:
        return []
    members = Member.objects.all()
    extra = list(members.filter(_passport_matches(query)).values_list("pk", flat=True)[:DESK_RESULTS])
    if query.isdigit() and len(query) < 10:
        extra += Badge.objects.filter(number=int(query)).values_list("accreditation__member_id", flat=True)
    found = list(
        members.filter(member_name_q(query) | Q(pk__in=extra))
        .select_related("delegation", "accreditation__category")
        .prefetch_related(
            Prefetch(
                "accreditation__badges",
                queryset=Badge.objects.select_related("category", "collected_by").order_by(
                    F("revoked_at").desc(nulls_first=True), "-version"
                ),
                to_attr="desk_badges",
            )
        )
        # Lower(): in alphabetical order whatever the case, and a sort of the few matches
        # rather than a walk of the family-name index that reads every member.
        .order_by(Lower("family_name"), Lower("given_names"), "pk")[:DESK_RESULTS]
    )
    people = []
    for member in found:
        accreditation = getattr(member, "accreditation", None)
        badges = accreditation.desk_badges if accreditation is not None else []
        people.append(
            DeskPerson(member=member, accreditation=accreditation, badge=badges[0] if badges else None)
        )
    return people


def desk_printable(*, pk):
    """An accreditation the desk may print a badge for (cleared, or issued and not printed)."""
    return print_queue().get(pk=pk)


def badges_by_name(*, text):
    """Valid badges whose holder's name contains every word of `text`, whatever the case and
    accents (members_matching): the gate's search by name. A queryset, the holder and the
    delegation selected; slice it. None for an empty `text`."""
    if not (text or "").strip():
        return Badge.objects.none()
    badges = Badge.objects.filter(revoked_at__isnull=True).select_related(
        "accreditation__member__delegation", "category"
    )
    return members_matching(badges, text, member_path="accreditation__member__").order_by(
        "accreditation__member__family_name", "number"
    )


def badges_for_rendering(*, batch):
    return (
        Badge.objects.filter(print_batch=batch)
        .select_related("accreditation__member__delegation", "category")
        .order_by("number", "version")
    )


def print_batches():
    return PrintBatch.objects.select_related("created_by").order_by("-created_at", "-id")


def badges_printed_outside_batches():
    """How many badge versions are marked printed without a print batch (one at a time at the
    desk, or imported as printed)."""
    return Badge.objects.filter(printed_at__isnull=False, print_batch__isnull=True).count()


@dataclass
class ZoneOccupancy:
    zone: Zone
    ins: int
    outs: int

    @property
    def inside(self):
        # A badge that entered before the day's first scan-out may make outs exceed ins.
        return max(self.ins - self.outs, 0)

    @property
    def percent(self):
        if not self.zone.capacity:
            return None
        return round(100 * self.inside / self.zone.capacity)


def zone_occupancy(*, now=None):
    """Who is inside each zone now: granted ins minus granted outs since midnight in Hanoi.

    Counting from midnight, not from the start of the event, because nobody scans out when
    the venue closes at night. "Now" is the event clock's (pinned for the demo, whose scans
    are of that morning); scans after it count too, so a demo's own scans show. One query.
    """
    now = timezone.localtime(now or event_now(), HANOI)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = Q(
        scans__result=ScanResult.GRANTED, scans__scanned_at__gte=midnight, scans__undone_at__isnull=True
    )
    # A second entry let in with a warning (logged already_inside) does not count twice.
    first_in = Q(scans__direction=Direction.IN) & ~Q(scans__reason=ScanReason.ALREADY_INSIDE)
    zones = Zone.objects.annotate(
        n_in=Count("scans", filter=today & first_in),
        n_out=Count("scans", filter=today & Q(scans__direction=Direction.OUT)),
    ).order_by("sort_order", "code")
    return [ZoneOccupancy(zone=z, ins=z.n_in, outs=z.n_out) for z in zones]


# --- Gate alerts for security --------------------------------------------------------------


def scans_granted_while_void():
    """Scans a gate granted offline for a badge void before the scan (gate/offline.py),
    newest first, with the person and the zone."""
    return (
        Scan.objects.filter(granted_while_void=True)
        .select_related("zone", "badge__accreditation__member__delegation", "badge__category")
        .order_by("-scanned_at", "-id")
    )


def gate_alert_count():
    """How many scans were granted offline for a void badge. One query (a partial index)."""
    return Scan.objects.filter(granted_while_void=True).count()


def gate_devices_status():
    """The registered gate devices: when each last called, and the scans it holds. One query."""
    return list(
        GateDevice.objects.order_by("name").only("name", "last_seen_at", "scans_waiting", "revoked_at")
    )
