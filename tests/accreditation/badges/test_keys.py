"""The badge signing key is never lost or replaced by accident: production needs
BADGE_SIGNING_KEY, and a development key that signed badges is never silently remade."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accreditation.badges import codes, keys
from hanoi_summit.celery import refuse_to_work_without_keys
from hanoi_summit.checks import refuse_to_serve_without_keys
from tests import factories
from tests.integration.support import REPO_ROOT


@pytest.fixture
def dev_key_in(settings, tmp_path):
    settings.BADGE_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    keys._cache.clear()
    yield tmp_path
    keys._cache.clear()


def deploy_errors():
    return [m.id for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.ERROR]


def test_production_without_the_key_fails_the_deploy_check(settings):
    settings.DEBUG = False
    settings.BADGE_SIGNING_KEY = ""
    assert "hanoi_summit.E001" in deploy_errors()
    with pytest.raises(ImproperlyConfigured, match="BADGE_SIGNING_KEY"):
        refuse_to_serve_without_keys()
    with pytest.raises(ImproperlyConfigured, match="BADGE_SIGNING_KEY"):
        refuse_to_work_without_keys()
    settings.BADGE_SIGNING_KEY = keys.private_pem(keys.signing_key()).decode()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FIELD_HASH_KEY = "a-hash-key"
    assert "hanoi_summit.E001" not in deploy_errors()
    refuse_to_serve_without_keys()
    settings.BADGE_SIGNING_KEY = ""
    settings.DEBUG = True  # development: the development key is fine
    assert "hanoi_summit.E001" not in deploy_errors()


@pytest.mark.parametrize("with_key", [False, True])
def test_the_web_process_does_not_start_without_the_key(with_key, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BADGE_", "FIELD_"))}
    env.update(DJANGO_SETTINGS_MODULE="hanoi_summit.settings", HANOI_VAR_DIR=str(tmp_path))
    # The field keys are set: this test is about the badge key (tests/security/test_encryption_at_rest.py
    # refuses a start without them).
    env.update(FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), FIELD_HASH_KEY="a-hash-key")
    if with_key:
        env["BADGE_SIGNING_KEY"] = keys.private_pem(keys.signing_key()).decode()
    started = subprocess.run(
        [sys.executable, "-c", "import hanoi_summit.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if with_key:
        assert started.returncode == 0, started.stderr
    else:
        assert started.returncode == 1
        assert "BADGE_SIGNING_KEY is not set" in started.stderr


@pytest.mark.django_db
def test_a_missing_key_is_not_remade_while_printed_badges_exist(dev_key_in):
    factories.BadgeFactory(printed_at=timezone.now())
    factories.BadgeFactory()
    with pytest.raises(ImproperlyConfigured, match=r"holds 1 printed badges.*restore the key file"):
        keys.signing_key()
    assert not keys.development_key_path().exists()
    assert not list(dev_key_in.rglob("*.pem"))


@pytest.mark.django_db
def test_a_key_at_the_old_place_is_kept_and_copied_into_the_private_directory(dev_key_in):
    old = dev_key_in / keys.DEV_KEY_NAME
    keys.write_key_file(old, keys.private_pem(keys.Ed25519PrivateKey.generate()))
    badge = factories.BadgeFactory(printed_at=timezone.now())
    code = codes.badge_code(badge)
    keys._cache.clear()
    new = dev_key_in / "private" / "keys" / keys.DEV_KEY_NAME
    assert new.read_bytes() == old.read_bytes()
    assert codes.decode(code).number == badge.number
    # Read from its new place from now on, the old file gone or not.
    old.unlink()
    keys._cache.clear()
    assert codes.decode(code).number == badge.number
