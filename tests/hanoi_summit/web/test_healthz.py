"""/healthz/: what a load balancer and an operator ask before sending traffic."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("healthz")


def test_healthy_without_redis_reports_the_database_and_eager_tasks(client, settings):
    settings.REDIS_URL = ""

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"] == {"ok": True, "mode": "eager"}


def test_unreachable_database_answers_503_with_the_reason(client, settings):
    settings.REDIS_URL = ""

    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    ) as cursor:
        response = client.get(URL)

    assert cursor.called
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert "could not connect" in body["database"]["error"]
    # The broker is still reported, so the operator sees which part is down.
    assert body["broker"] == {"ok": True, "mode": "eager"}


def test_broker_down_is_reported_but_the_web_tier_stays_in_service(client, settings):
    # Port 1 on the loopback: nothing listens there, the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get(URL)

    # E-mails queued meanwhile wait in the outbox for the sweep, so pages can still be served.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["mode"] == "redis"
    assert body["broker"]["error"]


def test_real_redis_broker_is_reported_up(client, settings, require_redis):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "mode": "redis"}


def test_healthz_needs_no_login_and_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True


def test_healthz_is_never_cached_and_only_read(client, settings):
    settings.REDIS_URL = ""

    response = client.get(URL)
    posted = client.post(URL)

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert posted.status_code == 405
