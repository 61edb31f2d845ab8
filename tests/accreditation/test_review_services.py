"""Review and vetting services: every transition, every refusal, audit and e-mails."""

import pytest

from accreditation import rules, selectors, services
from accreditation.models import AccreditationStatus, Badge
from accreditation.workflow import TRANSITIONS, AccreditationError
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import accreditation, approved, reference_data, staff

pytestmark = pytest.mark.django_db
S = AccreditationStatus


@pytest.fixture
def ref():
    return reference_data()


@pytest.fixture
def officer():
    return staff("Accreditation officer")


@pytest.fixture
def security():
    return staff("Security officer")


def _sources(target):
    return [status for status in S if target in TRANSITIONS[status]]


def _refused_sources(target):
    return [status for status in S if target not in TRANSITIONS[status]]


def _audit(action, acc):
    return AuditEntry.objects.filter(
        action=action, target_type="accreditation.accreditation", target_id=str(acc.pk)
    )


# --- review -----------------------------------------------------------------------------------


def test_start_review_claims_a_submitted_request(officer):
    acc = accreditation(S.SUBMITTED)
    services.accreditation_start_review(accreditation=acc, actor=officer)
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW
    assert acc.reviewed_by == officer
    entry = _audit("accreditation.start_review", acc).get()
    assert entry.before == {"status": "submitted"} and entry.after == {"status": "under_review"}


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW])
def test_approve_uses_the_rules_suggestion_by_default(ref, officer, status):
    zones, categories = ref
    delegation = factories.StateDelegationFactory()
    acc = accreditation(status, delegation=delegation, role="head", protocol_rank=10)
    services.accreditation_approve(accreditation=acc, actor=officer)
    acc.refresh_from_db()
    assert acc.status == S.APPROVED
    assert acc.category == categories["VIP"]
    assert {z.code for z in acc.zones.all()} == set(rules.ALL_ZONES)
    assert acc.member.is_locked is True
    entry = _audit("accreditation.approve", acc).get()
    assert entry.actor == officer
    assert entry.after["category"] == "VIP"
    # Approval by the secretariat is not the outcome yet: nothing is e-mailed.
    assert not OutgoingEmail.objects.exists()


def test_approve_with_the_officers_own_category_and_zones(ref, officer):
    zones, categories = ref
    acc = accreditation(S.UNDER_REVIEW)
    services.accreditation_approve(
        accreditation=acc, actor=officer, category=categories["UN"], zones=[zones["PLN"]]
    )
    acc.refresh_from_db()
    assert acc.category.code == "UN"
    assert [z.code for z in acc.zones.all()] == ["PLN"]


def test_approve_with_a_chosen_category_alone_gives_that_categorys_zones(ref, officer):
    """Never the suggested category's access on another category's badge."""
    zones, categories = ref
    vip = categories["VIP"]
    vip.default_zones.set([zones["PLN"], zones["SIG"]])
    acc = accreditation(S.UNDER_REVIEW, role="delegate")  # the rules suggest another category
    assert selectors.assignment_suggested(member=acc.member)[0] != vip
    services.accreditation_approve(accreditation=acc, actor=officer, category=vip)
    acc.refresh_from_db()
    assert acc.category == vip
    assert {z.code for z in acc.zones.all()} == {"PLN", "SIG"}


def test_approve_without_any_category_is_refused_and_changes_nothing(officer):
    acc = accreditation(S.SUBMITTED)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_approve(accreditation=acc, actor=officer)
    assert error.value.code == "category_required"
    acc.refresh_from_db()
    assert acc.status == S.SUBMITTED
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("status", _refused_sources(S.APPROVED))
def test_approve_refused_from_every_other_status(ref, officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_approve(accreditation=acc, actor=officer)
    assert error.value.code == "illegal_transition"
    acc.refresh_from_db()
    assert acc.status == status
    assert acc.category is None


@pytest.mark.parametrize("status", _refused_sources(S.UNDER_REVIEW))
def test_start_review_refused_from_every_other_status(officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError, match="cannot become"):
        services.accreditation_start_review(accreditation=acc, actor=officer)
    acc.refresh_from_db()
    assert acc.status == status


@pytest.mark.parametrize("status", _sources(S.RETURNED))
def test_return_unlocks_the_member_and_emails_the_reason(officer, status):
    delegation = factories.DelegationFactory()
    focal = factories.FocalPointFactory(delegation=delegation, user__email="dao@example.org")
    acc = accreditation(status, delegation=delegation, email="anna@example.org", language="fr")
    services.accreditation_return(accreditation=acc, actor=officer, reason="Photo too dark")
    acc.refresh_from_db()
    assert acc.status == S.RETURNED
    assert acc.decision_reason == "Photo too dark"
    assert acc.member.is_locked is False
    emails = OutgoingEmail.objects.order_by("to")
    assert [e.to for e in emails] == ["anna@example.org", focal.user.email]
    assert all("Photo too dark" in e.body_text for e in emails)
    assert {e.language for e in emails} == {"fr"}
    assert _audit("accreditation.return", acc).get().note == "Photo too dark"


@pytest.mark.parametrize("service", ["accreditation_return", "accreditation_reject"])
def test_return_or_reject_without_a_reason_changes_nothing(officer, service):
    acc = accreditation(S.UNDER_REVIEW)
    with pytest.raises(AccreditationError) as error:
        getattr(services, service)(accreditation=acc, actor=officer, reason="   ")
    assert error.value.code == "reason_required"
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW
    assert acc.member.is_locked is True
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("status", _refused_sources(S.RETURNED))
def test_return_refused_from_other_statuses(officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_return(accreditation=acc, actor=officer, reason="x")
    assert error.value.code == "illegal_transition"
    acc.refresh_from_db()
    assert acc.status == status
    assert acc.member.is_locked is True


def test_reject_is_final_and_emailed_once(ref, officer):
    acc = accreditation(S.SUBMITTED, email="anna@example.org")
    services.accreditation_reject(accreditation=acc, actor=officer, reason="Not part of the delegation")
    acc.refresh_from_db()
    assert acc.status == S.REJECTED
    with pytest.raises(AccreditationError):
        services.accreditation_reject(accreditation=acc, actor=officer, reason="again")
    with pytest.raises(AccreditationError):
        services.accreditation_approve(accreditation=acc, actor=officer)
    email = OutgoingEmail.objects.get()
    assert email.to == "anna@example.org"
    assert "Not part of the delegation" in email.body_text


@pytest.mark.parametrize("status", _refused_sources(S.REJECTED))
def test_reject_refused_after_approval(officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError):
        services.accreditation_reject(accreditation=acc, actor=officer, reason="x")
    acc.refresh_from_db()
    assert acc.status == status


def test_bulk_approve_approves_what_it_can_and_reports_the_rest(ref, officer):
    good = [accreditation(S.SUBMITTED), accreditation(S.UNDER_REVIEW)]
    bad = accreditation(S.RETURNED)
    done, refused = services.accreditation_approve_many(accreditations=[*good, bad], actor=officer)
    assert {a.pk for a in done} == {a.pk for a in good}
    assert [(a.pk, e.code) for a, e in refused] == [(bad.pk, "illegal_transition")]
    for acc in good:
        acc.refresh_from_db()
        assert acc.status == S.APPROVED
        assert acc.category.code == "NGO"
    bad.refresh_from_db()
    assert bad.status == S.RETURNED


# --- security vetting -------------------------------------------------------------------------


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
    assert _audit("accreditation.clear", acc).count() == 1


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


@pytest.mark.parametrize("status", _refused_sources(S.CLEARED))
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
    assert _audit("accreditation.refuse", acc).get().note == "Interpol notice 123"


def test_refuse_without_a_note_changes_nothing(ref, security):
    zones, categories = ref
    acc = approved(categories, zones)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_refuse(accreditation=acc, actor=security, note="")
    assert error.value.code == "reason_required"
    acc.refresh_from_db()
    assert acc.status == S.APPROVED


@pytest.mark.parametrize("status", _refused_sources(S.REFUSED))
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
    entry = _audit("accreditation.vetting_view", acc).get()
    assert entry.actor == security
