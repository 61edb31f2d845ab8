"""The gate page, the live occupancy page, and the photo the gate shows."""

import json
import uuid

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accreditation import selectors
from accreditation.badges.short import ShortNumberError
from accreditation.gate.app import gate_config
from accreditation.gate.device_auth import GateDeviceAuthentication
from accreditation.gate.scan import CheckInError, badge_scan, gate_photo_of
from accreditation.gate.wire import MAX_CODE_LENGTH
from accreditation.models import Direction, Scan, Zone
from accreditation.permissions import CHECK_IN, VIEW_SCAN
from hanoi_summit.core.access import any_perm_required
from hanoi_summit.core.http import private_file_response

SESSION_KEY = "gate"
#: How often the occupancy page refreshes itself, in seconds.
OCCUPANCY_REFRESH = 5


class GateForm(forms.Form):
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.none(), to_field_name="code", empty_label=None
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    code = forms.CharField(
        label=_("Badge code or short number"), max_length=MAX_CODE_LENGTH, required=False, strip=True
    )
    nonce = forms.CharField(
        max_length=Scan._meta.get_field("nonce").max_length, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones


def _gate_settings(request, zones):
    """Zone and direction from the query string, else as last used in this session."""
    remembered = request.session.get(SESSION_KEY, {})
    zone = request.GET.get("zone") or remembered.get("zone")
    if zone not in {z.code for z in zones}:
        zone = zones[0].code if zones else None
    direction = request.GET.get("direction") or remembered.get("direction")
    if direction not in Direction.values:
        direction = Direction.IN
    return {"zone": zone, "direction": direction}


@never_cache
@any_perm_required(CHECK_IN)
def gate(request):
    """Scan at a gate: a normal form POST renders the answer; checkin.js posts to the API."""
    zones = list(Zone.objects.only("id", "code", "name"))
    outcome = None
    status = 200
    if request.method == "POST":
        form = GateForm(request.POST, zones=Zone.objects.all())
        if form.is_valid():
            chosen = {"zone": form.cleaned_data["zone"].code, "direction": form.cleaned_data["direction"]}
            request.session[SESSION_KEY] = chosen
            typed = form.cleaned_data["code"]
            if typed:
                try:
                    outcome = badge_scan(
                        # Or the badge's short number (101333-K), typed: badge_scan tells.
                        code=typed,
                        zone_code=chosen["zone"],
                        direction=chosen["direction"],
                        actor=request.user,
                        device="gate page",
                        nonce=form.cleaned_data["nonce"] or None,
                    )
                except (CheckInError, ShortNumberError) as error:
                    form.add_error(None, error.message)
                    status = 400
        else:
            status = 400
            chosen = _gate_settings(request, zones)
        # A fresh form keeps zone and direction and a new nonce; the code field is emptied.
        if status == 200:
            form = GateForm(initial={**chosen, "nonce": uuid.uuid4().hex}, zones=Zone.objects.all())
    else:
        chosen = _gate_settings(request, zones)
        request.session[SESSION_KEY] = chosen
        form = GateForm(initial={**chosen, "nonce": uuid.uuid4().hex}, zones=Zone.objects.all())
    return render(
        request,
        "protocol/checkin.html",
        {
            "form": form,
            "outcome": outcome,
            "zones": zones,
            "chosen": chosen,
            "gate_config": json.dumps(gate_config(request.user)),
        },
        status=status,
    )


@never_cache
def gate_device_page(request):
    """The gate app on a registered device: the same page, opened with no session. It holds
    nothing about anyone (no zones, no badges): the app asks the API with the device's token,
    which it keeps in IndexedDB, and fills the zones from its bundle. Without a token it
    only offers to take one, so the gate does not stop when a staff session ends."""
    form = GateForm(initial={"direction": Direction.IN}, zones=Zone.objects.none())
    return render(
        request,
        "protocol/checkin.html",
        {
            "form": form,
            "zones": [],
            "chosen": {"zone": None, "direction": request.GET.get("direction") or Direction.IN},
            "device_page": True,
            "gate_config": json.dumps(gate_config(request.user, device_page=True)),
        },
    )


@never_cache
@any_perm_required(CHECK_IN, VIEW_SCAN)
def occupancy(request):
    """Live occupancy per zone, as the dashboard counts it; the page reloads its table every
    few seconds."""
    rows = [
        # The bar stops at full; the number says how far over capacity a zone is.
        {
            "zone": row.zone,
            "ins": row.ins,
            "outs": row.outs,
            "inside": row.inside,
            "percent": None if row.percent is None else min(row.percent, 100),
        }
        for row in selectors.zone_occupancy()
    ]
    context = {
        "rows": rows,
        "total_inside": sum(row["inside"] for row in rows),
        "refresh_seconds": OCCUPANCY_REFRESH,
    }
    template = "protocol/occupancy_table.html" if request.GET.get("partial") else "protocol/occupancy.html"
    return render(request, template, context)


def _token_user(request):
    """Scanner devices authenticate with their API token, as on /api/checkin/."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def _device_of(request):
    """A registered gate device's token ("Token gd_..."), as on the gate's API."""
    try:
        found = GateDeviceAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[1] if found else None


@never_cache
def badge_photo(request, badge_pk):
    """The photo of the holder of a badge this gate account has just scanned (gate_photo_of);
    never cached, never public."""
    device = None if request.user.is_authenticated else _device_of(request)
    user = request.user if request.user.is_authenticated or device else _token_user(request)
    if user is None and device is None:
        return redirect_to_login(request.get_full_path())
    if device is None and not user.has_perm(CHECK_IN):
        raise PermissionDenied
    # Only a badge this account (or device) has just scanned or found; the look is audited.
    photo = gate_photo_of(badge_pk=badge_pk, actor=user, device=device.name if device else "")
    if photo is None:
        raise Http404
    return private_file_response(
        photo, content_type="image/jpeg", as_attachment=False, cache_control="no-store"
    )
