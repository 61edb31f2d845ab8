"""The programme's fixtures, shared by the tests of its services and of each flow."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sessions.models import SessionKind
from tests import factories


@pytest.fixture(autouse=True)
def _programme_clock(settings):
    # The event is in October 2025: pin the programme's clock to the week before it.
    settings.EVENT_NOW = "2025-10-20T09:00:00+07:00"
    settings.PROGRAMME_SIGNING_SLOT_MINUTES = 3


@pytest.fixture
def focal(db):
    """A focal point of a State, the kind of delegation that may also sign."""
    return factories.FocalPointFactory(delegation=factories.StateDelegationFactory())


@pytest.fixture
def focal_client(client, focal):
    client.force_login(focal.user)
    return client


@pytest.fixture
def api(focal):
    """The API as the focal point, with a token as API clients send it."""
    client = APIClient()
    token = Token.objects.create(user=focal.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def protocol_officer(db):
    return factories.StaffUserFactory(role="Protocol officer")


@pytest.fixture
def protocol_client(client, protocol_officer):
    client.force_login(protocol_officer)
    return client


@pytest.fixture
def plenary(db):
    return factories.SessionFactory(kind=SessionKind.PLENARY, booking_mode="none")


@pytest.fixture
def gala(db):
    """The gala dinner, in a three-seat hall so that tests can fill it."""
    room = factories.RoomFactory(capacity=3)
    return factories.SessionFactory(kind=SessionKind.GALA_DINNER, booking_mode="invitation", room=room)


@pytest.fixture
def ceremony(db):
    return factories.SessionFactory(
        kind=SessionKind.SIGNING_CEREMONY,
        booking_mode="none",
        starts_at=factories.hanoi_time(1, 10),
        ends_at=factories.hanoi_time(1, 12),
    )
