"""The real stack's moving parts, for tests/integration/conftest.py and bench/email.py.

- `SmtpSink`: an aiosmtpd server on 127.0.0.1 that records every message it accepts, and can
  be told to answer the next messages with an error reply (e.g. "451 4.3.0 Try again"), or
  be stopped and started again on the same port (a mail server that goes down and comes back).
- `CountingSmtpSink`: an aiosmtpd server in a process of its own that only counts, for
  benchmarks (in-process, the sink shares the GIL with the code producing the load).
- `start_worker` / `stop_worker` / `kill_worker`: a real `celery -A hanoi_summit worker`
  process (in a process group of its own), run from the repository root with the given
  environment, ready when it answers a ping through the broker of that environment; it
  consumes every queue (ALL_QUEUES) unless told which. `purge_queues` empties them.
- `wait_until`: a bounded poll loop; tests never sleep a fixed time.
"""

import asyncio
import contextlib
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from celery import Celery

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout=30.0, interval=0.05, what="the condition"):
    """Poll `predicate` until it returns something truthy (and return that) or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class _SinkHandler:
    """The sink's aiosmtpd handler. Not the sink itself: aiosmtpd reads every attribute of its
    handler at each connection (inspect.getmembers), and the sink's `messages` parses every
    message received so far, which made each delivery slower than the last."""

    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        return self.sink._accept(envelope)


class SmtpSink:
    """An SMTP server on 127.0.0.1:<free port> that keeps every message it accepts."""

    def __init__(self):
        self._lock = threading.Lock()
        self._raw = []
        self._replies = []
        self._controller = None
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"

    def start(self):
        """Listen on the sink's port; again after `stop`, keeping the messages received so far."""
        # A controller serves once (its event loop closes when it stops): a new one per start.
        # A fixed greeting name: aiosmtpd would otherwise ask DNS for the machine's FQDN.
        self._controller = Controller(
            _SinkHandler(self), hostname="127.0.0.1", port=self.port, server_hostname="sink.test"
        )
        self._controller.start()
        return self

    def stop(self):
        """Close the port: senders get "connection refused" until the next `start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _accept(self, envelope):
        with self._lock:
            if self._replies:
                return self._replies.pop(0)
            self._raw.append(envelope.content)
        return "250 Message accepted for delivery"

    def fail_next(self, *replies):
        """Answer the next len(replies) messages with these replies, e.g. "451 4.3.0 Try again"."""
        with self._lock:
            self._replies.extend(replies)

    def clear(self):
        with self._lock:
            self._raw.clear()
            self._replies.clear()

    @property
    def count(self):
        with self._lock:
            return len(self._raw)

    @property
    def messages(self):
        """Every accepted message, parsed (email.message.EmailMessage), in arrival order."""
        with self._lock:
            raw = list(self._raw)
        return [message_from_bytes(content, policy=default_policy) for content in raw]

    def outbox_ids(self):
        """The X-Hanoi-Outbox-Id header of every accepted message, in arrival order."""
        return [message["X-Hanoi-Outbox-Id"] for message in self.messages]

    def wait_for(self, count, *, timeout=30.0):
        """Wait until at least `count` messages have arrived; return them."""
        wait_until(lambda: self.count >= count, timeout=timeout, what=f"{count} message(s) at the SMTP sink")
        return self.messages


OUTBOX_ID_HEADER = re.compile(rb"^X-Hanoi-Outbox-Id: *(\d+)", re.MULTILINE | re.IGNORECASE)


def _serve_counting_sink(port, received, duplicates, ready):
    seen = set()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            match = OUTBOX_ID_HEADER.search(envelope.content)
            if match:
                if match[1] in seen:
                    with duplicates.get_lock():
                        duplicates.value += 1
                seen.add(match[1])
            with received.get_lock():
                received.value += 1
            return "250 Message accepted for delivery"

    async def serve():
        loop = asyncio.get_running_loop()
        await loop.create_server(
            lambda: SMTP(Handler(), hostname="sink.test", loop=loop), host="127.0.0.1", port=port
        )
        ready.set()
        await asyncio.Event().wait()  # until the parent terminates this process

    asyncio.run(serve())


class CountingSmtpSink:
    """An aiosmtpd server in its own process that counts messages, and outbox ids seen twice."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self._received = context.Value("q", 0)
        self._duplicates = context.Value("q", 0)
        self._ready = context.Event()
        self._process = context.Process(
            target=_serve_counting_sink,
            args=(self.port, self._received, self._duplicates, self._ready),
            daemon=True,
        )

    def start(self):
        self._process.start()
        if not self._ready.wait(timeout=30):
            self.stop()
            raise AssertionError("the SMTP sink process did not start")
        return self

    def stop(self):
        self._process.terminate()
        self._process.join(timeout=10)

    @property
    def count(self):
        return self._received.value

    @property
    def duplicates(self):
        """Messages whose X-Hanoi-Outbox-Id had already arrived."""
        return self._duplicates.value


class Worker:
    """A running Celery worker process and its log file."""

    def __init__(self, process, name, log_path):
        self.process = process
        self.name = name
        self.log_path = log_path

    def log_tail(self, lines=40):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


#: Every queue of CELERY_TASK_ROUTES and the default one: a single worker consumes them all.
ALL_QUEUES = ("celery", "email", "badges", "documents", "periodic")


def start_worker(
    *, env, pool="solo", concurrency=1, include=(), loglevel="INFO", timeout=60.0, queues=ALL_QUEUES
):
    """Start `celery -A hanoi_summit worker` from the repository root; return it once it answers a ping.

    `env` is merged over os.environ; it should carry DATABASE_URL, REDIS_URL and EMAIL_URL.
    The ping goes through env's REDIS_URL (else this process's broker).
    `include`: extra modules for the worker to import (bench-only tasks).
    `queues`: the queues it consumes (-Q), all of them unless told.
    Unless `env` names one, the worker gets this process's badge signing key: it signs the
    badges it renders as this process would, and workers refuse to start without a key; and
    this process's field keys (passport data it writes, the worker reads).
    """
    from hanoi_summit.celery import app
    from hanoi_summit.core.crypto import keys_as_environment

    if "BADGE_SIGNING_KEY" not in env:
        from accreditation.badges import keys

        env = {"BADGE_SIGNING_KEY": keys.private_pem(keys.signing_key()).decode(), **env}
    env = {**keys_as_environment(), **env}
    name = f"integration-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hanoi_summit",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        f"--hostname={name}",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        f"--queues={','.join(queues)}",
    ]
    if include:
        command.append(f"--include={','.join(include)}")
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        # The system checks (URLs, admin...) are `manage.py check`'s job, not the worker's.
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
            "CELERY_SKIP_CHECKS": "1",
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: kill_worker takes a prefork pool's children with it.
        start_new_session=True,
    )
    log.close()
    worker = Worker(process, name, log.name)

    # The ping goes through the worker's broker, which may not be this process's: a Celery
    # app of its own publishes there (the control API's producers are the app's).
    pinger = Celery("ping", broker=env.get("REDIS_URL") or app.conf.broker_url, set_as_current=False)

    def answers():
        if process.poll() is not None:
            raise AssertionError(f"the Celery worker exited with {process.returncode}:\n{worker.log_tail()}")
        return pinger.control.ping(destination=[name], timeout=0.5)

    try:
        wait_until(answers, timeout=timeout, interval=0.2, what="the Celery worker to answer a ping")
    except BaseException:
        stop_worker(worker)
        raise
    finally:
        pinger.close()
    return worker


def purge_queues(queues=ALL_QUEUES):
    """Empty the broker's queues, so a worker never runs tasks left over from earlier runs."""
    from hanoi_summit.celery import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in queues:
            channel.queue_purge(queue)


def kill_worker(worker, sig=signal.SIGKILL):
    """Kill the worker's whole process group at once, as a crash or the OOM killer would."""
    if worker.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.process.pid, sig)
        worker.process.wait(timeout=30)


def stop_worker(worker, *, timeout=15.0):
    """Warm shutdown (finish the current task), then kill if it does not exit in time."""
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_worker(worker)
    Path(worker.log_path).unlink(missing_ok=True)


def database_url(settings_dict):
    """A DATABASE_URL for the database Django is connected to (pytest's test database)."""
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"
