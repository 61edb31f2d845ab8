import pytest

from delegations import services
from delegations.errors import DelegationError
from delegations.models import DelegationStatus

pytestmark = pytest.mark.django_db

SITE = "https://summit.example"


def test_delegation_update_refuses_a_states_name_and_registers_it(delegation, focal_user):
    with pytest.raises(DelegationError) as refused:
        services.delegation_update(delegation=delegation, actor=focal_user, data={"name": "Renamed"})
    assert refused.value.field == "name"
    delegation.status = DelegationStatus.INVITED
    delegation.save()
    services.delegation_update(
        delegation=delegation,
        actor=focal_user,
        data={
            "name": "Kenya",
            "ministry": "Ministry of Foreign Affairs",
            "contact_email": "mfa@ke.example",
        },
    )
    delegation.refresh_from_db()
    assert delegation.name == "Kenya"
    assert delegation.ministry == "Ministry of Foreign Affairs"
    assert delegation.status == DelegationStatus.REGISTERED
