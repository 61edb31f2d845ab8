"""The secretariat's fixtures: France, confirmed, and its head of delegation."""

import pytest

from delegations.models import DelegationStatus, MemberRole
from tests import factories as f


@pytest.fixture
def france():
    return f.StateDelegationFactory(
        country="FR", name="France", status=DelegationStatus.CONFIRMED, contact_email="mission@france.example"
    )


@pytest.fixture
def head(france):
    return f.MemberFactory(
        delegation=france,
        role=MemberRole.HEAD,
        title="H.E. Mr",
        given_names="Jean",
        family_name="Dupont",
        badge_name="Jean Dupont",
        email="jean.dupont@france.example",
        language="fr",
        photo="",
    )
