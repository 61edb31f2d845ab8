"""The event's clock: one Hanoi time zone, and a clock that can be pinned."""

import datetime as dt

from django.conf import settings

from hanoi_summit.core.clock import HANOI, event_now, event_today


def test_django_and_celery_use_the_clocks_time_zone():
    # settings.py names the zone as a string rather than import app code; this keeps the
    # string and the clock from drifting apart.
    assert HANOI.key == settings.TIME_ZONE
    assert HANOI.key == settings.CELERY_TIMEZONE


def test_a_pinned_clock_gives_that_moment_and_its_day_in_hanoi(settings):
    # 23:30 UTC on the 24th is already the 25th in Hanoi (UTC+7).
    settings.EVENT_NOW = "2025-10-24T23:30:00+00:00"
    assert event_now() == dt.datetime(2025, 10, 24, 23, 30, tzinfo=dt.UTC)
    assert event_today() == dt.date(2025, 10, 25)
