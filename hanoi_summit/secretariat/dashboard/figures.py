"""The secretariat dashboard's figures, composed from the apps' tables: selectors, they only read.

One function per figure group. Each runs a fixed number of aggregate queries whatever the
number of rows (the dashboard's query count is tested with a small and a larger data set),
and returns plain data: the view and the charts only lay it out.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce

from accreditation.models import Accreditation, AccreditationStatus
from delegations.models import STATE_KINDS, Delegation, DelegationKind, DelegationStatus
from hanoi_summit.core.clock import event_now
from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from sessions.models import BookingMode, BookingStatus, Session, Signature

ZERO = dt.timedelta(0)

S = AccreditationStatus

#: The statuses the accreditation funnel shows, in the order a request moves through them.
FUNNEL_STATUSES = (
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.RETURNED,
    S.APPROVED,
    S.CLEARED,
    S.REFUSED,
    S.BADGE_ISSUED,
    S.PRINTED,
    S.COLLECTED,
)

#: Cumulative stages: how many requests ever reached each step, read from current statuses.
#: A refused or revoked request had been approved first (see accreditation.workflow).
FUNNEL_STAGES = (
    ("submitted", [s for s in S if s != S.DRAFT]),
    ("approved", [S.APPROVED, S.CLEARED, S.REFUSED, S.BADGE_ISSUED, S.PRINTED, S.COLLECTED, S.REVOKED]),
    ("cleared", [S.CLEARED, S.BADGE_ISSUED, S.PRINTED, S.COLLECTED]),
    ("printed", [S.PRINTED, S.COLLECTED]),
    ("collected", [S.COLLECTED]),
)


@dataclass
class DelegationFigures:
    #: {kind: {status: count}} with every kind and status present (zeros included).
    by_kind: dict
    total: int
    #: States (host, members, observers) whose participation is confirmed: the press's figure.
    countries_confirmed: int
    by_status: dict = field(default_factory=dict)


def delegation_figures():
    """Delegations by kind and status, and the countries confirmed. One query."""
    by_kind = {kind: dict.fromkeys(DelegationStatus.values, 0) for kind in DelegationKind.values}
    rows = Delegation.objects.order_by().values("kind", "status").annotate(n=Count("id"))
    for row in rows:
        by_kind.setdefault(row["kind"], {})[row["status"]] = row["n"]
    by_status = dict.fromkeys(DelegationStatus.values, 0)
    for statuses in by_kind.values():
        for status, n in statuses.items():
            by_status[status] = by_status.get(status, 0) + n
    countries = sum(by_kind[kind][DelegationStatus.CONFIRMED] for kind in STATE_KINDS)
    return DelegationFigures(
        by_kind=by_kind, total=sum(by_status.values()), countries_confirmed=countries, by_status=by_status
    )


@dataclass
class AccreditationFigures:
    #: {status: count} for every status, drafts included.
    by_status: dict
    #: [(stage name, count)] in FUNNEL_STAGES order.
    stages: list


def accreditation_figures():
    """Accreditations by status and the cumulative funnel. One query."""
    by_status = dict.fromkeys(S.values, 0)
    for row in Accreditation.objects.order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    stages = [(name, sum(by_status[s] for s in statuses)) for name, statuses in FUNNEL_STAGES]
    return AccreditationFigures(by_status=by_status, stages=stages)


@dataclass
class VettingBacklog:
    """Requests approved by the secretariat and waiting for security."""

    count: int
    #: Age of the oldest and the median waiting request; None when nobody waits.
    oldest: dt.timedelta | None
    median: dt.timedelta | None


def vetting_backlog(*, now=None):
    """The vetting backlog and its age, measured from approval. Two queries, always.

    The median is read with an offset into the ordered waiting times rather than with a
    percentile aggregate, which SQLite lacks; that query runs even when nobody waits so
    that the number of queries does not depend on the data.
    """
    now = now or event_now()
    waiting = Accreditation.objects.filter(status=S.APPROVED).annotate(
        waiting_since=Coalesce("reviewed_at", "submitted_at", "created_at")
    )
    summary = waiting.order_by().aggregate(n=Count("id"), oldest=Min("waiting_since"))
    count = summary["n"]
    low = max((count - 1) // 2, 0)
    middle = list(
        waiting.order_by("waiting_since", "id").values_list("waiting_since", flat=True)[low : low + 2]
    )
    if not count or not middle:
        return VettingBacklog(count=0, oldest=None, median=None)
    # The two queries are not one snapshot: a request cleared between them can leave one row
    # where two were expected; the middle one is then median enough.
    median_since = middle[0] if count % 2 or len(middle) < 2 else middle[0] + (middle[1] - middle[0]) / 2
    # Under a pinned event clock (the demo) a request approved just now is "later" than now.
    return VettingBacklog(
        count=count, oldest=max(now - summary["oldest"], ZERO), median=max(now - median_since, ZERO)
    )


@dataclass
class SessionBookings:
    session: Session
    seats: int
    confirmed: int
    waitlisted: int

    @property
    def percent(self):
        return round(100 * self.confirmed / self.seats) if self.seats else 0


def session_bookings():
    """Confirmed and waitlisted bookings against seats, per session open for booking. One query."""
    sessions = (
        Session.objects.filter(booking_mode=BookingMode.OPEN, is_cancelled=False)
        .select_related("room")
        .annotate(
            n_confirmed=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)),
            n_waitlisted=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
            n_seats=Coalesce("capacity", "room__capacity"),
        )
        .order_by("starts_at", "title")
    )
    return [
        SessionBookings(session=s, seats=s.n_seats, confirmed=s.n_confirmed, waitlisted=s.n_waitlisted)
        for s in sessions
    ]


@dataclass
class SignatureFigures:
    #: States (and the EU) that have signed so far.
    signed: int
    #: Those that intend to sign, signed or not.
    planned: int
    #: Those given a slot in the ceremony.
    with_slot: int


def signature_figures():
    """Signatories so far, and planned. One query."""
    totals = Signature.objects.order_by().aggregate(
        signed=Count("id", filter=Q(signed_at__isnull=False)),
        planned=Count("id", filter=Q(intends_to_sign=True)),
        with_slot=Count("id", filter=Q(intends_to_sign=True, slot_order__isnull=False)),
    )
    return SignatureFigures(**totals)


@dataclass
class EmailFigures:
    by_status: dict

    @property
    def queued(self):
        return self.by_status[EmailStatus.QUEUED] + self.by_status[EmailStatus.SENDING]

    @property
    def failed(self):
        return self.by_status[EmailStatus.FAILED]


def email_figures():
    """The outbox by status. One query."""
    by_status = dict.fromkeys(EmailStatus.values, 0)
    for row in OutgoingEmail.objects.order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    return EmailFigures(by_status=by_status)
