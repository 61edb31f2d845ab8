"""Requests built to crash a parser are refused as 400s with a `code`, never 500s: JSON nested a
thousand deep on every JSON endpoint (and on the gate's device path, which parses JSON itself),
page parameters beyond 64 bits, and PDFs beyond pypdf's limits."""

import re
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from delegations.models import Document
from hanoi_summit.core import files
from tests import factories
from tests.security import pdfs
from tests.security.portal_uploads import post_full_powers, post_note_verbale

#: A JSON body nested a thousand levels deep: six kilobytes.
DEEP_JSON = "[" * 1000 + "]" * 1000
WRITE_METHODS = ("post", "put", "patch")


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _json_endpoints():
    """(route, method) of every DRF view that takes a body, found in the URL resolver."""
    found = []
    for route, callback in _routes():
        view = getattr(callback, "cls", None)
        if view is None or not issubclass(view, APIView):
            continue
        for method in WRITE_METHODS:
            if hasattr(view, method):
                found.append((route, method))
    return found


JSON_ENDPOINTS = _json_endpoints()
#: Actions that take no body: they never parse it, whatever it holds.
NO_BODY = {
    "portal/accreditation/api/submit/",
    "api/programme/bookings/<int:pk>/cancel/",
    "api/programme/speaker-requests/<int:pk>/withdraw/",
    "api/programme/signatures/<int:pk>/record/",
    "api/gate/device/rotate/",
}


def test_the_resolver_finds_the_json_endpoints():
    assert ("api/checkin/", "post") in JSON_ENDPOINTS
    assert ("api/delegation/", "patch") in JSON_ENDPOINTS
    assert ("api/accreditation/<int:pk>/approve/", "post") in JSON_ENDPOINTS
    assert len(JSON_ENDPOINTS) >= 20


@pytest.fixture
def everything(db):
    """A superuser who is also a delegation's focal point, and one row for every <int:pk>."""
    user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    delegation = factories.StateDelegationFactory(code="ken")
    factories.FocalPointFactory(delegation=delegation, user=user)
    member = factories.MemberFactory(delegation=delegation)
    ids = {
        "delegation/members/": member.pk,
        "accreditation/": factories.AccreditationFactory(member=member).pk,
        "bookings/": factories.BookingFactory(member=member).pk,
        "speaker-requests/": factories.SpeakerRequestFactory(speaker=member).pk,
        "signatures/": factories.SignatureFactory(delegation=delegation).pk,
    }
    return user, ids


def _url(route, ids):
    path = "/" + route
    if "<int:pk>" in path:
        pk = next(pk for prefix, pk in ids.items() if prefix + "<int:pk>" in path)
        path = path.replace("<int:pk>", str(pk))
    assert "<" not in path, path
    return path


@pytest.mark.parametrize(("route", "method"), JSON_ENDPOINTS)
def test_json_nested_a_thousand_deep_is_a_400_with_a_code(route, method, everything):
    user, ids = everything
    client = APIClient()
    client.force_authenticate(user)
    response = getattr(client, method)(_url(route, ids), DEEP_JSON, content_type="application/json")
    assert response.status_code < 500
    if route in NO_BODY:
        return
    if response.status_code == 415:
        # Uploads (multipart only) refuse a JSON body before reading it.
        assert response.json()["code"] == "unsupported_media_type"
        return
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "json_too_deep"


def test_json_nested_within_the_limit_is_read_as_before(everything):
    user, _ids = everything
    client = APIClient()
    client.force_authenticate(user)
    body = '{"name": ' + "[" * 20 + '"x"' + "]" * 20 + "}"
    response = client.patch("/api/delegation/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.fixture
def device_token(db):
    user = factories.StaffUserFactory(role="Gate officer", username="gate")
    return Token.objects.create(user=user).key


def test_deep_json_to_the_gate_is_refused_before_the_token_is_looked_up(
    device_token, django_assert_max_num_queries
):
    client = APIClient()
    # An unknown token: the device path reads the body before it looks the token up.
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post("/api/checkin/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 403  # as for any unknown token (the view tries the session first)
    assert response.json()["code"] == "authentication_failed"
    client.credentials(HTTP_AUTHORIZATION=f"Token {device_token}")
    response = client.post("/api/checkin/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


HUGE = "9223372036854775808"  # 2**63: one more than a 64-bit column holds


@pytest.mark.parametrize(
    "query",
    [
        f"limit={HUGE}",
        f"offset={HUGE}",
        f"limit={HUGE}&offset={HUGE}",
        f"limit={HUGE}&offset=1",
        "limit=" + "9" * 5000,
        f"page={HUGE}",
    ],
)
def test_huge_page_parameters_on_an_anonymous_list_are_not_a_500(query, db):
    factories.SessionFactory.create_batch(2)
    response = APIClient().get(f"/api/programme/sessions/?{query}")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 2


def test_limit_is_capped(db):
    factories.SessionFactory.create_batch(3)
    response = APIClient().get(f"/api/programme/sessions/?limit={HUGE}")
    assert len(response.json()["results"]) == 3
    assert "limit=1000" in (response.json()["next"] or "limit=1000")


@pytest.mark.parametrize("url", ["/api/programme/signatures/", "/api/accreditation/review/"])
@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}&limit={HUGE}", f"limit={HUGE}&offset=0"])
def test_huge_page_parameters_on_staff_lists_are_not_a_500(url, query, everything):
    user, _ids = everything
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("url", ["/accreditation/", "/protocol/print/"])
def test_huge_page_numbers_on_staff_pages_are_not_a_500(url, everything, client):
    user, _ids = everything
    client.force_login(user)
    response = client.get(f"{url}?page={HUGE}")
    assert response.status_code in (200, 302), response.status_code


# --- PDFs beyond pypdf's limits -----------------------------------------------------------

HOSTILE_PDFS = {
    "a page tree 3,000 levels deep": pdfs.deep_page_tree,
    "an array nested 3,000 deep": pdfs.deep_array,
    "an object stream unpacking to 200 MB": pdfs.objstm_bomb,
}


@pytest.mark.parametrize("name", HOSTILE_PDFS)
def test_hostile_pdfs_are_refused_quickly_and_in_little_memory(name):
    data = HOSTILE_PDFS[name]()
    start = time.perf_counter()
    with pytest.raises(files.UploadRefused) as refused:
        files.pdf_clean(SimpleUploadedFile("nv.pdf", data, "application/pdf"))
    seconds = time.perf_counter() - start
    assert refused.value.code == "not_pdf"
    assert seconds < 2
    tracemalloc.start()
    try:
        with pytest.raises(files.UploadRefused):
            files.pdf_clean(SimpleUploadedFile("nv.pdf", data, "application/pdf"))
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    assert peak < 100


@pytest.mark.parametrize("name", HOSTILE_PDFS)
def test_a_hostile_note_verbale_is_refused_on_the_form(name, focal_client, delegation):
    response = post_note_verbale(focal_client, HOSTILE_PDFS[name]())
    assert response.status_code == 200
    assert "not a PDF document" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", HOSTILE_PDFS)
def test_hostile_full_powers_are_a_400_with_a_code(name, db):
    response = post_full_powers(HOSTILE_PDFS[name]())
    assert response.status_code == 400, response.content[:300]
    assert re.fullmatch(r"[a-z_]+", response.json()["code"])
    assert not Document.objects.exists()
