"""The programme's clock.

Booking and speaking rules compare with "now". The event (October 2025) is in the past on
most machines that run the demo, so the clock can be pinned: settings.PROGRAMME_NOW (env
PROGRAMME_NOW, an ISO 8601 time with offset) makes the whole programme behave as if it were
that moment. Unset, it is the real time. Services also take `now=` for tests.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def programme_now():
    pinned = getattr(settings, "PROGRAMME_NOW", "")
    if pinned:
        value = dt.datetime.fromisoformat(pinned)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    return timezone.now()
