import pytest

from accreditation import rules, selectors
from delegations.models import DelegationKind as K
from delegations.models import MemberRole as R
from delegations.models import ProtocolRank as P
from tests import factories


@pytest.mark.parametrize(
    ("kind", "rank", "role", "expected"),
    [
        (K.MEMBER_STATE, P.HEAD_OF_STATE, R.HEAD, "VIP"),
        (K.HOST_COUNTRY, P.HEAD_OF_GOVERNMENT, R.HEAD, "VIP"),
        (K.MEMBER_STATE, P.CROWN_PRINCE, R.DELEGATE, "VIP"),
        (K.MEMBER_STATE, P.MINISTER, R.HEAD, "HOD"),
        (K.REIO, P.HEAD_OF_DELEGATION, R.HEAD, "HOD"),
        (K.MEMBER_STATE, P.OTHER, R.DELEGATE, "DEL"),
        (K.MEMBER_STATE, P.OTHER, R.ADVISER, "DEL"),
        (K.OBSERVER_STATE, P.OBSERVER, R.HEAD, "OBS"),
        (K.IGO, P.OTHER, R.HEAD, "IGO"),
        (K.UN_ENTITY, P.OTHER, R.DELEGATE, "UN"),
        (K.NGO, P.OTHER, R.DELEGATE, "NGO"),
        (K.ACADEMIA, P.OTHER, R.DELEGATE, "NGO"),
        (K.PRIVATE_SECTOR, P.OTHER, R.HEAD, "NGO"),
        (K.MEDIA, P.OTHER, R.DELEGATE, "MED"),
        (K.MEMBER_STATE, P.OTHER, R.PRESS_ATTACHE, "MED"),
        (K.MEMBER_STATE, P.OTHER, R.SECURITY, "SEC"),
        (K.MEMBER_STATE, P.OTHER, R.DRIVER, "SUP"),
        (K.MEMBER_STATE, P.OTHER, R.SPOUSE, "GST"),
        (K.UN_ENTITY, P.OTHER, R.DRIVER, "SUP"),
    ],
)
def test_category_by_kind_rank_and_role(kind, rank, role, expected):
    assert rules.suggest_category_code(kind=kind, rank=rank, role=role) == expected


def test_head_of_state_gets_signing_stage_and_vip_lounge_a_delegate_does_not():
    head = rules.CATEGORY_ZONES[rules.VIP]
    delegate = rules.CATEGORY_ZONES[rules.DEL]
    assert {rules.SIG, rules.VLG} <= set(head)
    assert rules.SIG not in delegate and rules.VLG not in delegate
    assert rules.BOF not in delegate
    assert set(rules.CATEGORY_ZONES[rules.SUP]) == {rules.LBY, rules.BOF}


def test_the_categorys_default_zones_win_over_the_rules_list(ref):
    zones, categories = ref
    categories["MED"].default_zones.set([zones["PRS"], zones["BNQ"]])
    member = factories.MemberFactory(delegation=factories.DelegationFactory(kind=K.MEDIA))
    category, suggested = selectors.assignment_suggested(member=member)
    assert category == categories["MED"]
    assert {zone.code for zone in suggested} == {"PRS", "BNQ"}


def test_rules_zones_stand_in_for_a_category_without_defaults(ref):
    member = factories.MemberFactory(delegation=factories.DelegationFactory(kind=K.MEDIA))
    category, suggested = selectors.assignment_suggested(member=member)
    assert category.code == "MED"
    assert {zone.code for zone in suggested} == {"LBY", "PRS", "EXH", "PLN"}


def test_the_seed_loads_a_category_for_every_rule_and_zones_it_knows():
    from hanoi_summit.seed import reference

    assert {row["code"] for row in reference.CATEGORIES} == set(rules.CATEGORY_ZONES)
    seeded_zones = {row["code"] for row in reference.ZONES}
    for code, zones in rules.CATEGORY_ZONES.items():
        assert set(zones) <= seeded_zones, code


@pytest.mark.django_db
def test_no_suggestion_when_the_category_is_not_in_the_database():
    member = factories.MemberFactory(delegation=factories.DelegationFactory(kind=K.NGO))
    category, suggested = selectors.assignment_suggested(member=member)
    assert category is None
    assert suggested == []
