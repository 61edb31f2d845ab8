import pytest

from delegations.models import DelegationKind, MemberRole, ProtocolRank
from hanoi_summit.core.models import OutgoingEmail
from sessions import selectors
from sessions.errors import ProgrammeError
from sessions.models import GalaInvitation
from sessions.services import gala_invite_heads, gala_respond
from tests import factories

pytestmark = pytest.mark.django_db


def test_invite_heads_once_with_guests_for_states(gala):
    state_head = factories.MemberFactory(delegation=factories.StateDelegationFactory(), role=MemberRole.HEAD)
    ngo_head = factories.MemberFactory(role=MemberRole.HEAD)
    factories.MemberFactory(role=MemberRole.DELEGATE)
    assert gala_invite_heads(session=gala, actor=None) == 2
    assert gala_invite_heads(session=gala, actor=None) == 0
    allowed = dict(GalaInvitation.objects.values_list("member_id", "guest_allowed"))
    assert allowed == {state_head.pk: True, ngo_head.pk: False}
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted(
        [state_head.email, ngo_head.email]
    )


def test_banquet_capacity_holds(gala):
    invitations = [
        factories.GalaInvitationFactory(
            session=gala, guest_allowed=True, member__delegation=factories.StateDelegationFactory()
        )
        for _ in range(3)
    ]
    first, second, third = invitations
    gala_respond(
        invitation=first, delegation=first.member.delegation, accept=True, guest_name="Spouse", actor=None
    )
    gala_respond(invitation=second, delegation=second.member.delegation, accept=True, actor=None)
    with pytest.raises(ProgrammeError) as error:
        gala_respond(invitation=third, delegation=third.member.delegation, accept=True, actor=None)
    assert error.value.code == "gala_full"
    third.refresh_from_db()
    assert third.status == GalaInvitation.Status.INVITED
    gala_respond(invitation=second, delegation=second.member.delegation, accept=False, actor=None)
    assert (
        gala_respond(invitation=third, delegation=third.member.delegation, accept=True, actor=None).status
        == "accepted"
    )


def test_guest_only_where_allowed_and_only_own_invitations(gala):
    invitation = factories.GalaInvitationFactory(session=gala, guest_allowed=False)
    with pytest.raises(ProgrammeError) as error:
        gala_respond(
            invitation=invitation,
            delegation=invitation.member.delegation,
            accept=True,
            guest_name="X",
            actor=None,
        )
    assert error.value.code == "guest_not_allowed"
    with pytest.raises(ProgrammeError) as error:
        gala_respond(invitation=invitation, delegation=factories.DelegationFactory(), accept=True, actor=None)
    assert error.value.code == "not_your_invitation"
    invitation.refresh_from_db()
    assert invitation.status == GalaInvitation.Status.INVITED


def test_guest_list_in_order_of_precedence_host_first(gala):
    host = factories.StateDelegationFactory(kind=DelegationKind.HOST_COUNTRY, country="VN")
    minister = factories.GalaInvitationFactory(
        session=gala, member__protocol_rank=ProtocolRank.MINISTER, status="accepted"
    )
    host_head = factories.GalaInvitationFactory(
        session=gala, member__delegation=host, member__protocol_rank=ProtocolRank.MINISTER, status="accepted"
    )
    king = factories.GalaInvitationFactory(
        session=gala, member__protocol_rank=ProtocolRank.HEAD_OF_STATE, status="accepted"
    )
    factories.GalaInvitationFactory(session=gala, status="declined")
    assert [i.pk for i in selectors.gala_guest_list(session=gala)] == [host_head.pk, king.pk, minister.pk]
