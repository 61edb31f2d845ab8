"""The gate app's offline figures, server side: the bundle's size and storing queued scans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanoi_bench_gate \\
        .venv/bin/python bench/gate_offline.py [--scales 1,10] [--scans 10000] [--batch 500]

Use a database of its own: it is dropped and created again for each scale. For each scale
the demo is seeded (`seed_summit --demo --scale N`) and the gate bundle a device downloads
(GET /api/gate/bundle/, no photos) is measured, raw and gzip-compressed as served. On the
last scale's data, gunicorn serves the project on 127.0.0.1 and one registered gate device
sends --scans queued scans in batches of --batch to POST /api/checkin/batch/, one after the
other as a device does; then sends them all again (a lost answer) and the log is checked to
hold each scan once. Targets: bundle under 1 MB compressed at scale 10; at least 1,000
scans stored per second. Figures are appended to bench/RESULTS.md.

Device side, the gate app itself:

    .venv/bin/python bench/gate_offline.py device [--scans 1000]

A database of its own (DATABASE_URL, else a temporary SQLite file) gets --scans collected
badges (bench/checkin.py's seed); the real gate page (rendered by Django for a gate account),
its static files and the real gate bundle are served to headless Chromium through
Playwright's routing, from http://localhost (a secure context, as WebCrypto needs). Once the
bundle is in IndexedDB the browser goes offline and the gate decides --scans scans one after
the other: parse, Ed25519 verification, the rules, the scan kept in IndexedDB, the verdict
drawn (and laid out) on the screen; with WebCrypto's Ed25519, then the pinned noble-ed25519.
Target: under 20 ms per scan.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and its modules (bench/email.py)
# would shadow the standard library's (http.client imports email): put the root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gzip  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import mimetypes  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"

BUNDLE_TARGET_BYTES = 1_000_000
STORE_TARGET_PER_SECOND = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--scales", default="1,10", help="demo scales to measure the bundle at")
    parser.add_argument("--scans", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own, e.g. hanoi_bench_gate.")
    return args


def recreate_database(url):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = sql.Identifier(parts.path.lstrip("/"))
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    admin.close()


def manage(env, *args):
    started = time.monotonic()
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.monotonic() - started, done.stdout


#: Registers a gate device for every zone and prints its token (run in `manage.py shell`).
REGISTER = """
from accreditation.models import Zone
from accreditation.services.gate_devices import gate_device_register
device, token = gate_device_register(name="bench gate", zones=list(Zone.objects.all()), actor=None)
print(token)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz/ in time")


def request(port, method, path, token, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(
        method,
        path,
        body=body,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {})},
    )
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheader("Content-Encoding"), data


def bundle_figures(port, token):
    """(badges, raw bytes, gzip bytes as served, seconds to fetch the compressed bundle)."""
    status, _, raw = request(port, "GET", "/api/gate/bundle/", token)
    assert status == 200, status
    started = time.monotonic()
    status, encoding, packed = request(
        port, "GET", "/api/gate/bundle/", token, headers={"Accept-Encoding": "gzip"}
    )
    seconds = time.monotonic() - started
    assert status == 200 and encoding == "gzip", (status, encoding)
    assert json.loads(gzip.decompress(packed))["badges"] == json.loads(raw)["badges"]
    return len(json.loads(raw)["badges"]), len(raw), len(packed), seconds


def start_server(env, workers):
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "hanoi_summit.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    return port, subprocess.Popen(command, cwd=ROOT, env=env)


def queued_scans(count):
    """count scans of collected badges, as a device queues them offline: signed codes (and
    every tenth a typed short number), unique nonces, the device's times a second apart."""
    from accreditation.badges import codes
    from accreditation.badges.short import short_number
    from accreditation.models import Badge

    badges = list(
        Badge.objects.filter(collected_at__isnull=False, revoked_at__isnull=True)
        .select_related("category")
        .order_by("number")[:2000]
    )
    if not badges:
        raise SystemExit("the demo has no collected badge to scan")
    texts = [codes.badge_code(badge) for badge in badges]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=count)
    scans = []
    for n in range(count):
        badge = badges[n % len(badges)]
        scan = {
            "zone": badge.zone_codes.split()[0],
            "direction": "in" if (n // len(badges)) % 2 == 0 else "out",
            "nonce": f"bench-{n:06d}-{secrets.token_hex(4)}",
            "scanned_at": (start + dt.timedelta(seconds=n)).isoformat(),
            "result": "granted",
            "reason": "ok",
        }
        if n % 10 == 9:
            scan["short"] = short_number(badge.number)
        else:
            scan["code"] = texts[n % len(badges)]
        scans.append(scan)
    return scans


def send_all(port, token, bodies):
    """POST each batch in turn; (seconds, stored, duplicates)."""
    stored = duplicates = 0
    started = time.monotonic()
    for body in bodies:
        status, _, data = request(port, "POST", "/api/checkin/batch/", token, body=body)
        if status != 200:
            raise SystemExit(f"batch refused: {status} {data[:300]!r}")
        answer = json.loads(data)
        stored += answer["stored"]
        duplicates += answer["duplicates"]
    return time.monotonic() - started, stored, duplicates


def main():
    args = parse_args()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from accreditation.badges.keys import private_pem

    scales = [int(s) for s in args.scales.split(",")]
    lines = []
    with tempfile.TemporaryDirectory(prefix="hanoi-gate-bench-") as var:
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url,
            "HANOI_VAR_DIR": var,
            "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "bench-demo-password"),
            # The parent signs the queued scans' codes; the server verifies with the same key.
            "BADGE_SIGNING_KEY": private_pem(Ed25519PrivateKey.generate()).decode(),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
        }
        env.pop("REDIS_URL", None)
        for index, scale in enumerate(scales):
            recreate_database(args.database_url)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "seed_summit", "--demo", "--scale", str(scale))
            _, token = manage(env, "shell", "-v", "0", "-c", REGISTER)
            token = token.strip().splitlines()[-1]
            port, server = start_server(env, args.workers)
            try:
                wait_for(port)
                badges, raw, packed, seconds = bundle_figures(port, token)
                target = f"; target < 1 MB compressed: {'met' if packed < BUNDLE_TARGET_BYTES else 'NOT met'}"
                lines.append(
                    f"gate bundle, demo --scale {scale}: {badges} badges, {raw / 1024:.0f} KB raw, "
                    f"{packed / 1024:.0f} KB gzip ({packed / max(badges, 1):.0f} bytes per badge), fetched "
                    f"in {seconds * 1000:.0f} ms{target if scale == 10 else ''}"
                )
                if index < len(scales) - 1:
                    continue
                os.environ.update(env)
                import django

                django.setup()
                from django.db import connection

                scans = queued_scans(args.scans)
                connection.close()
                bodies = [
                    json.dumps(
                        {"scans": scans[i : i + args.batch], "waiting": max(0, len(scans) - i - args.batch)}
                    )
                    for i in range(0, len(scans), args.batch)
                ]
                load_before = os.getloadavg()[0]
                first, stored, duplicates = send_all(port, token, bodies)
                again, stored_again, duplicates_again = send_all(port, token, bodies)
                from accreditation.models import Scan

                logged = Scan.objects.filter(offline=True, nonce__startswith="bench-").count()
                connection.close()
                rate = stored / first
                lines.append(
                    f"{len(scans)} queued scans (one in ten a typed short number) sent by one device in "
                    f"{len(bodies)} batches of {args.batch}, one after the other, to gunicorn "
                    f"({args.workers} sync workers) and PostgreSQL on this machine, demo --scale {scale}: "
                    f"{first:.2f} s, {rate:.0f} stored per second (target >= {STORE_TARGET_PER_SECOND}: "
                    f"{'met' if rate >= STORE_TARGET_PER_SECOND else 'NOT met'}); stored {stored}, "
                    f"duplicates {duplicates}"
                )
                lines.append(
                    f"the same {len(scans)} sent again (answers lost): {again:.2f} s, stored {stored_again}, "
                    f"duplicates {duplicates_again}; the log holds {logged} of them: "
                    f"{'each once' if logged == len(scans) else 'NOT each once'}; load average "
                    f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
                )
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    if args.no_record:
        print("\n".join(lines))
        return
    from bench.results import append

    append("Gate app offline, server side (bench/gate_offline.py)", lines)


# --- Device side: the gate app in headless Chromium ---------------------------------

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


def device_main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        _setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/gate_offline.sqlite3")
        lines = device_bench(args.scans)
        if args.no_record:
            print("\n".join(lines))
            return
        from bench.results import append

        append("Gate app offline, on the device (bench/gate_offline.py device)", lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["device"]:
        del sys.argv[1]
        device_main()
    else:
        main()
