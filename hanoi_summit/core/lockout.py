"""Login lock-outs (django-axes): per account *at* an address, with a higher ceiling per address.

Axes compares one failure count with one limit. Locking by username *or* address let anyone
lock out a whole office (five failures for a made-up name from behind its NAT or our load
balancer locked every account there), and an attacker could lock a delegate out from
anywhere. Here:

- ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``: the ordinary limit
  (``AXES_FAILURE_LIMIT``) counts the failures for one username from one address; the
  account stays open from every other address;
- ``AXES_ADDRESS_FAILURE_LIMIT`` (by default ten times that) counts every failure from one
  address, whatever the usernames, so guessing across many accounts from one address still
  stops. It is kept out of the lockout parameters so that a successful login (which resets
  the attempts matching those parameters) cannot wipe an address's count.

A second factor's wrong codes count as failures of the same account at the same address, with
its wrong passwords (``second_factor_failed``): one limit for both steps of a sign-in. The
password step of an account that has a second factor is therefore not a success that wipes
the count; the second step's success is (``second_factor_passed``). Otherwise a thief with
the password could guess codes forever, signing in again before each lock-out.

Only logins count: API requests authenticate with a token (DRF's TokenAuthentication looks
the key up without django.contrib.auth.authenticate), so they never record a failure and are
never locked out.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django_otp import user_has_device


def client_ip(request):
    """The client's address, seen through ``TRUSTED_PROXY_COUNT`` proxies of our own.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    N trusted proxies the client is the N-th entry from the right; anything further left was
    written by the client and is not trusted. 0 (the default): REMOTE_ADDR, the peer itself.
    A header shorter than N, or an entry that is not an address, falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class AddressCeilingHandler(AxesDatabaseHandler):
    """Axes's database handler, plus the per-address ceiling described in the module docstring."""

    def get_failures(self, request, credentials=None) -> int:
        # Failures of this username from this address (the lockout parameters).
        failures = super().get_failures(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        from_address = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Axes compares get_failures with AXES_FAILURE_LIMIT: reach it, so the address
            # is locked for every username.
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    def user_logged_in(self, sender, request, user, **kwargs):
        # A password followed by a second step is half a sign-in: its failures stay counted
        # until the second factor is given (second_factor_passed).
        request.hs_second_step_follows = user_has_device(user)
        super().user_logged_in(sender, request, user, **kwargs)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "hs_second_step_follows", False):
            return 0
        return super().reset_user_attempts(request, credentials)


def _credentials(user):
    return get_credentials(user.get_username())


def second_factor_allowed(request, user):
    """Whether `user` may try a code from this address: not while the account is locked out."""
    return AxesProxyHandler.is_allowed(request, _credentials(user))


def second_factor_failed(request, user):
    """Count a wrong code as a failed login; axes marks the request locked out at the limit."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def second_factor_passed(request, user):
    """The sign-in is complete: forget the failures of this account at this address."""
    if not settings.AXES_RESET_ON_SUCCESS:
        return
    AxesProxyHandler.update_request(request)
    request.hs_second_step_follows = False
    AxesProxyHandler.get_implementation().reset_user_attempts(request, _credentials(user))
