"""Staff status (and so the admin) only for the roles that work in the admin: security and gate
accounts are not staff, reach their own pages, and still have the staff session limits."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from hanoi_summit import roles
from hanoi_summit.seed.accounts import demo_password, ensure_staff_accounts
from hanoi_summit.web.middleware import LOGIN_AT, SEEN_AT, STAFF
from tests import factories

pytestmark = pytest.mark.django_db

#: role -> the page its account lands on
OWN_PAGE = {
    roles.SECURITY_OFFICER: "review:vetting-queue",
    roles.GATE_OFFICER: "protocol:checkin",
}


def test_the_seed_gives_staff_status_only_to_roles_that_use_the_admin():
    accounts = ensure_staff_accounts(demo_password("pw-Hanoi-2025"))
    assert {name: user.is_staff for name, user in accounts.items()} == {
        "secretariat": True,
        "accreditation": True,
        "protocol": True,
        "security": False,
        "gate": False,
    }


def _logged_in(role, username):
    factories.UserFactory(username=username).groups.add(Group.objects.get(name=role))
    client = Client()
    response = client.post(reverse("portal:login"), {"username": username, "password": "pw-Hanoi-2025"})
    assert response.status_code == 302, response.content
    return client, response


@pytest.mark.parametrize(("role", "page"), OWN_PAGE.items())
def test_security_and_gate_land_on_their_page_and_the_admin_refuses_them(role, page):
    client, login = _logged_in(role, "officer")
    assert client.get(login["Location"]).url == reverse(page)
    assert client.get(reverse(page)).status_code == 200
    for url in (reverse("admin:index"), reverse("admin:accreditation_zone_changelist")):
        refused = client.get(url)
        assert refused.status_code == 302
        assert not refused.url.startswith("/admin/")
        assert client.get(refused.url).url == reverse(page)
    assert "My delegation" not in client.get(reverse(page)).content.decode()


@pytest.mark.parametrize("role", OWN_PAGE)
def test_security_and_gate_sessions_have_the_staff_limits(role):
    client, _ = _logged_in(role, "officer")
    session = client.session
    assert session[STAFF] is True
    assert session.get_expiry_age() == settings.STAFF_SESSION_MAX_AGE_HOURS * 3600
    session[LOGIN_AT] -= 31 * 60
    session[SEEN_AT] -= 31 * 60
    session.save()
    page = reverse(OWN_PAGE[role])
    assert client.get(page)["Location"].startswith(f"{reverse('portal:login')}?next={page}")
    assert "_auth_user_id" not in client.session


def test_a_focal_point_still_lands_on_the_portal_and_is_sent_there_from_the_admin():
    focal = factories.FocalPointFactory(user__username="focal-x")
    client = Client()
    client.post(reverse("portal:login"), {"username": "focal-x", "password": "pw-Hanoi-2025"})
    assert client.get(reverse("home")).url == reverse("portal:home")
    assert client.get(reverse("admin:index")).url == reverse("portal:home")
    assert client.session[STAFF] is False
    assert focal.user.is_staff is False
