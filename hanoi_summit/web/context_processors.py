from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from hanoi_summit.core.clock import HANOI, pinned_now
from hanoi_summit.web.middleware import STAFF
from hanoi_summit.web.navigation import sections_for


def event(request):
    """The event's name and dates, shown in every page's header and footer, in the page's language."""
    return {
        "EVENT_NAME": gettext(settings.EVENT_NAME),
        "EVENT_LONG_NAME": gettext(settings.EVENT_LONG_NAME),
        "EVENT_DATES": gettext(settings.EVENT_DATES),
        # Set when the event clock is pinned (demo, rehearsal): every page says so.
        "EVENT_CLOCK_PINNED": _in_hanoi(pinned_now()),
        # The demo (DEBUG) lets staff in without a second factor: every page says so.
        "SECOND_FACTOR_OFF_IN_DEMO": settings.DEBUG and not settings.STAFF_REQUIRE_2FA,
    }


def _in_hanoi(moment):
    return timezone.localtime(moment, HANOI) if moment else None


def staff_role(request):
    """HAS_STAFF_ROLE: the user works in a staff role, admin or not (security and gate accounts
    are not staff): the menu offers them no delegation portal. Read from the session, where the
    login recorded it (hanoi_summit.web.middleware.stamp_login), only if a page asks."""
    session = getattr(request, "session", None)
    return {"HAS_STAFF_ROLE": SimpleLazyObject(lambda: bool(session is not None and session.get(STAFF)))}


def navigation(request):
    """NAV_SECTIONS: the top bar's sections for this user (hanoi_summit.web.navigation), worked
    out only if the page shows the bar."""
    return {
        "NAV_SECTIONS": SimpleLazyObject(
            lambda: sections_for(request, has_staff_role=bool(staff_role(request)["HAS_STAFF_ROLE"]))
        )
    }
