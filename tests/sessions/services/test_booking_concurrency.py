"""Capacity under concurrent bookings, on PostgreSQL: the race is real without the lock,
and the lock stops it."""

import threading
import time

import pytest
from django.db import close_old_connections, connections

from sessions.models import Booking, BookingStatus, Session
from sessions.services import bookings as booking_services
from tests import factories

# Serialized rollback brings back the role groups that the flush after a transactional test
# removes, so later tests still find them.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
SEATS_LEFT = 2


@pytest.fixture
def slow_insert(monkeypatch):
    """Widen the window between counting seats and inserting the booking, as a loaded server
    would, so the race (if the code allows one) shows up on every run."""
    create = Booking.objects.create

    def delayed_create(**kwargs):
        time.sleep(0.05)
        return create(**kwargs)

    monkeypatch.setattr(Booking.objects, "create", delayed_create)


@pytest.fixture
def no_row_lock(monkeypatch):
    """lock_session without FOR UPDATE: shows that these threads do race, so the test with
    the lock proves something."""

    def unlocked(session):
        return Session.objects.select_related("room__venue").get(pk=session.pk)

    monkeypatch.setattr(booking_services, "lock_session", unlocked)


def _fire():
    session = factories.SessionFactory(capacity=10)
    # Eight seats already taken by others: two left.
    for _ in range(10 - SEATS_LEFT):
        factories.BookingFactory(session=session)
    focal_points = [factories.FocalPointFactory() for _ in range(THREADS)]
    members = [factories.MemberFactory(delegation=fp.delegation) for fp in focal_points]
    barrier = threading.Barrier(THREADS)
    errors = []

    def book(index):
        close_old_connections()
        try:
            barrier.wait()
            booking_services.booking_request(
                session=session,
                member=members[index],
                delegation=focal_points[index].delegation,
                actor=focal_points[index].user,
            )
        except Exception as exc:  # every failure is reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count()
    waitlisted = Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).count()
    return confirmed, waitlisted


def test_without_the_lock_parallel_bookings_overbook(require_postgres, slow_insert, no_row_lock):
    confirmed, waitlisted = _fire()
    assert confirmed > 10, "the race should overbook without the row lock"
    assert confirmed + waitlisted == 10 - SEATS_LEFT + THREADS


def test_with_the_lock_capacity_holds(require_postgres, slow_insert):
    confirmed, waitlisted = _fire()
    assert confirmed == 10
    assert waitlisted == THREADS - SEATS_LEFT
