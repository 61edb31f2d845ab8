"""The top bar: each role sees its own sections, the current one marked, and no link to a
page it cannot open; error pages in the site's style, with a way back."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<a class="nav-link( active)?" href="([^"]+)"(?: aria-current="page")?>([^<]+)</a>')


def _sections(html):
    top = html[: html.index('id="main"')]
    return {label.strip(): (url, bool(active)) for active, url, label in NAV.findall(top)}


def _user(role):
    # Security and gate accounts are not staff: the admin is not theirs.
    staff = role not in ("Security officer", "Gate officer")
    return factories.StaffUserFactory(role=role, is_staff=staff)


@pytest.mark.parametrize(
    ("role", "page", "expected", "current"),
    [
        (
            "Secretariat",
            "/dashboard/",
            {"Programme", "Dashboard", "Review", "Ceremonies", "Administration"},
            "Dashboard",
        ),
        ("Accreditation officer", "/accreditation/", {"Programme", "Review", "Administration"}, "Review"),
        ("Security officer", "/accreditation/security/", {"Programme", "Vetting", "Gate alerts"}, "Vetting"),
        (
            "Protocol officer",
            "/protocol/checkin/",
            {"Programme", "Protocol", "Gate", "Ceremonies", "Administration"},
            "Gate",
        ),
        ("Gate officer", "/protocol/checkin/", {"Programme", "Gate"}, "Gate"),
    ],
)
def test_each_role_sees_its_sections_and_can_open_each(client, role, page, expected, current):
    client.force_login(_user(role))
    response = client.get(page)
    assert response.status_code == 200
    sections = _sections(response.content.decode())
    assert set(sections) == expected
    assert [label for label, (_url, active) in sections.items() if active] == [current]
    for url, _active in sections.values():
        assert client.get(url, follow=True).status_code == 200, url


def test_the_public_and_focal_points(client):
    assert set(_sections(client.get("/programme/").content.decode())) == {"Programme"}
    client.force_login(factories.FocalPointFactory().user)
    html = client.get("/programme/").content.decode()
    assert set(_sections(html)) == {"Programme", "My delegation"}
    assert _sections(html)["Programme"][1] is True


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Page not found"), ("fr", "Page introuvable"), ("vi", "Không tìm thấy trang")],
)
def test_404_in_the_sites_style_and_language_with_a_way_back(client, language, words):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-page"' in html and words in html and 'href="/"' in html
    assert "hs-navbar" in html


def test_403_in_the_sites_style(client):
    client.force_login(_user("Gate officer"))
    response = client.get("/dashboard/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="error-page"' in html and "Error 403" in html


def test_api_errors_stay_json(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@override_settings(DEBUG=False)
def test_500_page_in_the_language_of_the_visitor(rf):
    from hanoi_summit.web.views import server_error

    with translation.override("fr"):
        response = server_error(rf.get("/somewhere/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'id="error-page"' in html and "Une erreur s" in html
