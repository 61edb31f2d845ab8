"""The gate app installs as a web app: a manifest with icons, a service worker under the
gate page's address that keeps the page and every asset, so the gate opens offline."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accreditation.badges import codes
from tests.e2e.gate_app import gate_world, open_gate, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manifest_and_the_service_worker_are_served(client, db):
    # Public, as the manifest: a registered device with no session installs it too.
    assert client.get(reverse("protocol:checkin-sw")).status_code == 200
    gate_world()
    client.force_login(get_user_model().objects.get(username="gate"))
    manifest = client.get(reverse("protocol:checkin-manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["start_url"] == data["scope"] == reverse("protocol:checkin")
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}

    worker = client.get(reverse("protocol:checkin-sw"))
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == reverse("protocol:checkin")
    body = worker.content.decode()
    assert "/static/gate/app.js" in body and "/static/vendor/jsqr-1.4.0/jsQR.js" in body
    # Nothing from elsewhere: every asset is the project's own.
    assert "http" not in body


def test_the_gate_opens_and_decides_offline_after_its_first_visit(page, db):
    world = gate_world()
    open_gate(page)
    state = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)")
    assert state in {"activated", "activating"}
    page.evaluate(
        """() => navigator.serviceWorker.controller ? true : new Promise((done) =>
            navigator.serviceWorker.addEventListener("controllerchange", () => done(true)))"""
    )

    page.context.set_offline(True)
    page.reload()
    page.locator("#gate-app[data-ready='1']").wait_for()
    assert page.locator("#gate-network").get_attribute("data-state") == "offline"
    assert verdict(scan(page, codes.badge_code(world["granted"]))) == ("granted", "ok", "offline")
