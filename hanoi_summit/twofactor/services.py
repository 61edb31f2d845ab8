"""Writes to an account's second factors. Secrets (a TOTP key, recovery codes) are shown to
their owner once, on their own pages, and nowhere else: not in the admin, logs or the audit."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.lockout import second_factor_allowed, second_factor_failed, second_factor_passed
from hanoi_summit.twofactor import policy
from hanoi_summit.twofactor.selectors import factors_of

#: Session key: whether this session still owes its second step (set at login, cleared when
#: it is given), so the gate reads the session rather than querying devices on every request.
DUE = "hs_second_factor_due"

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_APP = "Authenticator app"
RECOVERY_CODES = "Recovery codes"


class SecondFactorLockedOut(Exception):
    """Too many wrong passwords or codes for this account from this address."""


def mark_due(request, user):
    """Record in the session whether its sign-in needs a second step (at login)."""
    request.session[DUE] = due = policy.is_due(user)
    return due


def _verified(request, device):
    otp_login(request, device)
    request.session[DUE] = False
    second_factor_passed(request, request.user)


def passkey_verified(request):
    """The WebAuthn plugin verified a passkey (or registered the first one): the session is
    complete."""
    request.session[DUE] = False
    second_factor_passed(request, request.user)


def verify_code(request, code):
    """Check a code from the authenticator app or a recovery code (used up by this). True when
    it is right; a wrong one counts towards the lock-out, which raises SecondFactorLockedOut."""
    user = request.user
    if not second_factor_allowed(request, user):
        raise SecondFactorLockedOut
    code = "".join(code.split()).lower()
    with transaction.atomic():
        # Locked rows: a code (a recovery code above all) is good once, even if two requests
        # bring it at the same moment.
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, TOTPDevice | StaticDevice) and device.verify_token(code):
                _verified(request, device)
                return True
    if second_factor_failed(request, user):
        raise SecondFactorLockedOut
    return False


def totp_pending(user):
    """The authenticator-app device being set up: its key is shown until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)


def totp_confirm(request, device, code):
    """Confirm a new authenticator app with its first code. Returns fresh recovery codes when
    the account had none (None otherwise); raises DomainError on a wrong code."""
    user = request.user
    code = "".join(code.split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(code):
            raise DomainError(
                _("The code is not right. Check the time on your phone and try again."),
                code="wrong_code",
                field="code",
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = None if factors_of(user).recovery_codes_left else recovery_codes_issue(user)
        audit_record(actor=user, action="user.second_factor_added", target=user, after={"kind": "totp"})
    _verified(request, device)
    return codes


def recovery_codes_issue(user):
    """A new set of one-time recovery codes, replacing the old set: returned once, to show."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _remove_all(user):
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def second_factor_reset(*, user, actor):
    """A secretariat user removes someone's lost factors and recovery codes: at their next
    sign-in, staff enrol again. Audited with what there was (never the secrets)."""
    if user.pk == actor.pk:
        raise DomainError(
            _("Reset your own second factor from your account's security page."), code="own_account"
        )
    with transaction.atomic():
        before = factors_of(user).as_counts()
        _remove_all(user)
        audit_record(actor=actor, action="user.second_factor_reset", target=user, before=before)


def second_factor_turn_off(request):
    """An account that need not have a second factor (a focal point) turns it off."""
    user = request.user
    if policy.is_required(user):
        raise DomainError(_("Staff accounts must keep a second factor."), code="required")
    with transaction.atomic():
        before = factors_of(user).as_counts()
        _remove_all(user)
        audit_record(actor=user, action="user.second_factor_turned_off", target=user, before=before)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[DUE] = False


def passkey_remove(request, pk):
    """Remove one of one's own passkeys; staff who must have a factor keep at least one."""
    user = request.user
    with transaction.atomic():
        credential = WebAuthnCredential.objects.filter(user=user, pk=pk).first()
        if credential is None:
            raise DomainError(_("No such passkey."), code="not_found")
        factors = factors_of(user)
        if policy.is_required(user) and not factors.authenticator_app and len(factors.passkeys) == 1:
            raise DomainError(_("Staff accounts must keep a second factor."), code="required")
        credential.delete()
        audit_record(actor=user, action="user.second_factor_removed", target=user, after={"kind": "passkey"})
