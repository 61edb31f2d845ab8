"""The dashboard's fixture: a small event whose every figure is known."""

import datetime as dt

import pytest
from django.utils import timezone

from accreditation.models import AccreditationStatus as S
from accreditation.models import Direction, Scan, ScanResult
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus
from hanoi_summit.core.models import EmailStatus
from sessions.models import BookingMode, BookingStatus
from tests import factories as f


def _member(delegation, **kwargs):
    return f.MemberFactory(delegation=delegation, photo="", **kwargs)


def _accreditation(delegation, status, **kwargs):
    return f.AccreditationFactory(member=_member(delegation), status=status, **kwargs)


@pytest.fixture
def event():
    """A small event whose every figure is known (see the assertions)."""
    now = timezone.now()
    d = {}
    for key, kind, status, country in [
        ("vn", K.HOST_COUNTRY, DelegationStatus.CONFIRMED, "VN"),
        ("fr", K.MEMBER_STATE, DelegationStatus.CONFIRMED, "FR"),
        ("de", K.MEMBER_STATE, DelegationStatus.CONFIRMED, "DE"),
        ("jp", K.MEMBER_STATE, DelegationStatus.REGISTERED, "JP"),
        ("br", K.MEMBER_STATE, DelegationStatus.WITHDRAWN, "BR"),
        ("ch", K.OBSERVER_STATE, DelegationStatus.CONFIRMED, "CH"),
        ("eu", K.REIO, DelegationStatus.CONFIRMED, ""),
        ("unodc", K.UN_ENTITY, DelegationStatus.CONFIRMED, ""),
        ("interpol", K.IGO, DelegationStatus.REGISTERED, ""),
        ("ngo", K.NGO, DelegationStatus.INVITED, ""),
    ]:
        d[key] = f.DelegationFactory(kind=kind, status=status, country=country, code=key, name=key.upper())

    for status, n in [
        (S.DRAFT, 1),
        (S.SUBMITTED, 2),
        (S.UNDER_REVIEW, 1),
        (S.RETURNED, 1),
        (S.CLEARED, 1),
        (S.REFUSED, 1),
        (S.PRINTED, 1),
        (S.COLLECTED, 2),
    ]:
        for _ in range(n):
            _accreditation(d["fr"], status)
    # Waiting for security for 1, 3 and 10 hours: oldest 10 h, median 3 h.
    for hours in (1, 3, 10):
        _accreditation(d["fr"], S.APPROVED, reviewed_at=now - dt.timedelta(hours=hours))

    open_small = f.SessionFactory(capacity=10, title="Roundtable A")
    open_room = f.SessionFactory(capacity=None, room=f.RoomFactory(capacity=50), title="Roundtable B")
    closed = f.SessionFactory(booking_mode=BookingMode.NONE, title="Opening")
    f.SessionFactory(is_cancelled=True, title="Cancelled roundtable")
    for session, status, n in [
        (open_small, BookingStatus.CONFIRMED, 3),
        (open_small, BookingStatus.WAITLISTED, 1),
        (open_small, BookingStatus.CANCELLED, 1),
        (open_room, BookingStatus.CONFIRMED, 2),
        (closed, BookingStatus.CONFIRMED, 1),
    ]:
        for _ in range(n):
            f.BookingFactory(session=session, member=_member(d["de"]), status=status)

    f.SignatureFactory(delegation=d["vn"], signed_at=now, slot_order=1, signatory__photo="")
    f.SignatureFactory(delegation=d["fr"], slot_order=2, signatory__photo="")
    f.SignatureFactory(delegation=d["de"], signatory__photo="")
    f.SignatureFactory(delegation=d["jp"], intends_to_sign=False, signatory__photo="")
    f.SignatureFactory(delegation=d["eu"], signed_at=now, signatory__photo="")

    plenary = f.ZoneFactory(code="PLN", name="Plenary hall", capacity=100, sort_order=1)
    vip = f.ZoneFactory(code="VIP", name="VIP lounge", sort_order=2)
    f.ZoneFactory(code="BNQ", name="Banquet hall", sort_order=3)
    badge = f.BadgeFactory(
        accreditation=_accreditation(d["fr"], S.COLLECTED), category=f.CategoryFactory(code="DEL")
    )
    for zone, direction, result, n in [
        (plenary, Direction.IN, ScanResult.GRANTED, 5),
        (plenary, Direction.OUT, ScanResult.GRANTED, 2),
        (plenary, Direction.IN, ScanResult.DENIED, 1),
        (vip, Direction.IN, ScanResult.GRANTED, 1),
    ]:
        for _ in range(n):
            f.ScanFactory(badge=badge, zone=zone, direction=direction, result=result)
    yesterday = f.ScanFactory(badge=badge, zone=vip, direction=Direction.IN)
    Scan.objects.filter(pk=yesterday.pk).update(scanned_at=now - dt.timedelta(days=1, hours=1))

    for status, n in [
        (EmailStatus.QUEUED, 2),
        (EmailStatus.SENDING, 1),
        (EmailStatus.FAILED, 1),
        (EmailStatus.SENT, 3),
    ]:
        for _ in range(n):
            f.OutgoingEmailFactory(status=status)
    return d
