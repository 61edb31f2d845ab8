"""The gate web app's furniture: what the gate page hands its script (addresses, settings,
the officer's words in their language), the web app manifest and the service worker that
keeps the page and its assets for offline use (static/gate/)."""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accreditation.gate.scan import EXPLANATIONS
from accreditation.models import AccreditationStatus, ScanReason
from accreditation.permissions import UNDO_SCAN

#: How often an online gate asks for changes to its bundle and uploads its waiting scans.
BUNDLE_REFRESH_SECONDS = 5

#: What the service worker keeps: the page's scripts, styles, libraries and icons.
APP_ASSETS = (
    "vendor/bootstrap-5.3.8/css/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/js/bootstrap.bundle.min.js",
    "css/hanoi.css",
    "css/checkin.css",
    "js/hanoi.js",
    "gate/app.js",
    "gate/camera.js",
    "gate/code.js",
    "gate/rules.js",
    "gate/store.js",
    "gate/sync.js",
    "gate/ui.js",
    "gate/search.js",
    "vendor/jsqr-1.4.0/jsQR.js",
    "vendor/noble-ed25519-2.3.0/index.js",
    "gate/icons/icon-192.png",
    "gate/icons/icon-512.png",
)


def _api(path):
    """An address of the gate API, under the same /api/ root as POST /api/checkin/."""
    return reverse("api-checkin").removesuffix("checkin/") + path


def _strings():
    reasons = {str(reason): str(text) for reason, text in EXPLANATIONS.items()}
    reasons.setdefault("already_inside", _("Already inside: this badge came in and has not gone out."))
    return {
        "reasons": reasons,
        "granted": _("GRANTED"),
        "denied": _("DENIED"),
        "checking": _("CHECKING…"),
        "checking_help": _("Asking the server."),
        "queued": _("Waiting for the scan before it."),
        "ready": _("Ready: scan the next badge"),
        "sync_needed": _("SYNC NEEDED"),
        "sync_needed_help": _(
            "This gate's list is too old to decide on: connect it to the network to sync, or call the secretariat."
        ),
        "not_judged": _("NOT CHECKED"),
        "bad_check_character": _("Wrong check character: read the number on the badge again."),
        "unknown_zone": _("This gate's zone is not in its list: sync the gate."),
        "no_connection": _("No connection: decided on this device."),
        "offline_decided": _("Offline: decided on this device."),
        "warning_already_inside": _("Warning: already inside (came in and has not gone out)."),
        "compare": _("Compare the photo with the person."),
        "online": _("Online"),
        "offline": _("Offline"),
        "signed_out": _("Signed out: reload the page and sign in again"),
        "device_revoked": _("This device's token was revoked: ask the secretariat"),
        "device_refused": _("This device's token is no longer accepted: ask the secretariat"),
        "device_token_needed": _("This device has no token yet: paste the one the admin showed, or scan it."),
        "device_token_saved": _("This device's token is kept: the gate runs with it."),
        "device_token_refused": _("This token is not accepted: check it, or ask the secretariat."),
        "forget_waiting": _("{n} scans are still waiting to be sent: connect the device and sync first."),
        "forgotten": _("This device is forgotten: its token, list, scans and photos are deleted."),
        "list_age": _("List updated {age} ago"),
        "no_list": _("No list on this device yet"),
        "pending": _("Scans waiting: {n}"),
        "seconds": _("{n} s"),
        "minutes": _("{n} min"),
        "hours": _("{n} h"),
        "zones": _("Zones"),
        "badge": _("Badge"),
        "photo": _("Photo"),
        "undone": _("UNDONE"),
        "undone_help": _("The last scan of this gate no longer counts."),
        "undo_confirm": _("Undo the last scan of this gate?"),
        "search_none": _("Nobody of that name."),
        "search_check": _("Check this badge"),
        "status": _("Status"),
        # The accreditation's status as the search tells it; offline, the bundle's flags.
        "statuses": {
            **{str(value): str(label) for value, label in AccreditationStatus.choices},
            "not_collected": str(ScanReason.NOT_COLLECTED.label),
        },
    }


def gate_config(user, *, device_page=False):
    """What static/gate/app.js reads from the page (#gate-app's data-config, as JSON): the
    page carries no inline script, not even a JSON data block. ``device_page``: the page a
    registered device opens with its token and no session (pages.gate_device_page)."""
    scope = reverse("protocol:checkin")
    return {
        "device_page": device_page,
        "urls": {
            "checkin": reverse("api-checkin"),
            "bundle": _api("gate/bundle/"),
            "batch": _api("checkin/batch/"),
            "service_worker": reverse("protocol:checkin-sw"),
            "scope": scope,
            "undo": reverse("api-checkin-undo"),
            "search": _api("gate/search/"),
            "rotate": _api("gate/device/rotate/"),
            "device_page": reverse("protocol:checkin-device"),
        },
        # The undo button shows to officers who may undo (the server checks it again); a
        # device's token may not undo.
        "may_undo": not device_page and user.has_perm(UNDO_SCAN),
        "offline_max_minutes": settings.GATE_OFFLINE_MAX_MINUTES,
        "refresh_seconds": BUNDLE_REFRESH_SECONDS,
        "strings": _strings(),
    }


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest: the gate installs on a phone's home screen. Public: it names
    the page, nothing about anyone (browsers fetch it without cookies)."""
    start = reverse("protocol:checkin")
    data = {
        "name": _("Hanoi Summit gate"),
        "short_name": _("Gate"),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3d6e",
        "icons": [
            {"src": static("gate/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {
                "src": static("gate/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served under /protocol/checkin/ so that its scope is the gate page.
    Public, as the manifest: it names the app's files and pages, nothing about anyone, and a
    registered device with no session (pages.gate_device_page) installs it too.
    Its cache's name follows the assets' addresses: a new release (new hashed names) replaces
    the old cache."""
    assets = [static(path) for path in APP_ASSETS]
    cache_name = "hs-gate-" + hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    body = render_to_string(
        "protocol/gate_sw.js",
        {
            "config": json.dumps(
                {
                    "cache": cache_name,
                    "assets": assets,
                    "page": reverse("protocol:checkin"),
                    "device_page": reverse("protocol:checkin-device"),
                    "manifest": reverse("protocol:checkin-manifest"),
                }
            )
        },
    )
    response = HttpResponse(body, content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("protocol:checkin")
    return response
