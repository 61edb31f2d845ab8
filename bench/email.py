"""E-mail throughput: the outbox through a real Celery worker, beside a bare Celery task.

Both send the same message to an aiosmtpd sink on 127.0.0.1 in the same run, through the
same worker process(es). The bare task (`bench.email.bare_send`, defined here, never in the
product) calls Django's `send_mail` and nothing else; the outbox path is the product's:
`email_queue` in its own transaction per e-mail (the row, then dispatch on commit), and the
worker's `outbox_send` (lock the row, mark it sending, SMTP, mark it sent). Each figure is
e-mails per second from the first queue call until the sink has received the last one;
`--producers` threads queue them, standing in for the web processes that do so in production.
Target: the outbox at least 0.7 times the bare task.

Needs PostgreSQL and Redis. Use a dedicated database: it is migrated here, and the outbox
rows of earlier bench runs in it are deleted. The Redis database's queues are purged.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE hanoi_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanoi_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python -m bench.email [--count 3000] [--concurrency 2] [--producers 4] [--chunks 6]

Set OUTBOX_SYNCHRONOUS_COMMIT=0 to measure the outbox with its status writes not waiting
for PostgreSQL's WAL flush (see hanoi_summit/settings.py). Figures are printed and appended
to bench/RESULTS.md.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/email.py`, this folder would come first on sys.path and this file
# would shadow the standard library's `email` package for everything imported below.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")

from hanoi_summit.celery import app  # noqa: E402

SUBJECT = "Your accreditation request for the Hanoi Convention signing ceremony"
BODY = (
    "Dear delegate,\n\nWe received your accreditation request for the Signing Ceremony and "
    "High-Level Conference of the United Nations Convention against Cybercrime, Hanoi, "
    "25-26 October 2025. You will hear from us once it has been reviewed.\n\n"
    "The Secretariat\n"
)


@app.task(name="bench.email.bare_send", ignore_result=True)
def bare_send(to):
    from django.conf import settings
    from django.core.mail import send_mail

    send_mail(SUBJECT, BODY, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def refuse(message):
    print(f"bench/email.py: {message}\n\n{__doc__}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    parser = argparse.ArgumentParser(description="Outbox vs bare Celery task e-mail throughput.")
    parser.add_argument("--count", type=int, default=3000, help="e-mails per measurement (3000)")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"])
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes (CPU count)"
    )
    parser.add_argument("--chunks", type=int, default=6, help="alternating measurements per path (6)")
    parser.add_argument(
        "--producers",
        type=int,
        default=4,
        help="threads queueing e-mails, standing in for web processes (4); the same for both paths",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        refuse("set DATABASE_URL to a dedicated PostgreSQL database (e.g. .../hanoi_bench).")
    if not redis_url.startswith(("redis://", "rediss://")):
        refuse("set REDIS_URL to a Redis database the worker and this script share.")

    import django
    import redis

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.results import append
    from hanoi_summit.core.models import OutgoingEmail
    from hanoi_summit.core.outbox.queue import email_queue
    from tests.integration.support import (
        CountingSmtpSink,
        purge_queues,
        start_worker,
        stop_worker,
        wait_until,
    )

    # Spawned first, before this process holds threads or busy connections.
    sink = CountingSmtpSink().start()
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    OutgoingEmail.objects.filter(dedupe_key__startswith="bench:").delete()
    purge_queues()
    run = time.strftime("%Y%m%d%H%M%S")

    worker = start_worker(
        env={"DATABASE_URL": database_url, "REDIS_URL": redis_url, "EMAIL_URL": sink.url},
        pool=args.pool,
        concurrency=args.concurrency,
        include=["bench.email"],
        loglevel="WARNING",
    )
    load_before = os.getloadavg()[0]
    timeout = max(120.0, args.count / 10)
    producers = ThreadPoolExecutor(max_workers=args.producers)

    def measure(label, count, send_one):
        expected = sink.count + count
        started = time.perf_counter()
        list(producers.map(send_one, range(count)))
        queued = time.perf_counter() - started
        wait_until(
            lambda: sink.count >= expected, timeout=timeout, interval=0.01, what=f"{count} {label} e-mails"
        )
        elapsed = time.perf_counter() - started
        return {"elapsed": elapsed, "queued": queued}

    def bare(n):
        bare_send.delay(f"delegate{n}@example.org")

    def outbox(prefix):
        def queue_one(n):
            with transaction.atomic():
                email_queue(
                    to=f"delegate{n}@example.org",
                    dedupe_key=f"bench:{run}:{prefix}:{n}",
                    subject=SUBJECT,
                    body_text=BODY,
                )

        return queue_one

    try:
        # Warm the worker's processes (imports, database connections) before timing anything.
        measure("warm-up bare", 2 * args.concurrency, bare)
        measure("warm-up outbox", 2 * args.concurrency, outbox("warm"))

        # The machine's load drifts during a run: measure in chunks, in the order
        # bare, outbox, outbox, bare, bare, outbox..., so that drift falls on both alike.
        sizes = [args.count // args.chunks + (i < args.count % args.chunks) for i in range(args.chunks)]
        totals = {"bare": {"elapsed": 0.0, "queued": 0.0}, "outbox": {"elapsed": 0.0, "queued": 0.0}}
        order = [("bare", "outbox"), ("outbox", "bare")]
        for chunk, size in enumerate(sizes):
            for path in order[chunk % 2]:
                figures = measure(path, size, bare if path == "bare" else outbox(f"run{chunk}"))
                totals[path]["elapsed"] += figures["elapsed"]
                totals[path]["queued"] += figures["queued"]
        wait_until(
            lambda: (
                OutgoingEmail.objects.filter(dedupe_key__startswith=f"bench:{run}:run", status="sent").count()
                == args.count
            ),
            timeout=timeout,
            what="every outbox row marked sent",
        )
    finally:
        producers.shutdown()
        stop_worker(worker)
        sink.stop()

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(redis_url).info()["redis_version"]
    prefetch = app.conf.worker_prefetch_multiplier
    bare_figures, outbox_figures = totals["bare"], totals["outbox"]
    for figures in totals.values():
        figures["rate"] = args.count / figures["elapsed"]
    ratio = outbox_figures["rate"] / bare_figures["rate"]
    append(
        f"E-mail throughput: outbox vs bare Celery task ({args.count} e-mails each)",
        [
            f"outbox (email_queue per transaction -> outbox_send): {outbox_figures['rate']:.0f} e-mails/s "
            f"({outbox_figures['elapsed']:.1f} s; queueing took {outbox_figures['queued']:.1f} s)",
            f"bare Celery task calling send_mail: {bare_figures['rate']:.0f} e-mails/s "
            f"({bare_figures['elapsed']:.1f} s; dispatching took {bare_figures['queued']:.1f} s)",
            f"ratio outbox / bare: {ratio:.2f} (target >= 0.70); measured in {args.chunks} alternating "
            "chunks per path",
            f"outbox rows marked sent: {args.count} of {args.count}; e-mails the sink received twice: "
            f"{sink.duplicates}",
            f"{args.producers} producer threads; worker: pool {args.pool}, concurrency {args.concurrency}, "
            f"prefetch multiplier {prefetch}, acks_late {app.conf.task_acks_late}, "
            f"CELERY_DB_REUSE_MAX {app.conf.get('CELERY_DB_REUSE_MAX')}, "
            f"OUTBOX_SYNCHRONOUS_COMMIT {settings.OUTBOX_SYNCHRONOUS_COMMIT}",
            "SMTP sink: aiosmtpd in a process of its own, one SMTP connection per e-mail; "
            f"PostgreSQL {pg_version}, Redis {redis_version}",
            f"load average (1 min) before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f}",
        ],
    )


if __name__ == "__main__":
    main()
