"""Deployment checks of the project's own settings (python manage.py check --deploy)."""

from django.conf import settings
from django.core.checks import Warning


def event_clock_is_real(app_configs, **kwargs):
    """A pinned event clock lets the gates admit badges on a day they are not valid."""
    if not getattr(settings, "EVENT_NOW", ""):
        return []
    return [
        Warning(
            f"EVENT_NOW is set ({settings.EVENT_NOW}): the programme and the gates judge by that "
            "moment, not the real time.",
            hint="Unset EVENT_NOW for the event itself; keep it only for a demo or a rehearsal.",
            id="hanoi_summit.W001",
        )
    ]
