"""The production stack in miniature, for the fault tests: throw-away services and processes.

A `Stack` is one test module's private world, never the machine's shared services:

- its own PostgreSQL cluster (`initdb` into a temporary directory, on a free port, run as the
  `postgres` OS user when we are root: PostgreSQL refuses to run as root), migrated;
- its own `redis-server` on a free port, which a test may stop and start again;
- the in-process SMTP sink of tests/integration/support.py, which may be stopped and started;
- the application's processes against them, each started on demand and in a process group of
  its own: Celery workers (support.start_worker), one beat, gunicorn.

Every process gets `stack.env`: DATABASE_URL, REDIS_URL and EMAIL_URL of those services, a
badge signing key of its own, its own HANOI_VAR_DIR, plus the module's `settings` (the
sweeps' delays lowered for the test). `close()` stops everything, whatever state the test
left it in; the `stack` fixture (tests/faults/conftest.py) calls it.

Waits poll with a deadline (`wait_until`); nothing sleeps a fixed time.
"""

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import psycopg2
import redis
import requests

from tests.integration.support import (
    REPO_ROOT,
    SmtpSink,
    free_port,
    kill_worker,
    start_worker,
    stop_worker,
    wait_until,
)


def postgres_bin():
    """The directory of initdb, pg_ctl and postgres (Debian keeps them off PATH), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    return next((path for path in candidates if (path / "initdb").exists()), None)


def missing_binaries():
    """What the fault tests need and this machine lacks (empty when everything is there)."""
    missing = []
    if postgres_bin() is None:
        missing.append("PostgreSQL's server binaries (initdb, pg_ctl)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a postgres OS user (PostgreSQL refuses to run as root)")
        if shutil.which("runuser") is None:
            missing.append("runuser (to run PostgreSQL as the postgres user)")
    return missing


class Process:
    """A process in its own process group, with its output in a log file."""

    def __init__(self, name, command, *, env, log_path, cwd=REPO_ROOT):
        self.name = name
        self.command = command
        self.env = env
        self.cwd = cwd
        self.log_path = Path(log_path)
        self.process = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def signal_group(self, sig):
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self, *, timeout=20.0):
        """SIGTERM to the group, then SIGKILL if it has not exited in time."""
        if not self.running:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def check_alive(self):
        if not self.running:
            code = None if self.process is None else self.process.returncode
            raise AssertionError(f"{self.name} exited ({code}):\n{self.log_tail()}")


class Postgres:
    """A PostgreSQL cluster in `root`, listening on 127.0.0.1:<port> and a socket in `root`."""

    def __init__(self, root):
        self.root = Path(root)
        self.data = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.port = free_port()
        self.bin = postgres_bin()

    def _run(self, tool, *args, timeout=120):
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root.
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode:
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
            # The postgres user must reach its directory through ours (mkdtemp makes it 0700).
            self.root.parent.chmod(0o711)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self):
        # fsync off: a throw-away cluster needs no protection from a power cut, only from its
        # own crash (pg_ctl -m immediate), which fsync does not change: a commit's WAL is
        # still written to the kernel before the commit returns.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=200 -c shared_buffers=32MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "-t", "60", "start"
        )
        return self

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode="immediate"):
        """Stop the server (immediate: as a crash would, no checkpoint) and start it again."""
        # -l again: without it the new server writes to our pipe, which would never close.
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-m", mode, "-w", "-t", "60", "restart"
        )

    def url(self, database="hanoi"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database="hanoi"):
        connection = psycopg2.connect(self.url(database), connect_timeout=5)
        connection.autocommit = True
        return connection

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Redis:
    """A redis-server on 127.0.0.1:<port>, nothing saved: a restart loses what it held."""

    def __init__(self, root):
        self.root = Path(root)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.root),
        ]
        self.process = Process(
            "redis-server", command, env=dict(os.environ), log_path=self.root / "redis.log"
        )
        self.process.start()
        wait_until(self.answers, timeout=30, interval=0.05, what="redis-server to answer")
        return self

    def answers(self):
        self.process.check_alive()
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.stop()


class Stack:
    """One module's PostgreSQL, Redis, SMTP sink and application processes (see the module)."""

    def __init__(self, *, settings=None):
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from accreditation.badges import keys

        self.root = Path(tempfile.mkdtemp(prefix="hanoi-faults-"))
        (self.root / "pg").mkdir()
        (self.root / "var").mkdir()
        (self.root / "logs").mkdir()
        self.postgres = Postgres(self.root / "pg")
        self.redis = Redis(self.root)
        self.sink = SmtpSink()
        self.processes = []
        self.workers = []
        self._scripts = 0
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)},
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
            "DATABASE_URL": self.postgres.url(),
            "REDIS_URL": self.redis.url,
            "EMAIL_URL": self.sink.url,
            "HANOI_VAR_DIR": str(self.root / "var"),
            "BADGE_SIGNING_KEY": keys.private_pem(Ed25519PrivateKey.generate()).decode(),
            # Production refuses to start without the field keys: fresh ones for each stack.
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            # These tests sign staff in over plain HTTP scripts; the second factor has its own
            # browser tests (tests/e2e/test_two_factor.py), so here the password suffices.
            "STAFF_REQUIRE_2FA": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            **PRODUCTION_ENV,
            **{name: str(value) for name, value in (settings or {}).items()},
        }

    # --- the services ---------------------------------------------------------------------

    def start(self):
        self.postgres.init().start()
        with contextlib.closing(self.postgres.connect("postgres")) as connection:
            connection.cursor().execute("CREATE DATABASE hanoi")
        self.redis.start()
        self.sink.start()
        self.manage("migrate", "--noinput", "-v0")
        return self

    def close(self):
        """Stop every process and service this stack started, then delete its directory."""
        for worker in self.workers:
            with contextlib.suppress(Exception):
                kill_worker(worker)
                stop_worker(worker)
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.kill()
        with contextlib.suppress(Exception):
            self.sink.stop()
        with contextlib.suppress(Exception):
            self.redis.stop()
        with contextlib.suppress(Exception):
            self.postgres.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the application's processes ----------------------------------------------------

    def manage(self, *args, timeout=300):
        """Run `manage.py <args>` against the stack; its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def django(self, code, **params):
        """Run `code` in a Django process on the stack's database; return what it printed last, as
        JSON. `params` (JSON-able) are the code's `params` dict. For setting the scene: the
        tests' factories and the services work there as in any test."""
        self._scripts += 1
        script = SCRIPT_PRELUDE % {"offset": 100_000 * self._scripts}
        result = subprocess.run(
            [sys.executable, "-c", script + textwrap.dedent(code)],
            cwd=REPO_ROOT,
            env={**self.env, "FAULTS_PARAMS": json.dumps(params)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise AssertionError(f"the Django script failed:\n{result.stdout}\n{result.stderr}")
        lines = result.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else None

    def sql(self, query, params=()):
        """Every row of one query on the stack's database (a new connection each time)."""
        with contextlib.closing(self.postgres.connect()) as connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def value(self, query, params=()):
        return self.sql(query, params)[0][0]

    def start_worker(self, *, queues=("celery", "email", "badges", "periodic"), pool="solo", concurrency=1):
        worker = start_worker(env=self.env, queues=queues, pool=pool, concurrency=concurrency, timeout=90)
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker):
        kill_worker(worker)

    def stop_worker(self, worker):
        stop_worker(worker)

    def start_beat(self):
        """The one Celery beat, its schedule file in the stack's directory."""
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hanoi_summit",
            "beat",
            "--loglevel=INFO",
            f"--schedule={self.root / 'celerybeat-schedule'}",
        ]
        beat = self._process("beat", command)
        wait_until(
            lambda: beat.check_alive() or "beat: Starting" in beat.log_tail(200),
            timeout=60,
            interval=0.1,
            what="celery beat to start",
        )
        return beat

    def start_web(self, *, workers=2):
        """gunicorn serving the application on 127.0.0.1:<free port>; ready when /healthz/ answers."""
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "hanoi_summit.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
        ]
        web = self._process(f"gunicorn:{port}", command)
        web.url = f"http://127.0.0.1:{port}"

        def answers():
            web.check_alive()
            try:
                return requests.get(f"{web.url}/healthz/", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=90, interval=0.1, what="gunicorn to answer /healthz/")
        return web

    def _process(self, name, command):
        log_path = self.root / "logs" / f"{name.replace(':', '-')}-{len(self.processes)}.log"
        env = {**self.env, "CELERY_SKIP_CHECKS": "1"}
        process = Process(name, command, env=env, log_path=log_path).start()
        self.processes.append(process)
        return process

    def logs(self):
        """The tail of every log, for an assertion's message."""
        parts = [f"--- {p.name}\n{p.log_tail()}" for p in self.processes]
        parts += [f"--- worker {w.name}\n{w.log_tail()}" for w in self.workers]
        parts.append(f"--- postgres\n{self.postgres.log_tail()}")
        return "\n".join(parts)


#: The environment variables hanoi_summit/settings.py reads start with these: none of this
#: shell's (a developer's CHECKIN_SYNCHRONOUS_COMMIT=0, CI's DATABASE_URL) reaches a stack.
SETTINGS_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "EMAIL_",
    "DEFAULT_FROM_",
    "CELERY_",
    "OUTBOX_",
    "BATCH_",
    "CHECKIN_",
    "BADGE_",
    "EVENT_",
    "HANOI_",
    "AXES_",
    "STAFF_",
    "TRUSTED_",
    "INVITATION_",
    "PROGRAMME_",
    "DEMO_",
    "FIELD_",
    "DOCUMENT_",
    "WEBAUTHN_",
    "PERSONAL_",
    "GATE_",
    "PORT",
)

#: What each `Stack.django` script starts with. The factories' sequences start past those
#: of the stack's earlier scripts, whose rows are still there (unique codes, badge numbers).
SCRIPT_PRELUDE = """
import json, os, django
django.setup()
from factory.django import DjangoModelFactory
import tests.factories
for factory_class in vars(tests.factories).values():
    if (
        isinstance(factory_class, type)
        and issubclass(factory_class, DjangoModelFactory)
        and not factory_class._meta.abstract
    ):
        factory_class.reset_sequence(%(offset)d, force=True)
params = json.loads(os.environ["FAULTS_PARAMS"])
"""

#: Production settings (DJANGO_DEBUG off), served over plain HTTP on 127.0.0.1 as behind a
#: TLS proxy: no redirect to HTTPS, cookies sent over HTTP.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_HSTS_SECONDS": "0",
}
