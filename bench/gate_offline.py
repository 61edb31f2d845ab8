"""The gate app offline: decisions per second on the device, in headless Chromium.

    .venv/bin/python bench/gate_offline.py device [--scans 1000]

Device half: a database of its own (DATABASE_URL, else a temporary SQLite file) gets
--scans collected badges (bench/checkin.py's seed); the real gate page (rendered by Django
for a gate account), its static files and the real gate bundle are served to Chromium
through Playwright's routing, from http://localhost (a secure context, as WebCrypto needs).
Once the bundle is in IndexedDB the browser goes offline and the gate decides --scans scans
one after the other: parse, Ed25519 verification, the rules, the scan kept in IndexedDB,
the verdict drawn (and laid out) on the screen. Target: under 20 ms per scan.
Figures are appended to bench/RESULTS.md.
"""

import argparse
import mimetypes
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and its modules (bench/email.py)
# would shadow the standard library's: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

ORIGIN = "http://localhost:8765"

# Measured in the page: from the scan's submission to its verdict drawn and laid out.
MEASURE = """async ([codes, zone]) => {
  const times = [];
  const results = {};
  for (const code of codes) {
    const started = performance.now();
    await new Promise((done) => {
      hsGate.hooks.onVerdict = (entry) => {
        document.getElementById("checkin-answer").offsetHeight;  // force the layout
        results[entry.result + "/" + entry.reason] = (results[entry.result + "/" + entry.reason] || 0) + 1;
        done();
      };
      hsGate.submit(code);
    });
    times.push(performance.now() - started);
  }
  return { times, results, verifier: await hsGate.verifierName() };
}"""


def _setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _static(path):
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    return Path(found).read_bytes() if found else None


def device_bench(scans):
    """Per-scan time on the device, offline; a list of lines for bench/RESULTS.md."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    from accreditation.badges import codes
    from bench.checkin import seed
    from tests.conftest import CHROMIUM
    from tests.e2e.conftest import CHROMIUM_ARGS

    _, badges = seed(scans)
    codes_ = [codes.badge_code(badge) for badge in badges[:scans]]
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench-gate"))
    page_url = reverse("protocol:checkin")
    html = client.get(page_url + "?zone=PLN&direction=in", secure=True).content
    bundle = client.get("/api/gate/bundle/", secure=True)
    assert bundle.status_code == 200, bundle.status_code

    def serve(route):
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        if path == page_url:
            return route.fulfill(body=html, content_type="text/html; charset=utf-8")
        if path == "/api/gate/bundle/":
            return route.fulfill(
                body=bundle.content, content_type="application/json", headers={"ETag": bundle["ETag"]}
            )
        if path.startswith("/static/"):
            body = _static(path[len("/static/") :])
            if body is not None:
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return route.fulfill(body=body, content_type=kind)
        return route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(service_workers="block")
        context.route(f"{ORIGIN}/**", serve)
        page = context.new_page()
        page.set_default_timeout(60000)
        page.goto(ORIGIN + page_url + "?zone=PLN&direction=in")
        page.locator("#gate-app[data-ready='1']").wait_for()
        page.locator("#gate-bundle-age:not(:empty)").wait_for()
        context.set_offline(True)
        page.locator("#gate-network[data-state=offline]").wait_for()
        runs = []
        for verifier in ("webcrypto", "noble"):
            # The pinned verifier too, as a browser without WebCrypto's Ed25519 runs it; its
            # scans go "out", so that none is a second entry.
            if verifier == "noble":
                page.click("label[for=direction-out]")
            page.evaluate("(name) => hsGate.useVerifier(name)", verifier)
            started = time.perf_counter()
            measured = page.evaluate(MEASURE, [codes_, "PLN"])
            runs.append((measured, time.perf_counter() - started))
        browser.close()

    lines = [
        f"headless Chromium ({CHROMIUM}), offline, {len(codes_)} scans of distinct genuine badges one after "
        "the other, each: decode, Ed25519 signature, the rules, the scan kept in IndexedDB, the verdict "
        "drawn and laid out (target: under 20 ms per scan)",
    ]
    for measured, wall in runs:
        times = sorted(measured["times"])
        p99 = times[max(0, int(len(times) * 0.99) - 1)]
        lines.append(
            f"Ed25519 by {measured['verifier']}: mean {statistics.fmean(times):.2f} ms per scan, p50 "
            f"{statistics.median(times):.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms; "
            f"{len(times) / wall:.0f} decisions per second ({wall:.1f} s); verdicts {measured['results']}"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["device"], nargs="?", default="device")
    parser.add_argument("--scans", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        _setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/gate_offline.sqlite3")
        from bench.results import append

        if args.part == "device":
            append("Gate app offline, on the device (bench/gate_offline.py device)", device_bench(args.scans))


if __name__ == "__main__":
    main()
