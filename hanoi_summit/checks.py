"""Deployment checks of the project's own settings (python manage.py check --deploy)."""

from django.conf import settings
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured


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


def badge_signing_key_is_set(app_configs, **kwargs):
    """Production signs badges with BADGE_SIGNING_KEY, the same key on every host.

    Without it each host would make a development key of its own: badges printed by one
    would fail at gates served by another, and a lost disk would void every badge.
    """
    if settings.DEBUG or settings.BADGE_SIGNING_KEY:
        return []
    return [
        Error(
            "BADGE_SIGNING_KEY is not set and DEBUG is off.",
            hint="Set BADGE_SIGNING_KEY to the event's Ed25519 key (PEM), the same on every host "
            "(README, Production topology).",
            id="hanoi_summit.E001",
        )
    ]


def field_keys_are_set(app_configs, **kwargs):
    """Production encrypts passport data with FIELD_ENCRYPTION_KEYS and hashes passport
    numbers with FIELD_HASH_KEY, the same on every host (hanoi_summit/core/crypto.py).

    Without them each host would make development keys of its own: what one host wrote,
    another could not read, and a lost disk would make every passport unreadable.
    """
    if settings.DEBUG:
        return []
    missing = [name for name in ("FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY") if not getattr(settings, name)]
    if not missing:
        return []
    return [
        Error(
            f"{' and '.join(missing)} not set and DEBUG is off.",
            hint="Set FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated, the first encrypts) and "
            "FIELD_HASH_KEY, the same on every host (README, Keys).",
            id="hanoi_summit.E002",
        )
    ]


def refuse_to_serve_without_keys():
    """Called by wsgi.py, asgi.py and the Celery worker: a production process does not start
    without its keys."""
    errors = badge_signing_key_is_set(None) + field_keys_are_set(None)
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
