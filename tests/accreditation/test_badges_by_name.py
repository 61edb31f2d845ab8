"""accreditation.selectors.badges_by_name: the gate's search by name (valid badges only)."""

import pytest
from django.utils import timezone

from accreditation import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def test_valid_badges_of_the_name_whatever_the_accents(django_assert_num_queries):
    holder = factories.MemberFactory(family_name="Đặng", given_names="Thị Mai", badge_name="Đặng Thị Mai")
    valid = factories.BadgeFactory(accreditation=factories.AccreditationFactory(member=holder), version=2)
    factories.BadgeFactory(accreditation=valid.accreditation, number=valid.number, revoked_at=timezone.now())
    factories.BadgeFactory()  # someone else
    with django_assert_num_queries(1):
        found = list(selectors.badges_by_name(text="dang mai")[:10])
        assert [b.accreditation.member.delegation.name for b in found] == [holder.delegation.name]
    assert found == [valid]
    assert not selectors.badges_by_name(text=" ").exists()
