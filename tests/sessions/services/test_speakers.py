import pytest

from delegations.models import ProtocolRank
from sessions import selectors
from sessions.errors import ProgrammeError
from sessions.models import SpeakerRequest
from sessions.services import (
    speaker_request_create,
    speakers_list_close,
    speakers_list_move,
)
from tests import factories

pytestmark = pytest.mark.django_db


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
