"""Vetting services: clear and refuse, audit and e-mails, the record of every look."""

import pytest

from accreditation import services
from accreditation.models import AccreditationStatus, Badge
from accreditation.workflow import AccreditationError
from hanoi_summit.core.models import OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import (
    accreditation,
    approved,
    audit_of,
    refused_sources_of,
    staff,
)

pytestmark = pytest.mark.django_db
S = AccreditationStatus


@pytest.fixture
def security():
    return staff("Security officer")


def test_clear_emails_the_approval_once_with_where_and_what_to_bring(ref, security):
    zones, categories = ref
    delegation = factories.DelegationFactory()
    factories.FocalPointFactory(delegation=delegation, user__email="dao@example.org")
    acc = approved(categories, zones, delegation=delegation, email="anna@example.org", language="vi")
    services.accreditation_clear(accreditation=acc, actor=security, note="no record")
    acc.refresh_from_db()
    assert acc.status == S.CLEARED
    assert acc.vetted_by == security
    assert acc.vetting_note == "no record"
    with pytest.raises(AccreditationError):
        services.accreditation_clear(accreditation=acc, actor=security, note="")
    emails = list(OutgoingEmail.objects.order_by("to"))
    assert [e.to for e in emails] == ["anna@example.org", "dao@example.org"]
    assert {e.language for e in emails} == {"vi"}
    # In the member's language: the venue's Vietnamese name, not the English one.
    assert "NCC" in emails[0].body_text and "Hà Nội" in emails[0].body_text
    assert "National Convention Centre" not in emails[0].body_text
    assert audit_of("accreditation.clear", acc).count() == 1


def test_approval_email_in_english_says_where_and_what_to_bring(ref, security):
    zones, categories = ref
    acc = approved(categories, zones, email="anna@example.org", language="en")
    services.accreditation_clear(accreditation=acc, actor=security)
    body = OutgoingEmail.objects.get().body_text
    assert "accreditation centre of the National Convention Centre (NCC)" in body
    assert "passport" in body


def test_outcome_emails_are_deduplicated_per_recipient(ref, security):
    zones, categories = ref
    delegation = factories.DelegationFactory()
    # The member is also the delegation's focal point: one e-mail, not two.
    factories.FocalPointFactory(delegation=delegation, user__email="Same@Example.org")
    acc = approved(categories, zones, delegation=delegation, email="same@example.org")
    services.accreditation_clear(accreditation=acc, actor=security)
    assert OutgoingEmail.objects.get().to == "same@example.org"


@pytest.mark.parametrize("status", refused_sources_of(S.CLEARED))
def test_clear_refused_outside_approval(security, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_clear(accreditation=acc, actor=security)
    assert error.value.code == "illegal_transition"
    acc.refresh_from_db()
    assert acc.status == status


def test_refuse_keeps_the_note_with_security_and_sends_a_neutral_email(ref, security):
    zones, categories = ref
    acc = approved(categories, zones, email="anna@example.org")
    services.accreditation_refuse(accreditation=acc, actor=security, note="Interpol notice 123")
    acc.refresh_from_db()
    assert acc.status == S.REFUSED
    email = OutgoingEmail.objects.get()
    assert "Interpol" not in email.body_text and "Interpol" not in email.subject
    assert "cannot be granted" in email.body_text
    assert acc.vetting_note == "Interpol notice 123"
    # The audit trail says a note was written, never what it says.
    entry = audit_of("accreditation.refuse", acc).get()
    assert entry.note == "" and entry.after["vetting_note"] == "***"


def test_refuse_without_a_note_changes_nothing(ref, security):
    zones, categories = ref
    acc = approved(categories, zones)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_refuse(accreditation=acc, actor=security, note="")
    assert error.value.code == "reason_required"
    acc.refresh_from_db()
    assert acc.status == S.APPROVED


@pytest.mark.parametrize("status", refused_sources_of(S.REFUSED))
def test_refuse_refused_before_approval_and_after_the_end(security, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError):
        services.accreditation_refuse(accreditation=acc, actor=security, note="x")
    acc.refresh_from_db()
    assert acc.status == status


def test_a_refused_person_can_never_get_a_badge(ref, security):
    zones, categories = ref
    acc = approved(categories, zones)
    services.accreditation_refuse(accreditation=acc, actor=security, note="x")
    with pytest.raises(AccreditationError) as error:
        services.badge_issue(accreditation=acc, actor=security)
    assert error.value.code == "illegal_transition"
    assert not Badge.objects.exists()


def test_vetting_view_is_audited(ref, security):
    acc = accreditation(S.APPROVED)
    services.accreditation_record_vetting_view(accreditation=acc, actor=security)
    entry = audit_of("accreditation.vetting_view", acc).get()
    assert entry.actor == security
