"""Time each background document (every export in CSV and XLSX, the List of Participants)
and the peak memory of the process that makes it.

    DATABASE_URL=postgres://.../hanoi_bench .venv/bin/python bench/documents.py --scale 10 [--seed]
        [--only members.xlsx participants.pdf] [--no-record]

The database is the one DATABASE_URL names, already seeded with
`manage.py seed_summit --demo --scale N` (--seed runs that first, not timed with the
documents; --scale only labels the figures otherwise). Each document is made in a child
process of its own, as the `documents` worker would make it: the job is started for a
Secretariat account and its task runs in that process (no REDIS_URL: in-process), so the
child's peak resident memory (getrusage ru_maxrss) is the task's, on top of a process that
has loaded Django, openpyxl and reportlab (the baseline, measured before the job). Figures
are appended to bench/RESULTS.md. Target: every document finishes, under 200 MB peak.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the
# standard library's `email`: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
TARGET_MB = 200
BENCH_USER = "bench-documents"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", action="store_true", help="seed_summit --demo --scale N first")
    parser.add_argument("--only", nargs="*", help="document kinds, e.g. members.csv participants.pdf")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind):
    """In the child process: make one document as the worker would; print its figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    os.environ.pop("REDIS_URL", None)  # the task runs here, in-process
    import django

    django.setup()
    import openpyxl  # noqa: F401  (loaded by a worker anyway: not the document's memory)
    import reportlab.platypus  # noqa: F401
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from hanoi_summit.core.models import DocumentJob
    from hanoi_summit.roles import SECRETARIAT
    from hanoi_summit.secretariat.documents import services

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    baseline = _maxrss_mb()
    started = time.perf_counter()
    # Without a broker the task runs as it is queued: this returns once the file is made.
    job = services.document_job_start(user=user, kind=kind, params={})
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    figures = {
        "kind": kind,
        "status": job.status,
        "error": job.error,
        "rows": job.total,
        "seconds": round(seconds, 1),
        "bytes": job.file.size if job.file else 0,
        "baseline_mb": round(baseline, 1),
        "peak_mb": round(_maxrss_mb(), 1),
    }
    if job.file:
        job.file.storage.delete(job.file.name)
    DocumentJob.objects.filter(pk=job.pk).delete()
    print(json.dumps(figures))


def main():
    args = parse_args()
    if args.child:
        return child(args.child)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database seeded with seed_summit --demo --scale N.")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings"}
    env.pop("REDIS_URL", None)
    if args.seed:
        subprocess.run(
            [PYTHON, "manage.py", "seed_summit", "--demo", "--scale", str(args.scale)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    import django

    django.setup()
    from delegations.models import Member
    from hanoi_summit.secretariat.documents.kinds import KINDS

    members = Member.objects.count()
    results = []
    for kind in args.only or list(KINDS):
        run = subprocess.run(
            [PYTHON, __file__, "--child", kind],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            results.append({"kind": kind, "status": "crashed", "error": run.stderr.strip()[-300:]})
        else:
            results.append(json.loads(run.stdout.strip().splitlines()[-1]))
        print(results[-1], flush=True)
    lines = [
        f"seed_summit --demo --scale {args.scale} ({members} members), PostgreSQL; each document in a child "
        "process as the documents worker makes it (in-process task), peak = ru_maxrss of that process, "
        "baseline = the same before the job (Django, openpyxl, reportlab loaded)",
    ]
    for r in results:
        if r["status"] != "done":
            lines.append(f"{r['kind']}: {r['status']} {r.get('error', '')}")
            continue
        verdict = "met" if r["peak_mb"] < TARGET_MB else "NOT met"
        lines.append(
            f"{r['kind']}: {r['seconds']} s, {r['rows']} {'delegations' if r['kind'].endswith('pdf') else 'rows'}, {r['bytes'] / 1024 / 1024:.1f} MB file; "
            f"peak {r['peak_mb']} MB (baseline {r['baseline_mb']} MB; target < {TARGET_MB} MB: {verdict})"
        )
    if args.no_record:
        print("\n".join(lines))
    else:
        from bench.results import append

        append("Background documents (bench/documents.py)", lines)


if __name__ == "__main__":
    main()
