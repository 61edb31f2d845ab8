"""Gate scans per second through POST /api/checkin/ against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanoi_bench_checkin \\
        .venv/bin/python bench/checkin.py [--requests 4000] [--clients 16] [--workers 4]

Use a database of its own: it is created if missing, migrated, and given ~2,000 collected
badges and a gate account with an API token. gunicorn then serves the project on
127.0.0.1 (DEBUG off, a real secret key) and 16 client threads fire a bounded number of
scans; GET /healthz/ is measured the same way in the same run as the reference, in chunks
that alternate with the scans'. The CPU each request cost gunicorn, PostgreSQL and the
client is read from /proc. Scans are measured twice, committed durably (the default) and
asynchronously (CHECKIN_SYNCHRONOUS_COMMIT=0), each against its own gunicorn. Targets:
durable check-in at least 0.45 of the reference's requests per second, p99 under 100 ms.
Figures are appended to bench/RESULTS.md.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and its modules (bench/email.py)
# would shadow the standard library's: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BADGES = 2000
FIRST_NUMBER = 900001
BENCH_DELEGATION = "bench-checkin"


def ensure_database(url):
    """Create the database named in DATABASE_URL if it does not exist yet."""
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def seed(count):
    """~count collected badges valid today for zone PLN; a gate account and its token."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accreditation.gate import scan as checkin
    from accreditation.models import Accreditation, AccreditationStatus, Badge, Category, Zone
    from delegations.models import Delegation, DelegationKind, Member
    from hanoi_summit.roles import GATE_OFFICER

    Zone.objects.get_or_create(code="PLN", defaults={"name": "Plenary hall"})
    category, _ = Category.objects.get_or_create(
        code="DEL", defaults={"name": "Delegate", "colour": "#1565C0"}
    )
    delegation, _ = Delegation.objects.get_or_create(
        code=BENCH_DELEGATION,
        defaults={"kind": DelegationKind.NGO, "name": "Benchmark delegation", "acronym": "BENCH"},
    )
    today = checkin.today_in_hanoi()
    have = Badge.objects.filter(accreditation__member__delegation=delegation).count()
    if have < count:
        members = Member.objects.bulk_create(
            Member(delegation=delegation, family_name=f"Bench{i}", badge_name=f"Bench Person {i}")
            for i in range(have, count)
        )
        accreditations = Accreditation.objects.bulk_create(
            Accreditation(member=m, status=AccreditationStatus.COLLECTED, category=category) for m in members
        )
        now = timezone.now()
        Badge.objects.bulk_create(
            Badge(
                accreditation=a,
                number=FIRST_NUMBER + have + i,
                version=1,
                category=category,
                zone_codes="PLN",
                valid_from=today,
                valid_until=today,
                printed_at=now,
                collected_at=now,
            )
            for i, a in enumerate(accreditations)
        )
    # Valid today, whenever the bench runs.
    Badge.objects.filter(accreditation__member__delegation=delegation).update(
        valid_from=today - dt.timedelta(days=1), valid_until=today + dt.timedelta(days=1)
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-gate", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=GATE_OFFICER))
    token, _ = Token.objects.get_or_create(user=user)
    badges = Badge.objects.filter(accreditation__member__delegation=delegation).select_related("category")
    return token.key, list(badges.order_by("number")[:count])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=30):
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz/ in time")


def fire(port, total, clients, make_request):
    """``total`` requests from ``clients`` threads; returns (seconds, latencies, statuses)."""
    # Imported here, after the path fix above: http.client imports the stdlib's email.
    import http.client

    latencies, statuses = [], {}
    lock = threading.Lock()
    per_client = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(index, count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, seen = [], {}
        barrier.wait()
        for n in range(count):
            method, path, body, headers = make_request(index, n)
            start = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                key = response.status
                if response.status == 200 and path == "/api/checkin/":
                    # A bytes search, not json.loads: the client shares the server's 2 cores.
                    key = "granted" if b'"result":"granted"' in payload else "denied"
            except (OSError, http.client.HTTPException):
                connection.close()
                key = "error"
            mine.append(time.perf_counter() - start)
            seen[key] = seen.get(key, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for key, value in seen.items():
                statuses[key] = statuses.get(key, 0) + value

    threads = [threading.Thread(target=client, args=(i, c)) for i, c in enumerate(per_client)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, statuses


def cpu_seconds(server_pid):
    """CPU seconds used so far by gunicorn (master and workers), PostgreSQL and this client.

    Read from /proc (Linux): where a request's cost goes on a machine all three share.
    """
    tick = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().split(b"\0")[0]
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == server_pid or int(fields[1]) == server_pid:
            used["gunicorn"] += seconds
        elif command.startswith(b"postgres"):
            used["postgres"] += seconds
    times = os.times()
    used["client"] = times.user + times.system
    return used


class Measure:
    """One measure's requests, fired in chunks with CPU accounted per chunk."""

    def __init__(self, make_request):
        self.make_request = make_request
        self.seconds, self.latencies, self.statuses = 0.0, [], {}
        self.cpu = dict.fromkeys(("gunicorn", "postgres", "client"), 0.0)

    def chunk(self, port, count, clients, server_pid):
        before = cpu_seconds(server_pid)
        took, latencies, statuses = fire(port, count, clients, self.make_request)
        after = cpu_seconds(server_pid)
        self.seconds += took
        self.latencies.extend(latencies)
        for key, value in statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + value
        for role in self.cpu:
            self.cpu[role] += after[role] - before[role]

    def figures(self):
        """(seconds, latencies, statuses, CPU milliseconds per request by role)."""
        total = len(self.latencies)
        return self.seconds, self.latencies, self.statuses, {r: 1000 * c / total for r, c in self.cpu.items()}


def summary(name, total, seconds, latencies, statuses, cpu):
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    rps = total / seconds
    spent = ", ".join(f"{role} {ms:.2f}" for role, ms in cpu.items())
    line = (
        f"{name}: {rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms ({total} requests; {statuses}); "
        f"CPU ms per request: {spent}"
    )
    print(line, flush=True)
    return rps, p99, line


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)")
    parser.add_argument("--badges", type=int, default=BADGES)
    parser.add_argument("--rounds", type=int, default=4, help="alternating chunks of each measure")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own, e.g. hanoi_bench_checkin.")
    ensure_database(url)

    # The parent signs the codes; gunicorn's workers must verify with the same key.
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from accreditation.badges.keys import private_pem

    env = {
        **os.environ,
        "BADGE_SIGNING_KEY": private_pem(Ed25519PrivateKey.generate()).decode(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(48),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from accreditation.badges import codes

    call_command("migrate", verbosity=0)
    token, badges = seed(args.badges)
    scan_codes = [codes.badge_code(b) for b in badges]
    from django.db import connection

    connection.close()

    def start(server_env):
        port = free_port()
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hanoi_summit.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ]
        if args.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(args.threads)]
        return port, subprocess.Popen(command, cwd=ROOT, env=server_env)

    # Two servers, idle but for the chunk being measured: scans committed durably (the
    # default) and asynchronously (CHECKIN_SYNCHRONOUS_COMMIT=0), so both rates are read
    # against the same /healthz/ in the same run.
    port, server = start({**env, "CHECKIN_SYNCHRONOUS_COMMIT": "1"})
    async_port, async_server = start({**env, "CHECKIN_SYNCHRONOUS_COMMIT": "0"})
    try:
        wait_for(port)
        wait_for(async_port)
        auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

        # Bodies built before the clock starts: the client shares the server's 2 cores.
        bodies = [
            [
                json.dumps({"code": code, "zone": "PLN", "direction": direction}).encode()
                for code in scan_codes
            ]
            for direction in ("in", "out")
        ]

        def scan_request(client, n):
            body = bodies[n % 2][(client * 7919 + n) % len(scan_codes)]
            return "POST", "/api/checkin/", body, auth

        def health_request(client, n):
            return "GET", "/healthz/", None, {}

        warm = max(args.clients * 10, 200)
        fire(port, warm, args.clients, scan_request)
        fire(async_port, warm, args.clients, scan_request)
        fire(port, warm, args.clients, health_request)
        # Alternate chunks of each: a machine that speeds up or slows down during the run
        # (other tenants, CPU frequency) then weighs on every measure alike.
        health_measure, scan_measure = Measure(health_request), Measure(scan_request)
        async_measure = Measure(scan_request)
        for i in range(args.rounds):
            count = args.requests // args.rounds + (1 if i < args.requests % args.rounds else 0)
            health_measure.chunk(port, count, args.clients, server.pid)
            scan_measure.chunk(port, count, args.clients, server.pid)
            async_measure.chunk(async_port, count, args.clients, async_server.pid)
        health = summary("GET /healthz/ (reference)", args.requests, *health_measure.figures())
        scans = summary("POST /api/checkin/, durable (the default)", args.requests, *scan_measure.figures())
        async_scans = summary(
            "POST /api/checkin/, asynchronous commit (CHECKIN_SYNCHRONOUS_COMMIT=0)",
            args.requests,
            *async_measure.figures(),
        )
    finally:
        for process in (server, async_server):
            process.send_signal(signal.SIGTERM)
        for process in (server, async_server):
            process.wait(timeout=30)

    ratio = scans[0] / health[0]
    worker_kind = f"gthread x{args.threads}" if args.threads > 1 else "sync"
    lines = [
        f"gunicorn {args.workers} {worker_kind} workers on 127.0.0.1, PostgreSQL, {len(scan_codes)} collected "
        f"badges, {args.clients} client threads on the same machine (sync workers close each "
        f"connection: one per request), {args.rounds} alternating chunks of each measure, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        health[2],
        scans[2],
        async_scans[2],
        f"durable check-in / reference = {ratio:.2f} (target >= 0.45); asynchronous / reference = "
        f"{async_scans[0] / health[0]:.2f}; durable / asynchronous = {scans[0] / async_scans[0]:.2f}; "
        f"durable check-in p99 {scans[1]:.1f} ms (target < 100 ms)",
    ]
    from bench.results import append

    append("Gate check-in API (bench/checkin.py)", lines)


if __name__ == "__main__":
    main()
