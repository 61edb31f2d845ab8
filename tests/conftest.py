"""Shared fixtures. Parts a user's machine may lack (Redis, Chromium, PostgreSQL) skip their
tests there, but in CI (HANOI_REQUIRE_ALL=1, set by .ci/run) a missing part fails the run."""

import os
import shutil

import pytest
from rest_framework.test import APIClient

from tests import factories

REQUIRE_ALL = os.environ.get("HANOI_REQUIRE_ALL") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(condition, reason):
    """Skip on a user's machine, fail in CI: a test that never runs must not count as passing."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _development_badge_key():
    """The development key exists before any test prints a badge: signing refuses to make a
    new key while the database holds printed badges (accreditation/badges/keys.py)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from accreditation.badges import keys

    path = keys.development_key_path()
    if not path.exists():
        keys.write_key_file(path, keys.private_pem(Ed25519PrivateKey.generate()))


@pytest.fixture(scope="session", autouse=True)
def _development_field_keys():
    """The development field keys exist before any test writes a passport: no key is made
    while the database holds values encrypted with one (hanoi_summit/core/crypto.py)."""
    from hanoi_summit.core import crypto

    crypto.development_keys_write()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # The test client speaks plain HTTP; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # The real clock, even when DJANGO_DEBUG=1 pins the demo's: tests that need a moment of
    # the event pin it themselves.
    settings.EVENT_NOW = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Staff need no second factor here: the tests of each page sign staff in with force_login
    # and are about that page, not about the sign-in. Off, a staff account without a factor
    # is signed in as before; an account *with* one still owes it (the rule is not skipped,
    # only the requirement to enrol). The second factor's own tests turn it on
    # (tests/hanoi_summit/test_two_factor.py, tests/e2e/test_two_factor.py).
    settings.STAFF_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _celery_eager_outside_integration(request):
    """With REDIS_URL set (CI), .delay() would publish to Redis where no worker listens; only
    tests/integration (marked `integration`) start a real worker. Everywhere else tasks run
    in-process, as on a fresh machine."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    from hanoi_summit.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """Transactional tests (live server, worker, concurrency) end with a flush that empties
    every table, the role groups made by the data migration included. pytest-django runs
    them after the ordinary ones, so putting the groups back at the start of each
    transactional test is enough. (serialized_rollback is not used: after a flush its
    reload collides with the content types that flush's post_migrate re-creates.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from hanoi_summit.roles import sync_roles

    sync_roles(apps)


@pytest.fixture
def require_postgres(db):
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def require_redis():
    from django.conf import settings

    require(bool(settings.REDIS_URL), "needs Redis and a Celery worker (set REDIS_URL)")


@pytest.fixture
def require_chromium():
    require(os.path.exists(CHROMIUM) or shutil.which("chromium"), f"needs Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(False, "needs the playwright package")


@pytest.fixture
def roles(db):
    """The role groups, as the data migration made them."""
    from django.contrib.auth.models import Group

    return {g.name: g for g in Group.objects.all()}


@pytest.fixture
def secretariat_user(db):
    return factories.StaffUserFactory(role="Secretariat", username="secretariat")


@pytest.fixture
def secretariat_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


# A State delegation and its focal point, for the portal's tests in every app that serves it
# (members and documents, submission); the programme's tests bring their own.
@pytest.fixture
def delegation(db):
    return factories.StateDelegationFactory(
        country="KE", name="Kenya", code="ken", mission="Embassy of Kenya, Hanoi", badge_quota=5
    )


@pytest.fixture
def focal_user(delegation):
    return factories.FocalPointFactory(delegation=delegation, user__username="focal-ken").user


@pytest.fixture
def focal_client(client, focal_user):
    client.force_login(focal_user)
    return client


@pytest.fixture
def api(focal_user):
    """The API as the focal point calls it."""
    client = APIClient()
    client.force_authenticate(focal_user)
    return client


@pytest.fixture
def ready(delegation, focal_user):
    """A delegation ready to submit: details, a note verbale and two complete members."""
    delegation.contact_email = "mfa@ke.example"
    delegation.save()
    factories.DocumentFactory(delegation=delegation)
    return factories.MemberFactory.create_batch(2, delegation=delegation, with_photo=True)
