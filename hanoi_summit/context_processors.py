from django.conf import settings


def event(request):
    """The event's name and dates, shown in every page's header and footer."""
    return {
        "EVENT_NAME": settings.EVENT_NAME,
        "EVENT_LONG_NAME": settings.EVENT_LONG_NAME,
        "EVENT_DATES": settings.EVENT_DATES,
    }
