"""A delegation's official name and acronym (and country), which go on badges, the List of
Participants and the speakers' list, are changed by the secretariat only, audited; a focal
point proposes a change."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from delegations import services
from delegations.errors import DelegationError
from delegations.models import Delegation
from hanoi_summit.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return factories.DelegationFactory(
        name="United Nations Office on Drugs and Crime",
        acronym="UNODC",
        code="unodc",
        contact_email="a@unodc.example",
    )


@pytest.fixture
def focal(organisation):
    return factories.FocalPointFactory(delegation=organisation).user


@pytest.fixture
def api(focal):
    client = APIClient()
    client.force_authenticate(focal)
    return client


@pytest.mark.parametrize(
    "change", [{"name": "Ministry of Truth"}, {"acronym": "MINITRUE"}, {"name": "Other", "mission": "x"}]
)
def test_the_api_refuses_a_new_official_name_or_acronym(api, organisation, change):
    response = api.patch(reverse("api-delegation"), change, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "name_locked")
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("United Nations Office on Drugs and Crime", "UNODC")


def test_the_service_refuses_a_new_country(organisation, focal):
    with pytest.raises(DelegationError) as refused:
        services.delegation_update(delegation=organisation, actor=focal, data={"country": "FR"})
    assert (refused.value.code, refused.value.field) == ("name_locked", "country")


def test_a_focal_point_proposes_a_name_for_the_secretariat(api, organisation, focal):
    response = api.patch(
        reverse("api-delegation"),
        {"proposed_name": "Ministry of Truth", "proposed_acronym": "MINITRUE"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["proposed_name"]) == (
        "United Nations Office on Drugs and Crime",
        "Ministry of Truth",
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("United Nations Office on Drugs and Crime", "UNODC")
    assert (organisation.proposed_name, organisation.proposed_acronym) == ("Ministry of Truth", "MINITRUE")
    entry = AuditEntry.objects.get(action="delegation.update")
    assert entry.actor == focal and entry.after["proposed_name"] == "Ministry of Truth"


def test_the_portal_form_shows_the_name_read_only_and_takes_a_proposal(client, organisation, focal):
    client.force_login(focal)
    url = reverse("portal:delegation")
    form = client.get(url).context["form"]
    assert form.fields["name"].disabled and form.fields["acronym"].disabled
    assert "proposed_name" in form.fields
    response = client.post(
        url,
        {
            "name": "Ministry of Truth",
            "acronym": "MINITRUE",
            "proposed_name": "Ministry of Truth",
            "address": "",
            "contact_email": "a@unodc.example",
            "contact_phone": "",
            "language": "en",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("United Nations Office on Drugs and Crime", "UNODC")
    assert organisation.proposed_name == "Ministry of Truth"


def test_the_secretariat_accepts_a_proposal_in_the_admin_audited(
    secretariat_client, secretariat_user, organisation
):
    Delegation.objects.filter(pk=organisation.pk).update(proposed_name="UN Office on Drugs and Crime")
    response = secretariat_client.post(
        reverse("admin:delegations_delegation_changelist"),
        {"action": "accept_proposed_name", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("UN Office on Drugs and Crime", "UNODC")
    assert organisation.proposed_name == ""
    entry = AuditEntry.objects.get(action="delegation.rename")
    assert entry.actor == secretariat_user
    assert entry.before == {"name": "United Nations Office on Drugs and Crime"}
    assert entry.after == {"name": "UN Office on Drugs and Crime"}


def test_a_rename_in_the_admin_is_audited(secretariat_client, secretariat_user, organisation):
    url = reverse("admin:delegations_delegation_change", args=[organisation.pk])
    data = {
        "kind": organisation.kind,
        "country": "",
        "name": "UN Office on Drugs and Crime",
        "acronym": "UNODC",
        "code": organisation.code,
        "status": organisation.status,
        "badge_quota": organisation.badge_quota,
        "ministry": "",
        "mission": "",
        "address": "",
        "contact_email": organisation.contact_email,
        "contact_phone": "",
        "language": "en",
        "proposed_name": "",
        "proposed_acronym": "",
        "focal_points-TOTAL_FORMS": "0",
        "focal_points-INITIAL_FORMS": "0",
    }
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.name == "UN Office on Drugs and Crime"
    entry = AuditEntry.objects.get(action="delegation.rename")
    assert entry.actor == secretariat_user
    assert entry.after == {"name": "UN Office on Drugs and Crime"}
