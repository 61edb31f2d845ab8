"""Submitting for accreditation (accreditation/services/submission.py and its portal page and API)."""

import pytest
from django.urls import reverse

from accreditation.models import Accreditation, AccreditationStatus
from accreditation.services.submission import SubmissionError, delegation_submit, member_fingerprint
from delegations.models import ProtocolRank
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db


def test_submit_creates_requests_locks_members_and_queues_emails(delegation, focal_user, ready):
    result = delegation_submit(delegation=delegation, actor=focal_user)
    assert {m.pk for m in result.submitted} == {m.pk for m in ready}
    for member in ready:
        member.refresh_from_db()
        assert member.is_locked
        accreditation = Accreditation.objects.get(member=member)
        assert accreditation.status == AccreditationStatus.SUBMITTED
        assert accreditation.submitted_fingerprint == member_fingerprint(member)
        assert OutgoingEmail.objects.filter(to=member.email).count() == 1
    focal_mail = OutgoingEmail.objects.get(to=focal_user.email)
    assert "2 members submitted" in focal_mail.subject
    assert all(m.badge_name in focal_mail.body_html for m in ready)
    assert AuditEntry.objects.filter(action="accreditation.submit").count() == 2
    # The lock is the member's change too, on the member's history.
    locks = AuditEntry.objects.filter(action="member.lock", actor=focal_user)
    assert sorted(locks.values_list("target_id", flat=True)) == sorted(str(m.pk) for m in ready)
    assert {(str(e.before), str(e.after)) for e in locks} == {("{'is_locked': False}", "{'is_locked': True}")}


def test_double_submit_sends_nothing_twice(delegation, focal_user, ready):
    delegation_submit(delegation=delegation, actor=focal_user)
    emails = OutgoingEmail.objects.count()
    with pytest.raises(SubmissionError) as refused:
        delegation_submit(delegation=delegation, actor=focal_user)
    assert refused.value.code == "nothing_to_submit"
    assert OutgoingEmail.objects.count() == emails
    assert Accreditation.objects.count() == 2


def test_missing_items_are_listed_per_member_and_nothing_changes(delegation, focal_user, ready):
    incomplete = factories.MemberFactory(
        delegation=delegation, photo="", passport_number="", family_name="Nophoto"
    )
    factories.MemberFactory(
        delegation=delegation, photo="", role="head", protocol_rank=ProtocolRank.HEAD_OF_STATE
    )
    with pytest.raises(SubmissionError) as refused:
        delegation_submit(delegation=delegation, actor=focal_user)
    assert refused.value.code == "incomplete"
    assert set(refused.value.missing) == {incomplete}
    assert refused.value.missing[incomplete] == ["passport number", "photo"]
    assert not Accreditation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_delegation_without_note_verbale_cannot_submit(delegation, focal_user):
    factories.MemberFactory(delegation=delegation)
    with pytest.raises(SubmissionError) as refused:
        delegation_submit(delegation=delegation, actor=focal_user)
    assert "a note verbale or letter of nomination" in refused.value.missing["delegation"]


def test_returned_member_is_resubmitted_only_once_changed(delegation, focal_user, ready):
    delegation_submit(delegation=delegation, actor=focal_user)
    returned = ready[0]
    # What the review service does when it returns a request.
    Accreditation.objects.filter(member=returned).update(status=AccreditationStatus.RETURNED)
    returned.__class__.objects.filter(pk=returned.pk).update(is_locked=False)
    with pytest.raises(SubmissionError) as refused:
        delegation_submit(delegation=delegation, actor=focal_user)
    assert refused.value.code == "nothing_to_submit"
    returned.refresh_from_db()
    returned.function = "Minister Counsellor"
    returned.save()
    result = delegation_submit(delegation=delegation, actor=focal_user)
    assert [m.pk for m in result.submitted] == [returned.pk]
    assert Accreditation.objects.get(member=returned).status == AccreditationStatus.SUBMITTED
    assert OutgoingEmail.objects.filter(to=returned.email).count() == 2


def test_status_page_shows_every_member_with_status(focal_client, delegation, focal_user, ready):
    delegation_submit(delegation=delegation, actor=focal_user)
    draft = factories.MemberFactory(delegation=delegation, family_name="Draftperson", with_photo=True)
    html = focal_client.get(reverse("portal_accreditation:status")).content.decode()
    assert html.count('data-status="submitted"') == 2
    assert f'data-member="{draft.pk}" data-status="draft"' in html
    assert "Ready to submit" in html


def test_status_page_submit_and_incomplete_message(focal_client, delegation, ready):
    factories.MemberFactory(delegation=delegation, photo="")
    response = focal_client.post(reverse("portal_accreditation:status"))
    html = response.content.decode()
    assert "nothing was submitted" in html
    assert "Missing: photo" in html
    assert not Accreditation.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_status_page_query_count(focal_client, delegation, django_assert_num_queries, count):
    factories.DocumentFactory(delegation=delegation)
    for member in factories.MemberFactory.create_batch(count, delegation=delegation):
        factories.AccreditationFactory(member=member)
    # session, user, focal point, members with accreditations, nomination document
    with django_assert_num_queries(5):
        response = focal_client.get(reverse("portal_accreditation:status"))
    assert len(response.context["rows"]) == count


def test_submit_api(client, delegation, focal_user, ready):
    client.force_login(focal_user)
    response = client.post(reverse("portal_accreditation:api-submit"))
    assert response.status_code == 200
    assert sorted(response.json()["submitted"]) == sorted(m.pk for m in ready)
    again = client.post(reverse("portal_accreditation:api-submit"))
    assert again.status_code == 400
    assert again.json()["code"] == "nothing_to_submit"


def test_submit_api_lists_what_is_missing(client, delegation, focal_user):
    member = factories.MemberFactory(delegation=delegation, photo="")
    client.force_login(focal_user)
    response = client.post(reverse("portal_accreditation:api-submit"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["errors"][f"member:{member.pk}"] == ["photo"]


@pytest.mark.parametrize("count", [1, 3])
def test_status_api_query_count(client, delegation, focal_user, django_assert_num_queries, count):
    factories.MemberFactory.create_batch(count, delegation=delegation)
    client.force_login(focal_user)
    with django_assert_num_queries(4):
        response = client.get(reverse("portal_accreditation:api-status"))
    assert [row["status"] for row in response.json()] == ["draft"] * count
