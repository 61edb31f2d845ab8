"""Only a head of delegation of the ranks that need it comes without a photo, one per delegation,
and the reviewer is told why the photo is missing."""

import datetime as dt

import pytest
from django.urls import reverse

from accreditation.services.submission import SubmissionError, delegation_submit
from delegations.errors import DelegationError
from delegations.models import Member, MemberRole, ProtocolRank
from delegations.services import member_create, member_update
from tests import factories
from tests.accreditation.review_helpers import accreditation, staff
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db


def service_data(**overrides):
    """A complete member as the services take it (dates parsed)."""
    data = member_data(**overrides)
    data["date_of_birth"] = dt.date.fromisoformat(data["date_of_birth"])
    data["passport_expiry"] = dt.date.fromisoformat(data["passport_expiry"])
    data["arrival"] = data["departure"] = None
    return data


def test_a_driver_declared_head_of_state_is_refused(delegation, focal_user):
    data = service_data(role=MemberRole.DRIVER, protocol_rank=ProtocolRank.HEAD_OF_STATE)
    with pytest.raises(DelegationError) as refused:
        member_create(delegation=delegation, actor=focal_user, data=data)
    assert (refused.value.code, refused.value.field) == ("rank_not_for_role", "protocol_rank")
    assert not Member.objects.exists()


def test_a_driver_cannot_be_promoted_head_of_state_later(delegation, focal_user):
    driver = member_create(delegation=delegation, actor=focal_user, data=service_data(role=MemberRole.DRIVER))
    with pytest.raises(DelegationError) as refused:
        member_update(member=driver, actor=focal_user, data={"protocol_rank": ProtocolRank.HEAD_OF_STATE})
    assert refused.value.code == "rank_not_for_role"


def test_a_driver_declared_head_of_state_through_the_api_is_a_400(api, delegation):
    data = member_data(
        role=MemberRole.DRIVER, protocol_rank=ProtocolRank.HEAD_OF_STATE, arrival=None, departure=None
    )
    response = api.post("/api/delegation/members/", data, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "rank_not_for_role")


def test_the_exemption_is_the_head_of_delegations_alone(delegation):
    head = factories.MemberFactory(
        delegation=delegation, role=MemberRole.HEAD, protocol_rank=ProtocolRank.HEAD_OF_STATE
    )
    crown_prince = factories.MemberFactory(
        delegation=delegation, role=MemberRole.DELEGATE, protocol_rank=ProtocolRank.CROWN_PRINCE
    )
    driver = Member(delegation=delegation, role=MemberRole.DRIVER, protocol_rank=ProtocolRank.HEAD_OF_STATE)
    minister = Member(delegation=delegation, role=MemberRole.HEAD, protocol_rank=ProtocolRank.MINISTER)
    assert head.photo_exempt
    assert not crown_prince.photo_exempt
    assert not driver.photo_exempt
    assert not minister.photo_exempt
    assert Member.objects.filter(Member.photo_exempt_q()).get() == head


def test_submission_needs_the_photo_of_anyone_but_an_exempt_head(delegation, focal_user, ready):
    factories.MemberFactory(
        delegation=delegation, photo="", role=MemberRole.HEAD, protocol_rank=ProtocolRank.HEAD_OF_STATE
    )
    # A driver written in as Head of State before the rule (or by the admin) still needs a photo.
    driver = factories.MemberFactory(
        delegation=delegation, photo="", role=MemberRole.DRIVER, protocol_rank=ProtocolRank.HEAD_OF_STATE
    )
    with pytest.raises(SubmissionError) as refused:
        delegation_submit(delegation=delegation, actor=focal_user)
    assert refused.value.missing == {driver: ["photo"]}
    driver.delete()
    assert len(delegation_submit(delegation=delegation, actor=focal_user).submitted) == 3


def test_the_reviewer_sees_why_a_photo_is_missing(client):
    client.force_login(staff("Accreditation officer"))
    exempt = accreditation(
        photo="", with_photo=False, role=MemberRole.HEAD, protocol_rank=ProtocolRank.HEAD_OF_STATE
    )
    html = client.get(reverse("review:detail", args=[exempt.pk])).content.decode()
    assert "photo exempt: head of delegation, Head of State" in html
    missing = accreditation(photo="", with_photo=False, role=MemberRole.DRIVER)
    html = client.get(reverse("review:detail", args=[missing.pk])).content.decode()
    assert "photo exempt" not in html
