"""One way to write a person's name: family name first where the person's custom puts it
first, a per-member choice prefilled from the nationality."""

import pytest
from django.urls import reverse

from delegations import services
from delegations.forms import MemberForm
from delegations.models import Member, family_name_first_for, person_name_of
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db


def test_person_name_of_follows_the_order_chosen():
    assert person_name_of("Bùi", "Hữu Nam", True) == "Bùi Hữu Nam"
    assert person_name_of("Schmidt", "Anna", False) == "Anna Schmidt"
    assert person_name_of("Madonna", "", False) == "Madonna"


@pytest.mark.parametrize(
    ("nationality", "expected"),
    [("VN", True), ("CN", True), ("KR", True), ("JP", True), ("HU", True), ("FR", False), ("", False)],
)
def test_the_prefill_follows_the_nationality(nationality, expected):
    assert family_name_first_for(nationality) is expected


def test_a_new_member_takes_the_custom_of_their_nationality(delegation, focal_user):
    """The API and the import leave the order out: the nationality decides."""
    data = {"family_name": "Bùi", "given_names": "Hữu Nam", "nationality": "VN", "badge_name": ""}
    member = services.member_create(delegation=delegation, actor=focal_user, data=data)
    assert member.family_name_first is True
    assert member.display_name == member.badge_name == "Bùi Hữu Nam"
    assert str(member) == "Bùi Hữu Nam"


def test_the_members_own_choice_wins(delegation, focal_user):
    data = {"family_name": "Nguyen", "given_names": "Linda", "nationality": "VN", "family_name_first": False}
    member = services.member_create(delegation=delegation, actor=focal_user, data=data)
    assert member.display_name == member.badge_name == "Linda Nguyen"
    services.member_update(member=member, actor=focal_user, data={"function": "Adviser"})
    member.refresh_from_db()
    assert member.family_name_first is False


def test_the_portal_form_offers_the_nationalitys_custom_when_left_empty(focal_client, delegation):
    form = MemberForm()
    assert form["family_name_first"].value() == ""
    data = member_data(
        family_name="Kovács", given_names="Péter", nationality="HU", family_name_first="", form_token="n1"
    )
    assert focal_client.post(reverse("portal:member-add"), data).status_code == 302
    member = Member.objects.get(family_name="Kovács")
    assert member.family_name_first is True and member.display_name == "Kovács Péter"
    edit = MemberForm(instance=member)
    assert edit["family_name_first"].value() is True


def test_every_page_writes_the_name_the_same_way(focal_client, delegation):
    member = factories.MemberFactory(
        delegation=delegation, family_name="Bùi", given_names="Hữu Nam", title="Mr", family_name_first=True
    )
    for url in (reverse("portal:members"), reverse("portal:member-edit", args=[member.pk])):
        html = focal_client.get(url).content.decode()
        assert "Bùi Hữu Nam" in html
        assert "Hữu Nam Bùi" not in html
