"""Regenerate the README's screenshots: `.venv/bin/python docs/screenshots.py`.

A script, not a test. It builds a throw-away demo (SQLite database and var directory in a
temporary directory, `seed_summit --demo` with a known password), serves it with
`runserver`, signs in as each role in headless Chromium and writes docs/screenshots/*.png,
then stops the server and removes the temporary directory. The demo's clock is pinned
inside the event (EVENT_NOW under DJANGO_DEBUG), so the pictures show the event as it runs.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
# As tests/e2e/conftest.py launches it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "screenshots-demo-password"
WAIT_MS = 20000

# Run in `manage.py shell`: what the browser cannot make by itself. The code of a badge the
# gate will grant (handed over, valid on the demo's day, for the plenary, never scanned), the
# code of a badge revoked earlier that day (a gate without connection lets it in: an alert
# for security), three registered gate devices (their tokens), and the 404 page as
# production serves it (under DEBUG, Django answers a missing page with its technical page).
FIXTURES = r"""
import datetime as dt
import json
import logging
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from accreditation.badges import codes
from accreditation.models import Badge, Scan, Zone
from accreditation.services.gate_devices import gate_device_register
from hanoi_summit.core import clock

today = clock.event_today()
valid_today = Badge.objects.filter(
    zone_codes__contains="PLN", valid_from__lte=today, valid_until__gte=today
).order_by("number")
granted = (
    valid_today.filter(collected_at__isnull=False, revoked_at__isnull=True)
    .exclude(pk__in=Scan.objects.values("badge"))
    .first()
)
morning = clock.event_now() - dt.timedelta(hours=8)
revoked = valid_today.filter(revoked_at__gte=morning, revoked_at__lt=clock.event_now()).first()
secretariat = get_user_model().objects.get(username="secretariat")
tokens = {}
for name, zones in (("Plenary gate 1", ["PLN"]), ("Lobby phone 2", ["LBY", "PLN"]), ("Spare scanner", ["PLN"])):
    device, tokens[name] = gate_device_register(
        name=name, zones=Zone.objects.filter(code__in=zones), actor=secretariat
    )
# Asked for on purpose: no need to log it.
logging.getLogger("django.request").setLevel(logging.ERROR)
with override_settings(DEBUG=False):
    missing = Client(SERVER_NAME="localhost").get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
print("FIXTURES=" + json.dumps({
    "code": codes.badge_code(granted),
    "revoked_code": codes.badge_code(revoked),
    "offline_scan_at": (revoked.revoked_at + dt.timedelta(minutes=20)).isoformat(),
    "tokens": tokens,
    "not_found": missing.content.decode(),
    "not_found_status": missing.status_code,
}))
"""


def main():
    workdir = Path(tempfile.mkdtemp(prefix="hanoi-screenshots-"))
    env = demo_environment(workdir)
    server = None
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_summit", "--demo")
        fixtures = demo_fixtures(env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://localhost:{port}"
        wait_for(base_url, server)
        devices_call_in(base_url, fixtures)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                take_all(browser, base_url, fixtures)
            finally:
                browser.close()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def demo_environment(workdir):
    var = workdir / "var"
    var.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        # The demo runs on its own: no broker, no outside database, its own clock.
        if key not in {"REDIS_URL", "EMAIL_URL", "EVENT_NOW", "STAFF_REQUIRE_2FA"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'demo.sqlite3'}",
        HANOI_VAR_DIR=str(var),
        DJANGO_DEBUG="1",
        DEMO_PASSWORD=PASSWORD,
    )
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout


def demo_fixtures(env):
    output = manage(env, "shell", "-v0", "-c", FIXTURES, capture=True)
    line = next(line for line in output.splitlines() if line.startswith("FIXTURES="))
    return json.loads(line.removeprefix("FIXTURES="))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base_url, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("runserver stopped before it answered")
        try:
            urllib.request.urlopen(f"{base_url}/healthz/", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("runserver did not answer in time")


def devices_call_in(base_url, fixtures):
    """What the gate devices would have done by now: one uploads a scan it decided offline
    (a revoked badge it let in), one says it still holds scans, one never called."""
    tokens = fixtures["tokens"]
    offline_scan = {
        "code": fixtures["revoked_code"],
        "zone": "PLN",
        "direction": "in",
        "nonce": "screenshots-offline-1",
        "scanned_at": fixtures["offline_scan_at"],
        "result": "granted",
        "reason": "ok",
    }
    api(base_url, "/api/checkin/batch/", tokens["Plenary gate 1"], {"scans": [offline_scan], "waiting": 0})
    api(base_url, "/api/gate/bundle/", tokens["Lobby phone 2"], headers={"X-Scans-Waiting": "3"})


def api(base_url, path, token, body=None, headers=None):
    request = urllib.request.Request(
        base_url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def take_all(browser, base_url, fixtures):
    def page_for(username=None, viewport=DESKTOP, next_url="/"):
        context = browser.new_context(base_url=base_url, locale="en-GB", viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        if username:
            page.goto(f"/portal/login/?next={next_url}")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"**{next_url}")
        return page

    # The public programme, on a desktop and on a phone (filters folded, the "now" marker).
    page = page_for()
    page.goto("/programme/")
    shoot(page, "programme")
    phone = page_for(viewport=PHONE)
    phone.goto("/programme/")
    expect(phone.locator("#now")).to_be_visible()
    # From the top (the filters folded) down to just past the "now" marker.
    now_at = phone.locator("#now").bounding_box()
    shoot(
        phone, "programme-phone", clip={"x": 0, "y": 0, "width": PHONE["width"], "height": now_at["y"] + 260}
    )

    # The secretariat: the dashboard (its gate devices card included), the admin's members.
    page = page_for("secretariat", next_url="/dashboard/")
    shoot(page, "dashboard", full_page=True)
    page.goto("/admin/delegations/member/")
    shoot(page, "admin")
    page.goto("/account/two-factor/")
    shoot(page, "two-factor")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_url("**/authenticator-app/")
    shoot(page, "two-factor-app")

    # The accreditation officer: the queue searched by name, then one request.
    page = page_for("accreditation", next_url="/accreditation/")
    page.fill("#id_q", "nguyen")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=nguyen**")
    shoot(page, "review-queue")
    page.locator("tbody tr a").first.click()
    page.wait_for_load_state()
    shoot(page, "review", full_page=True)

    # The security officer: the vetting queue and the gate's alerts.
    page = page_for("security", next_url="/accreditation/security/")
    shoot(page, "vetting-queue")
    page.goto("/accreditation/security/gate-alerts/")
    shoot(page, "gate-alerts")

    # The protocol officer: the badge desk serving the person at the counter.
    page = page_for("protocol", next_url="/protocol/desk/")
    page.fill("#id_q", "oliveira")
    page.press("#id_q", "Enter")
    page.wait_for_url("**q=oliveira**")
    shoot(page, "badge-desk", full_page=True)
    page.goto("/protocol/")
    shoot(page, "protocol")

    # A focal point: the portal's home and its Members page with true statuses.
    page = page_for("focal-vnm", next_url="/portal/")
    shoot(page, "portal")
    page.goto("/portal/members/")
    shoot(page, "portal-members")
    phone = page_for("focal-vnm", viewport=PHONE, next_url="/portal/members/")
    shoot(phone, "portal-members-phone")

    # The gate app: ready for a scan, then a real badge granted.
    page = page_for("gate", next_url="/protocol/checkin/")
    page.goto("/protocol/checkin/?zone=PLN&direction=in")
    expect(page.locator("#gate-app")).to_have_attribute("data-ready", "1", timeout=WAIT_MS)
    expect(page.locator("#gate-bundle-age")).not_to_have_text("", timeout=WAIT_MS)
    shoot(page, "gate")
    page.fill("#checkin-code", fixtures["code"])
    page.press("#checkin-code", "Enter")
    line = page.locator("#gate-log li").first
    expect(line).to_have_attribute("data-result", "granted", timeout=WAIT_MS)
    page.wait_for_timeout(500)  # the photo of the person scanned comes after the verdict
    shoot(page, "gate-granted")

    # The 404 page as production serves it, at a missing address.
    page = page_for()
    page.route(
        "**/no-such-page/",
        lambda route: route.fulfill(
            status=fixtures["not_found_status"],
            content_type="text/html; charset=utf-8",
            body=fixtures["not_found"],
        ),
    )
    page.goto("/no-such-page/")
    shoot(page, "not-found")


def shoot(page, name, full_page=False, clip=None):
    """Write docs/screenshots/<name>.png, reduced to a palette so the README stays light."""
    page.wait_for_load_state("networkidle")
    image = Image.open(
        io.BytesIO(page.screenshot(full_page=full_page or clip is not None, clip=clip))
    ).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path = OUT / f"{name}.png"
    small.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
