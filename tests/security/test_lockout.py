"""Login lock-outs: by username at an address, a higher ceiling per address, the client's
address read through our own proxies, and API tokens left alone."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accreditation.badges import codes
from accreditation.gate import scan as checkin
from accreditation.models import AccreditationStatus
from tests import factories

ATTACKER = "203.0.113.66"
COLLEAGUE_AT_THE_SAME_ADDRESS = ATTACKER
ELSEWHERE = "198.51.100.20"
PASSWORD = "pw-Hanoi-2025"


@pytest.fixture
def victim(db):
    return factories.UserFactory(username="focal-ken")


@pytest.fixture
def colleague(db):
    return factories.UserFactory(username="focal-gha")


def login(username, password, address, **extra):
    """POST the login form from ``address``; the response's status: 302 in, 200 refused, 429 locked."""
    return (
        Client()
        .post(
            reverse("portal:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            **extra,
        )
        .status_code
    )


def fail(times, username, address, **extra):
    for _ in range(times):
        login(username, "wrong", address, **extra)


def test_failures_for_a_made_up_name_do_not_lock_out_the_address(settings, colleague):
    fail(settings.AXES_FAILURE_LIMIT, "no-such-user", ATTACKER)

    assert login("focal-gha", PASSWORD, COLLEAGUE_AT_THE_SAME_ADDRESS) == 302


def test_the_attackers_address_is_locked_while_the_victim_logs_in_from_another(settings, victim, colleague):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 10 * settings.AXES_FAILURE_LIMIT
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    # Guessing across usernames, each under the per-account limit, from one address.
    for n in range(12):
        fail(1, f"guess-{n}", ATTACKER)

    assert login("focal-gha", PASSWORD, ATTACKER) == 429
    assert login("focal-ken", PASSWORD, ELSEWHERE) == 302


def test_an_account_under_attack_is_locked_for_the_attackers_address_only(settings, victim):
    fail(settings.AXES_FAILURE_LIMIT, "focal-ken", ATTACKER)

    assert login("focal-ken", PASSWORD, ATTACKER) == 429
    assert login("focal-ken", PASSWORD, ELSEWHERE) == 302


def test_a_success_does_not_reset_the_addresss_count(settings, victim, colleague):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    for n in range(3):
        fail(1, f"guess-{n}", ATTACKER)
    assert login("focal-gha", PASSWORD, ATTACKER) == 302
    fail(1, "guess-3", ATTACKER)

    assert login("focal-ken", PASSWORD, ATTACKER) == 429


def test_with_one_trusted_proxy_the_last_hop_of_x_forwarded_for_is_the_client(settings, victim):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; our load balancer appended the second.
    fail(1, "focal-ken", "10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")

    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings, victim):
    assert settings.TRUSTED_PROXY_COUNT == 0
    fail(1, "focal-ken", ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_behind_two_proxies_a_forged_header_cannot_choose_the_address(settings, victim):
    settings.TRUSTED_PROXY_COUNT = 2
    fail(1, "focal-ken", "10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}, 10.0.0.3")
    fail(1, "focal-ken", "10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.3")

    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2", ATTACKER]


def _collected_badge():
    today = checkin.today_in_hanoi()
    category = factories.CategoryFactory(code="DEL", name="Delegate", colour="#1565C0")
    return factories.BadgeFactory(
        category=category,
        accreditation__category=category,
        accreditation__status=AccreditationStatus.COLLECTED,
        printed_at=timezone.now(),
        collected_at=timezone.now(),
        zone_codes="PLN",
        valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=1),
    )


def test_a_locked_address_still_lets_a_gate_devices_token_scan_through(settings, victim):
    factories.ZoneFactory(code="PLN")
    gate = factories.StaffUserFactory(role="Gate officer", username="gate")
    device = APIClient(REMOTE_ADDR=ATTACKER)
    device.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gate).key}")
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    fail(settings.AXES_FAILURE_LIMIT, "gate", ATTACKER)
    assert login("gate", PASSWORD, ATTACKER) == 429

    badge = _collected_badge()
    response = device.post(
        "/api/checkin/", {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["result"] == "granted"


def test_a_bad_token_is_refused_without_counting_as_a_login_failure(db):
    device = APIClient(REMOTE_ADDR=ATTACKER)
    device.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for _ in range(3):
        response = device.post("/api/checkin/", {"code": "HS1:AAAA", "zone": "PLN"}, format="json")
        assert response.status_code in (401, 403)

    assert not AccessAttempt.objects.exists()
