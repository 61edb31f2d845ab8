"""Production settings: `check --deploy` passes with a real key and fails with the default."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def new_badge_signing_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from accreditation.badges.keys import private_pem

    return private_pem(Ed25519PrivateKey.generate()).decode()


def run_deploy_check(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "BADGE_", "FIELD_"))
        and key not in ("DATABASE_URL", "EVENT_NOW")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "summit.example.org",
            "BADGE_SIGNING_KEY": new_badge_signing_key(),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            # A private var/ so the check does not create files in the work tree.
            "HANOI_VAR_DIR": str(tmp_path / "var"),
        }
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_printed(tmp_path, statements, **overrides):
    """Run ``statements`` (with the settings as ``s``) in a fresh process whose environment is
    ours without DJANGO_*, REDIS_URL and EVENT_NOW, plus ``overrides``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("REDIS_URL", "EVENT_NOW")
    }
    env.update({"HANOI_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings"})
    env.update(overrides)
    code = f"import django; django.setup(); from django.conf import settings as s; {statements}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_deploy_check_passes_with_a_real_secret_key(tmp_path):
    result = run_deploy_check(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_the_badge_signing_key(tmp_path):
    result = run_deploy_check(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), BADGE_SIGNING_KEY="")

    assert result.returncode != 0
    assert "hanoi_summit.E001" in result.stdout + result.stderr


def test_deploy_check_fails_with_the_default_insecure_key(tmp_path):
    result = run_deploy_check(tmp_path)

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_deploy_check_warns_of_a_pinned_event_clock(tmp_path):
    # A pinned clock would let the gates admit badges on a day they are not valid.
    result = run_deploy_check(
        tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), EVENT_NOW="2025-10-25T08:30:00+07:00"
    )

    assert result.returncode != 0
    assert "hanoi_summit.W001" in result.stdout + result.stderr


def test_deploy_check_passes_behind_a_tls_proxy(tmp_path):
    # The proxy terminates TLS; Django must trust its X-Forwarded-Proto to see HTTPS.
    result = run_deploy_check(
        tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_BEHIND_TLS_PROXY="1"
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("redis_url", "eager", "cache"),
    [
        ("", "True", "locmem"),
        ("redis://127.0.0.1:6379/3", "False", "redis"),
    ],
)
def test_redis_url_switches_between_eager_tasks_and_a_real_broker(tmp_path, redis_url, eager, cache):
    result = settings_printed(
        tmp_path,
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'].lower())",
        REDIS_URL=redis_url,
    )

    assert result.returncode == 0, result.stderr
    eager_shown, backend = result.stdout.split()
    assert eager_shown == eager
    assert cache in backend


def test_gate_scans_commit_durably_unless_told_otherwise(tmp_path):
    default = settings_printed(tmp_path, "print(s.CHECKIN_SYNCHRONOUS_COMMIT)")
    turned_off = settings_printed(
        tmp_path, "print(s.CHECKIN_SYNCHRONOUS_COMMIT)", CHECKIN_SYNCHRONOUS_COMMIT="0"
    )
    assert default.returncode == 0, default.stderr
    assert (default.stdout.strip(), turned_off.stdout.strip()) == ("True", "False")


def test_database_connections_persist_between_requests(settings):
    # A new PostgreSQL connection per request cut throughput 2.3-fold: keep them open.
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_readme_documents_every_environment_variable_the_settings_read():
    source = (ROOT / "hanoi_summit" / "settings.py").read_text()
    names = set(re.findall(r"""(?:\benv|\bEnv\(\))\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    readme = (ROOT / "README.md").read_text()

    # Guard the guard: the pattern must find the variables we know are read.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "HANOI_VAR_DIR"} <= names
    missing = sorted(name for name in names if f"| `{name}` |" not in readme)
    assert missing == []


def test_the_demo_clock_is_the_moment_the_demo_data_depicts(tmp_path):
    """make run (DEBUG) pins the event clock to the seed's SNAPSHOT, a moment of an event day:
    a gate admits the demo's badges and the dashboard shows that morning's scans."""
    result = settings_printed(
        tmp_path,
        "from hanoi_summit.core.clock import event_now, event_today; "
        "from hanoi_summit.seed.demo_plan import SNAPSHOT; "
        "print(s.EVENT_FIRST_DAY <= event_today().isoformat() <= s.EVENT_LAST_DAY, event_now() == SNAPSHOT)",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
