"""Builders shared by the review, vetting and protocol tests (plain functions, not fixtures)."""

from accreditation import rules
from accreditation.models import AccreditationStatus
from tests import factories

S = AccreditationStatus

ZONE_CODES = rules.ALL_ZONES


def reference_data():
    """Every zone and category the rules name, as seed_summit would load them."""
    zones = {code: factories.ZoneFactory(code=code) for code in ZONE_CODES}
    categories = {code: factories.CategoryFactory(code=code) for code in rules.CATEGORY_ZONES}
    return zones, categories


def accreditation(status=S.SUBMITTED, *, delegation=None, **member):
    """A submitted member (with the photo submission requires, unless `photo` says otherwise)."""
    delegation = delegation or factories.DelegationFactory()
    member.setdefault("with_photo", True)
    return factories.AccreditationFactory(
        status=status, member=factories.MemberFactory(delegation=delegation, is_locked=True, **member)
    )


def approved(categories, zones, **kwargs):
    acc = accreditation(S.APPROVED, **kwargs)
    acc.category = categories[rules.DEL]
    acc.save()
    acc.zones.set([zones[rules.PLN], zones[rules.EXH]])
    return acc


def staff(role, username=None):
    return factories.StaffUserFactory(role=role, **({"username": username} if username else {}))
