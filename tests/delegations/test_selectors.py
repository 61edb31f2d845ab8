import pytest

from delegations import selectors
from delegations.models import DocumentKind, ProtocolRank
from tests import factories

pytestmark = pytest.mark.django_db


def test_focal_point_delegation(focal_user, delegation, secretariat_user):
    assert selectors.focal_point_delegation(user=focal_user) == delegation
    assert selectors.focal_point_delegation(user=secretariat_user) is None


def test_progress_counts_only_this_delegation(delegation):
    factories.MemberFactory(delegation=delegation, is_locked=True, with_photo=True)
    factories.MemberFactory(delegation=delegation)
    factories.MemberFactory(delegation=delegation, role="head", protocol_rank=ProtocolRank.HEAD_OF_GOVERNMENT)
    factories.MemberFactory.create_batch(2)
    factories.DocumentFactory(kind=DocumentKind.NOTE_VERBALE)  # another delegation's
    progress = selectors.delegation_progress(delegation=delegation)
    assert progress["members"] == 3
    assert progress["locked"] == 1
    assert progress["without_photo"] == 1  # the Head of Government heading the delegation is exempt
    assert progress["nomination"] is False
    factories.DocumentFactory(delegation=delegation, kind=DocumentKind.LETTER_OF_NOMINATION)
    assert selectors.delegation_progress(delegation=delegation)["nomination"] is True


def test_details_complete_by_kind(delegation):
    delegation.contact_email = ""
    assert not selectors.delegation_details_complete(delegation=delegation)
    delegation.contact_email = "mfa@ke.example"
    assert selectors.delegation_details_complete(delegation=delegation)
    organisation = factories.DelegationFactory(contact_email="")
    assert not selectors.delegation_details_complete(delegation=organisation)


def test_member_get_is_scoped(delegation):
    from django.http import Http404

    other = factories.MemberFactory()
    with pytest.raises(Http404):
        selectors.delegation_member_get(delegation=delegation, pk=other.pk)
