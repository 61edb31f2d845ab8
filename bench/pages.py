"""Page latency at scale: p50/p99 of the main admin changelists, the name searches of the
admin, the queues and the badge desk, the programme and /healthz/.

    .venv/bin/python bench/pages.py [--scale 10] [--requests 200] [--clients 4] [--workers 4]

Builds (or reuses) a PostgreSQL database seeded with `seed_summit --demo --scale N`, serves it
with gunicorn on 127.0.0.1 as production would (DEBUG off, a real secret key, static files
collected into a temporary HANOI_VAR_DIR), logs in as the demo users each page needs
(secretariat, security, protocol) by creating sessions in the database, then sends a bounded number of requests per page from a few
client threads. Prints the figures and appends them to bench/RESULTS.md.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the
# standard library's `email` (which http.client imports): put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from cryptography.fernet import Fernet  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)

#: (label, path, the demo user whose session asks; None for a public page).
PAGES = [
    ("admin: delegations", "/admin/delegations/delegation/", "secretariat"),
    ("admin: members", "/admin/delegations/member/", "secretariat"),
    ("admin: accreditations", "/admin/accreditation/accreditation/", "secretariat"),
    ("admin: badges", "/admin/accreditation/badge/", "secretariat"),
    ("admin: outbox", "/admin/hanoi_summit/outgoingemail/", "secretariat"),
    # Name searches, typed without accents (the folded column and its trigram index).
    ("admin: members, name search", "/admin/delegations/member/?q=nguyen", "secretariat"),
    ("admin: accreditations, name search", "/admin/accreditation/accreditation/?q=dvorak", "secretariat"),
    ("review queue, name search", "/accreditation/?q=nguyen", "secretariat"),
    ("vetting queue, name search", "/accreditation/security/?q=nguyen", "security"),
    ("print queue, name search", "/protocol/print/?q=nguyen", "protocol"),
    ("badge desk, name search", "/protocol/desk/?q=nguyen", "protocol"),
    ("public: /programme/", "/programme/", None),
    ("/healthz/", "/healthz/", None),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hanoi_bench_pages")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--reseed", action="store_true", help="run seed_summit even if data is there")
    parser.add_argument("--no-record", action="store_true", help="print only; do not touch RESULTS.md")
    return parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url):
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    admin.close()


def manage(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(args, env):
    """Migrate, seed at scale unless the data is already there, collect static files."""
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")

    import django

    django.setup()
    from delegations.models import Member

    members = Member.objects.count()
    # The demo has about 2,500 members per unit of scale; most of that means it is seeded.
    if args.reseed or members < 2000 * args.scale:
        print(f"seeding: seed_summit --demo --scale {args.scale} ({members} members now)")
        started = time.perf_counter()
        manage(env, "seed_summit", "--demo", "--scale", str(args.scale))
        print(f"seeded in {time.perf_counter() - started:.0f} s")
        # Fresh planner statistics, as autovacuum would have them on a live database; without
        # them PostgreSQL plans for the empty tables it last saw.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        print(f"reusing the database: {members} members")
    manage(env, "collectstatic", "--noinput", "-v0")


def login_session(username="secretariat"):
    """A session cookie for `username`, made directly in the session store (no password needed,
    so a database seeded with a random demo password can be reused)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def start_gunicorn(env, port, workers):
    command = [
        str(BIN / "gunicorn"),
        "hanoi_summit.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            status, _ = fetch(port, "/healthz/", cookie=None)
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz/ within 60 s")


def fetch(port, path, cookie, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


def measure(port, path, cookie, total, clients):
    """Send `total` GETs from `clients` threads; return the latencies in ms and any bad statuses."""
    latencies, bad = [], []
    lock = threading.Lock()
    counter = iter(range(total))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            status, _ = fetch(port, path, cookie, connection=conn)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    bad.append(status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return latencies, bad, wall


def percentile(values, fraction):
    ordered = sorted(values)
    rank = max(int(round(fraction * len(ordered) + 0.5)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def new_signing_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


def field_keys(database_url):
    """The field keys of the bench's database, kept in var/ beside it: a reused database was
    written with them, and new keys could not read its passports."""
    import hashlib
    import json

    path = ROOT / "var" / f"bench-pages-keys-{hashlib.sha256(database_url.encode()).hexdigest()[:12]}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return json.loads(path.read_text())


def main():
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="hanoi-bench-pages-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
            "DATABASE_URL": args.database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "BADGE_SIGNING_KEY": new_signing_key(),
            **field_keys(args.database_url),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "HANOI_VAR_DIR": str(var_dir),
            # The sessions are made in the database, not by signing in: the pages are
            # measured, not the second factor (which production requires).
            "STAFF_REQUIRE_2FA": "0",
        }
    )
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)

    process = None
    try:
        prepare(args, env)
        cookies = {user: login_session(user) for user in {user for _, _, user in PAGES if user}}
        from delegations.models import Delegation, Member

        counts = f"{Delegation.objects.count()} delegations, {Member.objects.count()} members"
        port = free_port()
        process = start_gunicorn(env, port, args.workers)

        # The figures depend on what else the machine runs: say how busy it was.
        load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        lines = [
            f"Scale {args.scale} on PostgreSQL ({counts}); gunicorn {args.workers} sync workers, "
            f"DEBUG off; {args.requests} GETs per page from {args.clients} client threads; "
            f"load average at start {load}.",
        ]
        for label, path, user in PAGES:
            use_cookie = cookies.get(user)
            status, _ = fetch(port, path, use_cookie)
            if status != 200:
                lines.append(f"{label} ({path}): skipped, answered {status}")
                continue
            for _ in range(3):  # warm each worker's caches and connections
                fetch(port, path, use_cookie)
            latencies, bad, wall = measure(port, path, use_cookie, args.requests, args.clients)
            lines.append(
                f"{label}: p50 {statistics.median(latencies):.1f} ms, "
                f"p99 {percentile(latencies, 0.99):.1f} ms, {len(latencies) / wall:.0f} req/s"
                + (f", {len(bad)} non-200 answers" if bad else "")
            )
        title = "Pages: admin changelists, name searches, programme and /healthz/ (bench/pages.py)"
        if args.no_record:
            print("\n".join([title, *lines]))
        else:
            from bench.results import append

            append(title, lines)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
