"""Content-Security-Policy and no inline script or style on the pages, Permissions-Policy,
and the staff sessions' time limits."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accreditation.models import AccreditationStatus
from hanoi_summit.core.admin import PILL_COLOURS
from hanoi_summit.web.middleware import LOGIN_AT, SEEN_AT
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

#: Inside a tag: an inline script (no src), an event handler attribute, a style attribute.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(html):
    """Every inline script, handler or style in ``html`` (what the policy would block)."""
    found = []
    for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT, JAVASCRIPT_URL):
        found += [match.group(0)[:120] for match in pattern.finditer(html)]
    return found


def client_for(role=None, focal=False):
    client = Client()
    if role:
        client.force_login(factories.StaffUserFactory(role=role))
    elif focal:
        client.force_login(factories.FocalPointFactory().user)
    return client


PAGES = [
    # (name, path, who)
    ("home", "/", {}),
    ("programme", "/programme/", {}),
    ("login", "/portal/login/", {}),
    ("portal", "/portal/", {"focal": True}),
    ("review queue", "/accreditation/", {"role": "Accreditation officer"}),
    ("vetting queue", "/accreditation/security/", {"role": "Security officer"}),
    ("protocol", "/protocol/", {"role": "Protocol officer"}),
    ("print queue", "/protocol/print/", {"role": "Protocol officer"}),
    ("badge desk", "/protocol/desk/", {"role": "Protocol officer"}),
    ("gate page", "/protocol/checkin/", {"role": "Gate officer"}),
    ("occupancy", "/protocol/checkin/occupancy/", {"role": "Gate officer"}),
    ("dashboard", "/dashboard/", {"role": "Secretariat"}),
    ("admin index", "/admin/", {"role": "Secretariat"}),
    ("admin accreditations", "/admin/accreditation/accreditation/", {"role": "Secretariat"}),
    ("admin badges", "/admin/accreditation/badge/", {"role": "Secretariat"}),
    ("admin invitations", "/admin/delegations/invitation/", {"role": "Secretariat"}),
]


@pytest.fixture
def data(db):
    """Rows with a category (coloured badges) in every queue and list shown."""
    category = factories.CategoryFactory(code="VIP", name="VIP", colour="#8B0000", text_colour="#FFFFFF")
    for status in (AccreditationStatus.SUBMITTED, AccreditationStatus.APPROVED, AccreditationStatus.CLEARED):
        factories.AccreditationFactory(status=status, category=category)
    factories.BadgeFactory(category=category, accreditation__category=category)
    factories.ZoneFactory(code="PLN", capacity=100)


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[page[0] for page in PAGES])
def test_every_page_sends_the_policy_and_has_no_inline_script_or_style(data, name, path, who):
    client = client_for(**who)
    response = client.get(path, follow=True)
    assert response.status_code == 200, (name, response.redirect_chain)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert inline_code(response.content.decode()) == []


def test_templates_hold_no_inline_script_or_style():
    """Pages not rendered above too. E-mails are exempt: mail clients need inline styles, and
    no browser shows them under our policy."""
    offenders = {}
    for template in (ROOT / "templates").rglob("*.html"):
        if "emails" in template.relative_to(ROOT / "templates").parts:
            continue
        found = inline_code(template.read_text())
        if found:
            offenders[str(template.relative_to(ROOT))] = found
    assert offenders == {}


def test_api_docs_are_served_locally_under_the_policy(db):
    """Swagger UI: the site's policy, no exception. ReDoc: inline styles (it writes <style>
    elements as it renders) and blob: workers (its search), on its own path only."""
    client = client_for(role="Secretariat")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "default-src 'self'" in docs["Content-Security-Policy"]
    assert "unsafe-inline" not in docs["Content-Security-Policy"]
    assert inline_code(docs.content.decode()) == []
    redoc = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in redoc
    assert "script-src" not in redoc


def test_admin_pill_stylesheet_matches_pill_colours():
    css = (ROOT / "static/css/admin.css").read_text()
    rules = dict(re.findall(r"\.hs-pill-([a-z]+)\s*\{\s*background:\s*(#[0-9A-Fa-f]{6});", css))
    assert {tone: colour.upper() for tone, colour in rules.items()} == {
        tone: colour.upper() for tone, colour in PILL_COLOURS.items()
    }


def test_status_pill_is_a_class_per_tone():
    from hanoi_summit.core.admin import status_pill

    assert status_pill("Valid", "success") == '<span class="hs-pill hs-pill-success">Valid</span>'
    assert status_pill("?", "no-such-tone") == '<span class="hs-pill hs-pill-secondary">?</span>'


def test_the_gate_page_may_use_the_camera_and_no_other_page_may(db):
    gate = client_for(role="Gate officer")
    assert "camera=(self)" in gate.get("/protocol/checkin/")["Permissions-Policy"]
    for path in ("/protocol/checkin/occupancy/", "/programme/", "/healthz/", "/admin/login/"):
        policy = gate.get(path)["Permissions-Policy"]
        assert "camera=()" in policy, path
        assert "microphone=()" in policy


def _age(client, *, login_minutes_ago, seen_minutes_ago):
    session = client.session
    session[LOGIN_AT] -= login_minutes_ago * 60
    session[SEEN_AT] -= seen_minutes_ago * 60
    session.save()


def test_a_staff_session_idle_31_minutes_is_logged_out(db):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 30
    client = client_for(role="Protocol officer")
    _age(client, login_minutes_ago=31, seen_minutes_ago=31)

    response = client.get("/protocol/")

    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/?next=/protocol/")
    assert "_auth_user_id" not in client.session
    assert client.get("/protocol/").status_code == 302


def test_a_staff_session_idle_29_minutes_goes_on_and_counts_as_activity(db):
    client = client_for(role="Protocol officer")
    _age(client, login_minutes_ago=29, seen_minutes_ago=29)

    assert client.get("/protocol/").status_code == 200
    assert client.session[SEEN_AT] > client.session[LOGIN_AT] + 28 * 60


def test_an_active_staff_session_ends_after_12_hours(db):
    assert settings.STAFF_SESSION_MAX_AGE_HOURS == 12
    client = client_for(role="Protocol officer")
    _age(client, login_minutes_ago=12 * 60 + 1, seen_minutes_ago=1)

    assert client.get("/protocol/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_idle_staff_api_call_is_answered_as_signed_out(db):
    client = client_for(role="Accreditation officer")
    assert client.get("/api/accreditation/review/").status_code == 200
    _age(client, login_minutes_ago=40, seen_minutes_ago=40)

    assert client.get("/api/accreditation/review/").status_code in (401, 403)


def test_a_focal_point_after_20_hours_is_still_logged_in(db):
    client = client_for(focal=True)
    _age(client, login_minutes_ago=20 * 60, seen_minutes_ago=20 * 60)

    assert client.get("/portal/").status_code == 200
    assert "_auth_user_id" in client.session


def test_a_staff_login_through_the_form_is_stamped(db):
    factories.StaffUserFactory(role="Protocol officer", username="protocol")
    client = Client()
    client.post("/portal/login/", {"username": "protocol", "password": "pw-Hanoi-2025"})

    assert client.session.get_expiry_age() == 12 * 3600
    assert client.session[LOGIN_AT] == client.session[SEEN_AT]
