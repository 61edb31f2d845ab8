"""Bookings per second: 16 concurrent focal points booking through the API, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanoi_bench_bookings \\
    .venv/bin/python bench/bookings.py [--clients 16] [--requests 3000] [--workers 4]

Uses a dedicated PostgreSQL database (created if missing, migrated; the bench's own rows of
earlier runs are deleted). Creates sessions in the future (non-overlapping, so the overlap
rule does not refuse anything), delegations with members, and one focal point with an API
token per delegation. Serves the project with gunicorn on 127.0.0.1 as production would
(DEBUG off, a real secret key, no TLS redirect), then fires a bounded number of
`POST /api/programme/bookings/` from concurrent client threads, each client acting for its
own delegations with token auth. Seats are scarce on purpose: many requests land on the
waitlist, so the row lock on the session is contended.

Prints bookings per second and latency, checks that no session ends over capacity, and
appends the figures to bench/RESULTS.md.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the
# standard library's `email` (which http.client imports): put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import collections  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from bench.pages import ensure_database, free_port, percentile, start_gunicorn  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
PREFIX = "bench-bk"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads (16)")
    parser.add_argument("--requests", type=int, default=3000, help="booking requests in all (3000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync worker processes (4)")
    parser.add_argument("--sessions", type=int, default=12, help="sessions to book into (12)")
    parser.add_argument("--capacity", type=int, default=60, help="seats per session (60)")
    parser.add_argument("--delegations", type=int, default=64, help="delegations, one focal point each (64)")
    parser.add_argument("--members", type=int, default=12, help="members per delegation (12)")
    parser.add_argument(
        "--redis-url",
        default="",
        help="serve with this Redis as the Celery broker, as production does (no worker runs: the "
        "send tasks queued by the run are deleted afterwards); unset: tasks run in-process",
    )
    parser.add_argument("--no-record", action="store_true", help="print only; do not touch RESULTS.md")
    return parser.parse_args()


def refuse(message):
    print(f"bench/bookings.py: {message}\n\n{__doc__}", file=sys.stderr)
    sys.exit(2)


def prepare(args, env):
    """Migrate, delete earlier bench rows, create sessions, delegations, members and tokens.
    Returns (session ids, {token: [member ids]})."""
    ensure_database(env["DATABASE_URL"])
    subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from delegations.models import Delegation, DelegationKind, FocalPoint, Member
    from sessions.models import BookingMode, Room, Session, SessionKind, Venue

    User = get_user_model()
    with transaction.atomic():
        Session.objects.filter(slug__startswith=PREFIX).delete()
        Delegation.objects.filter(code__startswith=PREFIX).delete()
        # Accounts that booked are in the audit trail, which keeps them (on_delete=PROTECT):
        # earlier runs' accounts are deactivated and this run makes its own.
        User.objects.filter(username__startswith=PREFIX).update(is_active=False)
        run = secrets.token_hex(3)
        venue, _ = Venue.objects.get_or_create(name=f"{PREFIX} venue")
        room, _ = Room.objects.get_or_create(
            venue=venue, name=f"{PREFIX} room", defaults={"capacity": args.capacity}
        )
        start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
        sessions = Session.objects.bulk_create(
            Session(
                slug=f"{PREFIX}-{n}",
                kind=SessionKind.ROUNDTABLE,
                title=f"Bench roundtable {n}",
                starts_at=start + dt.timedelta(hours=2 * n),
                ends_at=start + dt.timedelta(hours=2 * n + 1),
                room=room,
                capacity=args.capacity,
                booking_mode=BookingMode.OPEN,
            )
            for n in range(args.sessions)
        )
        delegations = Delegation.objects.bulk_create(
            Delegation(
                kind=DelegationKind.NGO,
                code=f"{PREFIX}-{n}",
                name=f"Bench organisation {n}",
                acronym=f"BK{n}",
            )
            for n in range(args.delegations)
        )
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}-{run}-focal-{n}") for n in range(args.delegations)
        )
        FocalPoint.objects.bulk_create(
            FocalPoint(user=u, delegation=d) for u, d in zip(users, delegations, strict=True)
        )
        tokens = Token.objects.bulk_create(Token(user=u, key=Token.generate_key()) for u in users)
        members = Member.objects.bulk_create(
            Member(
                delegation=d,
                family_name=f"Member{n}",
                given_names="Bench",
                badge_name=f"Bench Member {n}",
                email=f"{d.code}-{n}@bench.example.org",
            )
            for d in delegations
            for n in range(args.members)
        )
    by_delegation = collections.defaultdict(list)
    for member in members:
        by_delegation[member.delegation_id].append(member.pk)
    return [s.pk for s in sessions], {
        t.key: by_delegation[d.pk] for t, d in zip(tokens, delegations, strict=True)
    }


def plan(args, session_ids, members_by_token):
    """The requests, dealt to the clients: each client acts for its own delegations, and every
    (session, member) pair is asked once, so any refusal is a rule, not a duplicate."""
    rng = random.Random(20251025)
    tokens = list(members_by_token)
    pairs = [(token, s, m) for token in tokens for s in session_ids for m in members_by_token[token]]
    rng.shuffle(pairs)
    pairs = pairs[: args.requests]
    work = [[] for _ in range(args.clients)]
    owner = {token: index % args.clients for index, token in enumerate(tokens)}
    for token, session, member in pairs:
        work[owner[token]].append((token, session, member))
    return work


def run(port, work):
    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(work))

    def client(items):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        barrier.wait()
        for token, session, member in items:
            body = json.dumps({"session": session, "member": member})
            started = time.perf_counter()
            conn.request(
                "POST",
                "/api/programme/bookings/",
                body=body,
                headers={
                    "Host": "127.0.0.1",
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
            response = conn.getresponse()
            payload = json.loads(response.read() or b"{}")
            elapsed = (time.perf_counter() - started) * 1000
            outcome = (
                payload.get("status")
                if response.status == 201
                else f"{response.status} {payload.get('code')}"
            )
            mine.append((elapsed, outcome))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(items,)) for items in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def baseline(port, clients, total=400):
    """GET /healthz/ from the same clients in the same run: the machine's ceiling for a
    request that does next to nothing, to read the bookings figure against."""
    from bench.pages import measure

    latencies, _, wall = measure(port, "/healthz/", None, total, clients)
    return len(latencies) / wall, statistics.median(latencies)


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        refuse("set DATABASE_URL to a dedicated PostgreSQL database (e.g. .../hanoi_bench_bookings).")
    var_dir = Path(tempfile.mkdtemp(prefix="hanoi-bench-bookings-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("REDIS_URL", "EVENT_NOW")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "HANOI_VAR_DIR": str(var_dir),
            # Each confirmation queues an outbox row with its .ics; without Redis the send task
            # runs in-process after commit, into a dummy backend (no SMTP in this figure).
            "EMAIL_URL": "dummymail://",
        }
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("EVENT_NOW", None)

    process = None
    try:
        session_ids, members_by_token = prepare(args, env)
        subprocess.run(
            [str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        work = plan(args, session_ids, members_by_token)
        port = free_port()
        process = start_gunicorn(env, port, args.workers)
        results, wall = run(port, work)
        health_rate, health_p50 = baseline(port, args.clients)
        if args.redis_url:
            import redis

            # Only the default Celery queue this run filled; nothing else in that database.
            redis.Redis.from_url(args.redis_url).delete("celery")

        from django.db.models import Count, Q

        from sessions.models import Session

        sessions = Session.objects.filter(pk__in=session_ids).annotate(
            confirmed=Count("bookings", filter=Q(bookings__status="confirmed")),
            waitlisted=Count("bookings", filter=Q(bookings__status="waitlisted")),
        )
        over = [s.slug for s in sessions if s.confirmed > s.seats]
        outcomes = collections.Counter(outcome for _, outcome in results)
        latencies = [elapsed for elapsed, _ in results]
        booked = outcomes["confirmed"] + outcomes["waitlisted"]
        refused = {k: v for k, v in outcomes.items() if k not in ("confirmed", "waitlisted")}
        lines = [
            f"{len(results)} POST /api/programme/bookings/ from {args.clients} clients (token auth, "
            f"{args.delegations} delegations); gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL; "
            f"{args.sessions} sessions x {args.capacity} seats; e-mail tasks "
            + (
                "queued to Redis (no worker)."
                if args.redis_url
                else "run in-process after commit (no Redis)."
            ),
            f"{booked / wall:.0f} bookings/s ({outcomes['confirmed']} confirmed, {outcomes['waitlisted']} waitlisted "
            f"in {wall:.1f} s); p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms",
            f"same run, same clients, for reference: GET /healthz/ {health_rate:.0f} req/s, p50 {health_p50:.1f} ms",
            "refusals: " + (", ".join(f"{k}: {v}" for k, v in sorted(refused.items())) or "none"),
            "capacity: "
            + (
                f"OVERBOOKED {', '.join(over)}"
                if over
                else f"held in every session (max confirmed {max(s.confirmed for s in sessions)} of {args.capacity})"
            ),
        ]
        title = "Bookings: concurrent focal points through the API (bench/bookings.py)"
        if args.no_record:
            print("\n".join([title, *lines]))
        else:
            from bench.results import append

            append(title, lines)
        if over:
            sys.exit(1)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
