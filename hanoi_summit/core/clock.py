"""The event's clock: "now" and "today" for every rule that depends on the event's time.

The programme's booking and speaking rules, the gates' "valid today" and the dashboard's
"inside now" and backlog ages compare with it.
The event (25-26 October 2025) is in the past on most machines that run the demo, and a
rehearsal runs days before it, so the clock can be pinned: settings.EVENT_NOW (an ISO 8601
time with offset) makes those rules behave as at that moment. Unset, it is the real time.
What is recorded (scans, reviews, e-mails) keeps the real time. Services also take `now=`
for tests.
"""

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@functools.lru_cache(maxsize=4)
def _parsed(pinned):
    value = dt.datetime.fromisoformat(pinned)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def pinned_now():
    """The pinned moment, or None when the clock is the real one."""
    pinned = getattr(settings, "EVENT_NOW", "")
    return _parsed(pinned) if pinned else None


def event_now():
    return pinned_now() or timezone.now()


def event_end():
    """The moment the event is over: midnight in Hanoi after its last day (EVENT_LAST_DAY)."""
    last_day = dt.date.fromisoformat(settings.EVENT_LAST_DAY)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=HANOI)


def event_today():
    """Today's date in Hanoi, where the event and its gates are."""
    return event_now().astimezone(HANOI).date()
