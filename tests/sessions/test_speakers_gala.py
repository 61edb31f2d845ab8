import pytest

from delegations.models import DelegationKind, MemberRole, ProtocolRank
from hanoi_summit.core.models import OutgoingEmail
from sessions import selectors
from sessions.errors import ProgrammeError
from sessions.models import GalaInvitation, SessionKind, SpeakerRequest
from sessions.services import (
    gala_invite_heads,
    gala_respond,
    speaker_request_create,
    speakers_list_close,
    speakers_list_move,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plenary():
    return factories.SessionFactory(kind=SessionKind.PLENARY, booking_mode="none")


def _request(plenary, rank):
    speaker = factories.MemberFactory(protocol_rank=rank)
    return speaker_request_create(session=plenary, delegation=speaker.delegation, speaker=speaker, actor=None)


def test_speakers_list_orders_by_level_then_time(plenary):
    minister = _request(plenary, ProtocolRank.MINISTER)
    head_of_delegation = _request(plenary, ProtocolRank.HEAD_OF_DELEGATION)
    president = _request(plenary, ProtocolRank.HEAD_OF_STATE)
    second_minister = _request(plenary, ProtocolRank.MINISTER)
    order = [e.pk for e in selectors.speakers_list(session=plenary)]
    assert order == [president.pk, minister.pk, second_minister.pk, head_of_delegation.pk]


def test_move_overrides_the_order_and_later_requests_join_at_the_end(plenary):
    a = _request(plenary, ProtocolRank.HEAD_OF_STATE)
    b = _request(plenary, ProtocolRank.MINISTER)
    c = _request(plenary, ProtocolRank.OBSERVER)
    speakers_list_move(entry=c, position=1, actor=None)
    late_president = _request(plenary, ProtocolRank.HEAD_OF_STATE)
    assert [e.pk for e in selectors.speakers_list(session=plenary)] == [c.pk, a.pk, b.pk, late_president.pk]
    with pytest.raises(ProgrammeError) as error:
        speakers_list_move(entry=a, position=9, actor=None)
    assert error.value.code == "bad_position"


def test_closed_list_refuses_requests(plenary):
    speakers_list_close(session=plenary, actor=None)
    with pytest.raises(ProgrammeError) as error:
        _request(plenary, ProtocolRank.MINISTER)
    assert error.value.code == "speakers_list_closed"
    assert not SpeakerRequest.objects.exists()


def test_one_request_per_delegation_and_own_members_only(plenary):
    entry = _request(plenary, ProtocolRank.MINISTER)
    colleague = factories.MemberFactory(delegation=entry.delegation)
    with pytest.raises(ProgrammeError) as error:
        speaker_request_create(session=plenary, delegation=entry.delegation, speaker=colleague, actor=None)
    assert error.value.code == "already_requested"
    with pytest.raises(ProgrammeError) as error:
        speaker_request_create(
            session=plenary, delegation=entry.delegation, speaker=factories.MemberFactory(), actor=None
        )
    assert error.value.code == "member_not_in_delegation"
    assert SpeakerRequest.objects.count() == 1


def test_only_plenaries_have_a_speakers_list():
    roundtable = factories.SessionFactory()
    speaker = factories.MemberFactory()
    with pytest.raises(ProgrammeError) as error:
        speaker_request_create(session=roundtable, delegation=speaker.delegation, speaker=speaker, actor=None)
    assert error.value.code == "no_speakers_list"


@pytest.fixture
def gala():
    room = factories.RoomFactory(capacity=3)
    return factories.SessionFactory(kind=SessionKind.GALA_DINNER, booking_mode="invitation", room=room)


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
