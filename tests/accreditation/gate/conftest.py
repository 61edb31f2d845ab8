"""Fixtures of the gate's tests: the zones, a gate officer and a scanner device."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import StaffUserFactory, ZoneFactory


@pytest.fixture
def zones(db):
    return {
        "PLN": ZoneFactory(code="PLN", name="Plenary hall", capacity=10, sort_order=1),
        "SIG": ZoneFactory(code="SIG", name="Signing stage", sort_order=2),
    }


@pytest.fixture
def gate_user(db):
    return StaffUserFactory(role="Gate officer", username="gate")


@pytest.fixture
def token_client(db):
    """Makes an API client that sends a user's token, as a scanner device does."""

    def client_of(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return client_of


@pytest.fixture
def device(gate_user, token_client):
    return token_client(gate_user)
