"""Who must give a second factor after the password."""

from django.conf import settings
from django_otp import user_has_device

from hanoi_summit.roles import has_staff_role


def is_required(user):
    """Staff accounts (any role, admin or not) must have a second factor when STAFF_REQUIRE_2FA
    is on; nobody else must, though focal points may turn one on."""
    return settings.STAFF_REQUIRE_2FA and has_staff_role(user)


def has_second_factor(user):
    """A confirmed TOTP app, passkey or set of recovery codes."""
    return user_has_device(user, confirmed=True)


def is_due(user):
    """Whether `user`'s sign-in needs a second step: whoever has a second factor gives it (a
    focal point who turned it on included), and staff who must have one and have none yet
    enrol before anything else."""
    return has_second_factor(user) or is_required(user)
