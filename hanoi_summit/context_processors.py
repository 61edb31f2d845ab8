from django.conf import settings
from django.utils.translation import gettext


def event(request):
    """The event's name and dates, shown in every page's header and footer, in the page's language."""
    return {
        "EVENT_NAME": gettext(settings.EVENT_NAME),
        "EVENT_LONG_NAME": gettext(settings.EVENT_LONG_NAME),
        "EVENT_DATES": gettext(settings.EVENT_DATES),
    }
