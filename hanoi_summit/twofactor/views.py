"""The second-factor pages: the second step of a sign-in, and an account's own factors
(enrolment at a staff account's first sign-in, and a focal point's opt-in, are the same page)."""

import base64
import functools

import segno
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hanoi_summit.core.errors import DomainError
from hanoi_summit.twofactor import policy, services
from hanoi_summit.twofactor.forms import CodeForm
from hanoi_summit.twofactor.selectors import factors_of


def _next(request):
    """Where to go once the second factor is given: a safe `next`, else the landing page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def own_factors(view):
    """An account's own factors: changed only by a complete sign-in, or, before it has any
    factor, by the account enrolling its first."""

    @functools.wraps(view)
    @login_required
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not request.user.is_verified() and policy.has_second_factor(request.user):
            return redirect(_with_next("two_factor:verify", _next(request)))
        return view(request, *args, **kwargs)

    return wrapper


def _locked_out(request):
    logout(request)
    return get_lockout_response(request)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of a sign-in: a code, a recovery code, or a passkey."""
    user = request.user
    next_url = _next(request)
    if user.is_verified() or not policy.has_second_factor(user):
        return redirect(next_url or "two_factor:index")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if services.verify_code(request, form.cleaned_data["code"]):
                return redirect(next_url or "home")
        except services.SecondFactorLockedOut:
            return _locked_out(request)
        form.add_error("code", _("That code is not right."))
    factors = factors_of(user)
    return render(request, "two_factor/verify.html", {"form": form, "next": next_url, "factors": factors})


@own_factors
@require_http_methods(["GET"])
def index(request):
    """An account's factors; for staff without one yet, where they enrol."""
    user = request.user
    return render(
        request,
        "two_factor/index.html",
        {
            "factors": factors_of(user),
            "required": policy.is_required(user),
            "next": _next(request),
        },
    )


@own_factors
@require_http_methods(["GET", "POST"])
def totp(request):
    """Set up an authenticator app: scan the key, confirm with a code."""
    device = services.totp_pending(request.user)
    next_url = _next(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(request, device, form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("Your authenticator app is set up."))
            if codes:
                return _show_recovery_codes(request, codes, next_url)
            return redirect(_with_next("two_factor:index", next_url))
    # The key in base32, as apps take it when typed rather than scanned.
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "two_factor/totp.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


def _show_recovery_codes(request, codes, next_url):
    return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": next_url})


@own_factors
@require_POST
def recovery_codes(request):
    """A new set of recovery codes, shown once; the old ones stop working."""
    if not request.user.is_verified():
        return redirect("two_factor:index")
    return _show_recovery_codes(request, services.recovery_codes_issue(request.user), _next(request))


@own_factors
@require_POST
def passkey_remove(request, pk):
    try:
        services.passkey_remove(request, pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The passkey is removed."))
    return redirect("two_factor:index")


@own_factors
@require_POST
def turn_off(request):
    try:
        services.second_factor_turn_off(request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("two_factor:index")
