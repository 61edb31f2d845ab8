"""Every error under /api/ is JSON: the database out of reach is a 503 the gate app can act
on, anything unexpected a 500, and neither is ever Django's HTML page."""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from accreditation.badges import codes
from accreditation.gate import device as device_path
from hanoi_summit.web.views import server_error
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory, ZoneFactory

pytestmark = pytest.mark.django_db
URL = "/api/checkin/"


@pytest.fixture
def device():
    ZoneFactory(code="PLN", name="Plenary hall", capacity=10)
    token = Token.objects.create(user=StaffUserFactory(role="Gate officer", username="gate"))
    # As a deployed server answers: a view's exception becomes a response, not a test error.
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, codes.badge_code(collected_badge())


@pytest.fixture
def database_down(monkeypatch):
    """Every connection attempt fails as it does while PostgreSQL restarts."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)

    yield down
    monkeypatch.undo()


def assert_database_unavailable(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "database_unavailable"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["device", "drf"])
def test_checkin_answers_503_json_while_the_database_is_down(device, database_down, monkeypatch, path):
    client, code = device
    if path == "drf":
        monkeypatch.setattr(device_path, "answer", lambda request: None)
    body = {"code": code, "zone": "PLN", "direction": "in"}
    assert client.post(URL, body, content_type="application/json").status_code == 200
    database_down()
    assert_database_unavailable(client.post(URL, body, content_type="application/json"))


def test_another_api_endpoint_answers_503_json_while_the_database_is_down(device, database_down):
    client, _ = device
    assert client.get("/api/badges/revoked/").status_code == 200
    database_down()
    assert_database_unavailable(client.get("/api/badges/revoked/"))
    assert_database_unavailable(client.get("/api/delegation/members/"))


def test_an_unexpected_error_in_an_api_view_is_a_500_in_json(device, monkeypatch):
    client, code = device

    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(device_path, "answer", broken)
    response = client.post(
        URL, {"code": code, "zone": "PLN", "direction": "in"}, content_type="application/json"
    )
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "server_error", "detail": "Server error."}


def test_handler500_answers_api_paths_in_json_and_pages_in_html():
    # What Django calls for an exception raised outside a view (in a middleware).
    factory = RequestFactory()
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        api = server_error(factory.get("/api/delegation/"))
        page = server_error(factory.get("/portal/"))
    assert_database_unavailable(api)
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert server_error(factory.get("/api/x/")).status_code == 500


def test_an_unknown_api_address_is_a_404_in_json(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_404_raised_by_a_plain_view_under_api_stays_a_404_in_json(rf):
    from django.http import Http404

    from hanoi_summit.core.http import ApiErrorMiddleware

    middleware = ApiErrorMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/api/x/"), Http404()) is None
    assert middleware.process_exception(rf.get("/portal/"), RuntimeError()) is None
    assert middleware.process_exception(rf.get("/api/x/"), RuntimeError()).status_code == 500
