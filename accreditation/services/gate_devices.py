"""Gate devices: registered by the secretariat, each with its own token.

A token is shown once, when made or replaced, and only its SHA-256 is stored: nobody can read
it later (README, Security). The secretariat can revoke a device or give it a new token (a
stolen phone); the device can replace its own token without anyone signing in again
(gate_device_rotate), its previous token still accepted until the new one is first used.
"""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import GateDevice
from accreditation.services.gate import gate_settings_changed
from accreditation.workflow import AccreditationError
from hanoi_summit.core.audit import audit_record

#: Device tokens start with this, so the API tells them from people's tokens at a glance.
TOKEN_PREFIX = "gd_"
#: A device's "last seen" is written at most this often: not on every scan.
SEEN_EVERY = dt.timedelta(seconds=30)


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def gate_device_of_token(token):
    """The device this token opens (not revoked), or None. A device's first use of its new
    token retires the previous one."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(token)
    device = (
        GateDevice.objects.filter(
            Q(token_hash=digest) | Q(previous_token_hash=digest), revoked_at__isnull=True
        )
        .prefetch_related("zones")
        .first()
    )
    if device is None:
        return None
    if device.token_hash == digest and device.previous_token_hash:
        GateDevice.objects.filter(pk=device.pk).update(previous_token_hash=None)
        device.previous_token_hash = None
    #: Which of its tokens the device asked with (gate_device_rotate needs it).
    device.asked_with = digest
    return device


def gate_device_revoked(token):
    """Whether this token is one a revoked device held: the device is told so, not just
    refused (it stops granting and says why)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return False
    digest = token_digest(token)
    return GateDevice.objects.filter(token_hash=digest, revoked_at__isnull=False).exists()


@transaction.atomic
def gate_device_register(*, name, zones, actor):
    """A new device for these zones; returns (device, its token: shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise AccreditationError(_("Give the device a name."), code="name_required", field="name")
    if GateDevice.objects.filter(name=name).exists():
        raise AccreditationError(_("A device already has this name."), code="name_taken", field="name")
    token = _new_token()
    device = GateDevice.objects.create(
        name=name, token_hash=token_digest(token), token_created_at=timezone.now(), created_by=actor
    )
    device.zones.set(zones)
    audit_record(
        actor=actor, action="gate_device.register", target=device, after={"zones": device.zone_codes}
    )
    gate_settings_changed()
    return device, token


def gate_device_issued(device, *, actor):
    """A device saved by the admin's form (name and zones): give it its first token (shown once)."""
    token = _new_token()
    device.token_hash = token_digest(token)
    device.token_created_at = timezone.now()
    device.created_by = actor
    return token


@transaction.atomic
def gate_device_replace_token(*, device, actor):
    """The secretariat gives the device a new token (and lifts a revocation): every earlier
    token stops at once. Returns the new token, shown once."""
    token = _new_token()
    device.token_hash = token_digest(token)
    device.previous_token_hash = None
    device.token_created_at = timezone.now()
    device.revoked_at = None
    device.rotate_requested = False
    device.save(
        update_fields=[
            "token_hash",
            "previous_token_hash",
            "token_created_at",
            "revoked_at",
            "rotate_requested",
        ]
    )
    audit_record(actor=actor, action="gate_device.replace_token", target=device)
    return token


@transaction.atomic
def gate_device_ask_rotation(*, device, actor):
    """Ask a device in use to replace its token itself at its next call (rotate): nobody
    needs to carry a new token to it, and nothing stops meanwhile."""
    device.rotate_requested = True
    device.save(update_fields=["rotate_requested"])
    audit_record(actor=actor, action="gate_device.ask_rotation", target=device)


@transaction.atomic
def gate_device_revoke(*, device, actor):
    """The device's token opens nothing any more (a lost or stolen phone)."""
    device.revoked_at = timezone.now()
    device.previous_token_hash = None
    device.save(update_fields=["revoked_at", "previous_token_hash"])
    audit_record(actor=actor, action="gate_device.revoke", target=device)


@transaction.atomic
def gate_device_rotate(*, device):
    """The device replaces its own token (it asked with the current one): returns the new
    token, shown once; the one it asked with works until the new one is first used."""
    token = _new_token()
    # Asked again with the previous token (the answer with the new one was lost): that
    # previous token stays the one the device holds; the unreceived one is dropped.
    holds = (
        device.previous_token_hash if device.asked_with == device.previous_token_hash else device.token_hash
    )
    GateDevice.objects.filter(pk=device.pk).update(
        previous_token_hash=holds,
        token_hash=token_digest(token),
        token_created_at=timezone.now(),
        rotate_requested=False,
    )
    audit_record(actor=None, action="gate_device.rotate", target=device, note=device.name)
    return token


def gate_device_seen(device, *, waiting=None, now=None):
    """Note that the device called, and how many scans it says it still holds. Written at
    most every SEEN_EVERY unless the count changed: devices call every few seconds."""
    now = now or timezone.now()
    fresh = device.last_seen_at is not None and now - device.last_seen_at < SEEN_EVERY
    if fresh and (waiting is None or waiting == device.scans_waiting):
        return
    changes = {"last_seen_at": now}
    if waiting is not None:
        changes["scans_waiting"] = waiting
    GateDevice.objects.filter(pk=device.pk).update(**changes)
    for field, value in changes.items():
        setattr(device, field, value)
