"""Time `seed_summit --demo --scale N` on a fresh PostgreSQL database, then its re-run.

    .venv/bin/python bench/seed.py [--scale 10] [--database-url postgres://...] [--no-record]

Drops and recreates the database named in --database-url, migrates it (not timed), then
runs the command as `make run` would, in a subprocess, and times it; then runs it again
(which must add nothing) and times that. Prints the figures with the row counts and the
machine's load, and appends them to bench/RESULTS.md. Target: under two minutes at scale 10.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the
# standard library's `email`: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
TARGET_SECONDS = 120


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hanoi_bench_seed")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--no-record", action="store_true", help="print only; do not touch RESULTS.md")
    return parser.parse_args()


def recreate_database(url):
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
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manage(env, *args):
    """Run manage.py; return (seconds, stdout)."""
    started = time.monotonic()
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def counts(env):
    script = (
        "from accreditation.models import Accreditation, Badge\n"
        "from delegations.models import Delegation, Member\n"
        "from django.contrib.auth import get_user_model\n"
        "print(Delegation.objects.count(), Member.objects.count(), Accreditation.objects.count(),"
        " Badge.objects.count(), get_user_model().objects.count())\n"
    )
    _, out = manage(env, "shell", "-v", "0", "-c", script)
    return [int(n) for n in out.split()]


def postgres_version(env):
    _, out = manage(
        env, "shell", "-v", "0", "-c", "from django.db import connection; print(connection.pg_version)"
    )
    number = int(out.strip())
    return f"{number // 10000}.{number % 10000}"


def main():
    args = parse_args()
    recreate_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="hanoi-seed-bench-") as var:
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url,
            "HANOI_VAR_DIR": var,
            "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "bench-demo-password"),
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--noinput", "-v0")
        load_before = os.getloadavg()[0]
        cpu_before = child_cpu()
        first, output = manage(env, "seed_summit", "--demo", "--scale", str(args.scale))
        cpu = child_cpu() - cpu_before
        load_after = os.getloadavg()[0]
        second, again = manage(env, "seed_summit", "--demo", "--scale", str(args.scale))
        delegations, members, accreditations, badges, users = counts(env)
        version = postgres_version(env)
    inner = re.search(r"Done in ([\d.]+) s", output)
    lines = [
        f"seed_summit --demo --scale {args.scale} on an empty, migrated database: {first:.1f} s "
        f"(command's own figure {inner.group(1) if inner else '?'} s; target < {TARGET_SECONDS} s: "
        f"{'met' if first < TARGET_SECONDS else 'NOT met'})",
        f"built: {delegations} delegations, {members} members, {accreditations} accreditations, "
        f"{badges} badges, {users} user accounts",
        f"re-run (adds nothing): {second:.1f} s; {'nothing to add' if 'nothing to add' in again else 'ADDED ROWS'}",
        f"CPU time of the seeding process: {cpu:.1f} s (the rest of the wall time is PostgreSQL and "
        f"waiting for a core); load average (1 min) before/after: {load_before:.1f}/{load_after:.1f} "
        f"on {os.cpu_count()} cores; PostgreSQL {version}",
    ]
    if args.no_record:
        print("\n".join(lines))
        return
    from bench.results import append

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    append(f"seed_summit --demo --scale {args.scale}", lines)


if __name__ == "__main__":
    main()
