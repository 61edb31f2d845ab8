"""Review services: every transition, every refusal, audit and e-mails."""

import pytest

from accreditation import rules, selectors, services
from accreditation.models import AccreditationStatus
from accreditation.workflow import AccreditationError
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import (
    accreditation,
    audit_of,
    refused_sources_of,
    sources_of,
    staff,
)

pytestmark = pytest.mark.django_db
S = AccreditationStatus


@pytest.fixture
def officer():
    return staff("Accreditation officer")


def test_start_review_claims_a_submitted_request(officer):
    acc = accreditation(S.SUBMITTED)
    services.accreditation_start_review(accreditation=acc, actor=officer)
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW
    assert acc.reviewed_by == officer
    entry = audit_of("accreditation.start_review", acc).get()
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
    entry = audit_of("accreditation.approve", acc).get()
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


@pytest.mark.parametrize("status", refused_sources_of(S.APPROVED))
def test_approve_refused_from_every_other_status(ref, officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError) as error:
        services.accreditation_approve(accreditation=acc, actor=officer)
    assert error.value.code == "illegal_transition"
    acc.refresh_from_db()
    assert acc.status == status
    assert acc.category is None


@pytest.mark.parametrize("status", refused_sources_of(S.UNDER_REVIEW))
def test_start_review_refused_from_every_other_status(officer, status):
    acc = accreditation(status)
    with pytest.raises(AccreditationError, match="cannot become"):
        services.accreditation_start_review(accreditation=acc, actor=officer)
    acc.refresh_from_db()
    assert acc.status == status


@pytest.mark.parametrize("status", sources_of(S.RETURNED))
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
    assert audit_of("accreditation.return", acc).get().note == "Photo too dark"
    unlock = AuditEntry.objects.get(action="member.unlock", target_id=str(acc.member.pk))
    assert (unlock.actor, unlock.before, unlock.after) == (officer, {"is_locked": True}, {"is_locked": False})


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


@pytest.mark.parametrize("status", refused_sources_of(S.RETURNED))
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


@pytest.mark.parametrize("status", refused_sources_of(S.REJECTED))
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
