"""/dashboard/: the page lays out the figures, links them to the admin lists, and only the
secretariat sees it; its query count does not grow with the data."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import AccreditationStatus as S
from delegations.models import DelegationStatus
from hanoi_summit.core.models import EmailStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def test_page_shows_the_figures_and_links_to_the_filtered_lists(secretariat_client, event):
    response = secretariat_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["delegations"].countries_confirmed == 4
    assert response.context["signatures"].signed == 2
    assert response.context["inside_total"] == 4
    assert 'data-figure="countries-confirmed"' in html
    # Each figure links to the admin list behind it, filtered.
    assert "/admin/accreditation/accreditation/?status__exact=approved" in html
    assert "/admin/hanoi_summit/outgoingemail/?status__exact=failed" in html
    assert "/admin/accreditation/scan/?zone__id__exact=" in html
    # Charts are inline SVG, drawn on the server.
    assert html.count("<svg") >= 4
    assert "Roundtable A" in html
    assert "3 / 10 (+1)" in html


def test_charts_stay_valid_svg_in_french(secretariat_client, event):
    """Decimal commas would break the SVG coordinates in a French page."""
    secretariat_client.cookies["django_language"] = "fr"
    html = secretariat_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    widths = re.findall(r'<rect x="[^"]*" y="[^"]*" width="([^"]*)"', html)
    assert widths
    assert all("," not in w for w in widths)


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["Gate officer", "Security officer", "Protocol officer"])
def test_other_staff_roles_are_refused(client, role):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(URL).status_code == 403


def test_focal_point_is_refused(client):
    focal_point = f.FocalPointFactory()
    client.force_login(focal_point.user)
    assert client.get(URL).status_code == 403


def test_superuser_sees_it(client, superuser):
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["delegations"].total == 0


def _grow(n):
    """n more of everything the dashboard counts."""
    for i in range(n):
        delegation = f.DelegationFactory(status=DelegationStatus.CONFIRMED)
        f.AccreditationFactory(
            member__delegation=delegation, member__photo="", status=S.APPROVED, reviewed_at=timezone.now()
        )
        f.AccreditationFactory(member__delegation=delegation, member__photo="", status=S.SUBMITTED)
        session = f.SessionFactory()
        f.BookingFactory(session=session, member__delegation=delegation, member__photo="")
        zone = f.ZoneFactory(code=f"G{i}")
        f.ScanFactory(zone=zone, badge=None)
        f.SignatureFactory(delegation=f.StateDelegationFactory(), signatory__photo="")
        f.OutgoingEmailFactory(status=EmailStatus.FAILED)


@pytest.mark.parametrize("n", [1, 3])
def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, n):
    _grow(n)
    user = f.StaffUserFactory(role="Secretariat")
    client.force_login(user)
    # session, user, user's and group permissions, then 10 for the figures (gate alerts and devices among them).
    with django_assert_num_queries(14):
        response = client.get(URL)
    assert response.context["delegations"].total == 2 * n
    assert response.context["backlog"].count == n
