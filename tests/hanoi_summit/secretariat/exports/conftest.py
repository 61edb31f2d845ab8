"""The exports' fixtures: a delegation and its minister, with passport data."""

import datetime as dt

import pytest

from accreditation.models import AccreditationStatus as S
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus
from tests import factories as f


@pytest.fixture
def viet_nam():
    return f.DelegationFactory(
        kind=K.HOST_COUNTRY, country="VN", name="Viet Nam", code="vnm", status=DelegationStatus.CONFIRMED
    )


@pytest.fixture
def minister(viet_nam):
    member = f.MemberFactory(
        delegation=viet_nam,
        family_name="Nguyễn",
        given_names="Thị Thu Hà",
        badge_name="Nguyễn Thị Thu Hà",
        passport_number="C1234567",
        date_of_birth=dt.date(1970, 3, 8),
        photo="",
    )
    f.AccreditationFactory(member=member, status=S.APPROVED, category=f.CategoryFactory(code="VIP"))
    return member
