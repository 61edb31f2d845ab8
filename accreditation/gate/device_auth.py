"""A registered gate device's token as DRF authentication ("Authorization: Token gd_...").

The request's user is the device itself (GateDevicePrincipal): it may scan at its own zones
and nothing else; scans it makes are logged with its name and no officer.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from accreditation.models import GateDevice
from accreditation.permissions import CHECK_IN
from accreditation.services.gate_devices import (
    TOKEN_PREFIX,
    gate_device_of_token,
    gate_device_revoked,
    gate_device_seen,
)

#: The header a device may send with every request: the scans it holds, not yet sent.
WAITING_HEADER = "X-Scans-Waiting"
#: The header of an answer to a device the secretariat asked to replace its token: it calls
#: POST /api/gate/device/rotate/ (gate_device_ask_rotation).
ROTATE_HEADER = "X-Token-Rotate"
#: The refusal's code for a revoked device's token: the gate app stops granting on it.
REVOKED_CODE = "device_revoked"


class GateDevicePrincipal:
    """request.user for a device: authenticated, allowed to check in, nothing more."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    may_check_in = True
    pk = id = None

    def __init__(self, device):
        self.gate_device = device
        self.username = f"device:{device.name}"

    def __str__(self):
        return self.username

    def has_perm(self, perm, obj=None):
        return perm == CHECK_IN

    def has_perms(self, perms, obj=None):
        return all(self.has_perm(perm) for perm in perms)


def _waiting(request):
    value = request.headers.get(WAITING_HEADER, "")
    return int(value) if value.isdigit() and len(value) < 9 else None


class GateDeviceAuthentication(BaseAuthentication):
    """A "Token gd_..." header: the GateDevice it opens (else 401/403); any other header is
    left to the next authentication (people's tokens)."""

    keyword = "Token"

    def authenticate(self, request):
        parts = request.headers.get("Authorization", "").split()
        if len(parts) != 2 or parts[0].lower() != "token" or not parts[1].startswith(TOKEN_PREFIX):
            return None
        device = gate_device_of_token(parts[1])
        if device is None:
            if gate_device_revoked(parts[1]):
                raise exceptions.AuthenticationFailed(
                    _("This device's token was revoked."), code=REVOKED_CODE
                )
            raise exceptions.AuthenticationFailed(_("Invalid or revoked device token."))
        gate_device_seen(device, waiting=_waiting(request))
        return GateDevicePrincipal(device), device

    def authenticate_header(self, request):
        return self.keyword


class DeviceSignals:
    """A gate view's mixin: the answer to a device the secretariat asked for a new token
    carries ROTATE_HEADER, whatever the call (the app syncs every few seconds)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # What authentication found, if it ran: asking request.auth would run it again (and
        # could raise here) on an answer given before it (a 406).
        device = getattr(request._request, "auth", None)
        if isinstance(device, GateDevice) and device.rotate_requested:
            response[ROTATE_HEADER] = "1"
        return response
