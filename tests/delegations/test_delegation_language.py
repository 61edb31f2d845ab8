"""E-mails to a delegation's focal points and contact address follow its chosen language."""

import pytest

from delegations import services
from delegations.models import Delegation
from hanoi_summit.core.models import OutgoingEmail
from hanoi_summit.secretariat import group_emails
from tests import factories

pytestmark = pytest.mark.django_db


def test_invitation_is_written_in_the_delegations_language(secretariat_user):
    delegation = factories.StateDelegationFactory(name="Sénégal", country="SN", language="fr")
    services.invitation_create(
        delegation=delegation, email="dao@senegal.example", actor=secretariat_user, site_url="http://x"
    )
    email = OutgoingEmail.objects.get(to="dao@senegal.example")
    assert email.language == "fr"
    assert email.subject.startswith("Invitation : inscription de votre délégation")


def test_group_e_mail_to_focal_points_uses_each_delegations_language():
    vietnamese = factories.FocalPointFactory(
        delegation=factories.DelegationFactory(language="vi"), user__email="dao@vn.example"
    )
    english = factories.FocalPointFactory(
        delegation=factories.DelegationFactory(), user__email="dao@en.example"
    )
    recipients = group_emails.group_email_recipients(groups=[group_emails.GROUP_FOCAL_POINTS])
    languages = {r.email: r.language for r in recipients}
    assert languages[vietnamese.user.email] == "vi"
    assert languages[english.user.email] == "en"


def test_focal_point_may_choose_the_language(client):
    focal = factories.FocalPointFactory(user__username="dao-fr")
    client.force_login(focal.user)
    delegation = focal.delegation
    response = client.post(
        "/portal/delegation/",
        {
            "name": delegation.name,
            "acronym": delegation.acronym,
            "address": "1 rue de la Paix",
            "contact_email": "contact@example.org",
            "contact_phone": "",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    assert Delegation.objects.get(pk=delegation.pk).language == "fr"
