"""Shared by the bench scripts: machine facts and appending a section to bench/RESULTS.md."""

import datetime as dt
import os
import platform
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine():
    """One line naming the machine and the versions that matter for the figures."""
    import django

    try:
        import psycopg2

        pg = psycopg2.__version__.split()[0]
    except ImportError:  # pragma: no cover
        pg = "-"
    cpus = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return (
        f"{platform.machine()}, {cpus} cores{mem}; Python {sys.version.split()[0]}, "
        f"Django {django.get_version()}, psycopg2 {pg}"
    )


def append(title, lines):
    """Print the figures and append them under a dated heading to bench/RESULTS.md."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        [f"## {title} ({stamp})", "", f"Machine: {machine()}", ""] + [f"- {line}" for line in lines] + [""]
    )
    text = "\n".join(block)
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in bench/; newest last.\n\n")
    with RESULTS.open("a") as f:
        f.write(text + "\n")
