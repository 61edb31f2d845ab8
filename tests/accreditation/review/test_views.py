"""The officers' and security's pages: permissions, what they show, what they change."""

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.accreditation.review_helpers import accreditation, approved, staff

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def login(client, role):
    user = staff(role)
    client.force_login(user)
    return user


def focal_point_client(client):
    focal = factories.FocalPointFactory()
    client.force_login(focal.user)
    return focal


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["review:queue", "review:vetting-queue", "review:detail", "review:vetting-detail"]
)
def test_anonymous_is_sent_to_login(client, name):
    acc = accreditation()
    args = [acc.pk] if "detail" in name else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (None, "review:queue"),
        (None, "review:vetting-queue"),
        ("Gate officer", "review:queue"),
        ("Gate officer", "review:vetting-queue"),
        ("Security officer", "review:queue"),
        ("Security officer", "review:detail"),
        ("Accreditation officer", "review:vetting-queue"),
        ("Accreditation officer", "review:vetting-detail"),
        ("Protocol officer", "review:detail"),
    ],
)
def test_others_get_403(client, role, name):
    acc = accreditation()
    if role is None:
        focal_point_client(client)
    else:
        login(client, role)
    args = [acc.pk] if "detail" in name else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert acc.member.family_name not in response.content.decode()


@pytest.mark.parametrize("role", [None, "Gate officer", "Security officer"])
def test_decisions_refused_to_others(client, role, ref):
    acc = accreditation(S.UNDER_REVIEW)
    if role is None:
        focal_point_client(client)
    else:
        login(client, role)
    response = client.post(reverse("review:approve", args=[acc.pk]), {"category": ref[1]["DEL"].pk})
    assert response.status_code == 403
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW


def test_security_cannot_clear_through_the_review_pages_nor_officers_through_vetting(client, ref):
    zones, categories = ref
    acc = approved(categories, zones)
    login(client, "Accreditation officer")
    assert client.post(reverse("review:clear", args=[acc.pk]), {"note": ""}).status_code == 403
    acc.refresh_from_db()
    assert acc.status == S.APPROVED


# --- the review queue -------------------------------------------------------------------------


def _queue_rows(n, status=S.SUBMITTED):
    delegations = [factories.DelegationFactory() for _ in range(n)]
    return [accreditation(status, delegation=d) for d in delegations]


@pytest.mark.parametrize("rows", [1, 3])
def test_review_queue_query_count_does_not_grow(client, django_assert_num_queries, rows):
    _queue_rows(rows)
    login(client, "Accreditation officer")
    # No query for a list of delegations: the filter is a text field with suggestions.
    with django_assert_num_queries(8):
        response = client.get(reverse("review:queue"))
    assert len(response.context["page"].object_list) == rows


def test_review_queue_oldest_first_and_filters(client, ref):
    from tests.factories import hanoi_time

    newer = accreditation(S.SUBMITTED)
    newer.submitted_at = hanoi_time(-5, 9)
    newer.save()
    older = accreditation(S.UNDER_REVIEW, photo="")
    older.submitted_at = hanoi_time(-9, 9)
    older.save()
    accreditation(S.APPROVED)  # not waiting for review
    state = accreditation(S.SUBMITTED, delegation=factories.StateDelegationFactory())
    state.submitted_at = hanoi_time(-1, 9)
    state.save()
    login(client, "Accreditation officer")
    listed = lambda **q: [a.pk for a in client.get(reverse("review:queue"), q).context["page"]]  # noqa: E731
    assert listed() == [older.pk, newer.pk, state.pk]
    assert listed(missing_photo="on") == [older.pk]
    assert listed(kind="member_state") == [state.pk]
    assert listed(delegation=newer.member.delegation.name) == [newer.pk]
    assert listed(delegation=newer.member.delegation.code.upper()) == [newer.pk]
    assert listed(q=newer.member.family_name.lower()) == [newer.pk]
    assert listed(status="under_review") == [older.pk]


def test_bulk_approve_from_the_queue(client, ref):
    a, b = _queue_rows(2)
    login(client, "Accreditation officer")
    response = client.post(reverse("review:bulk-approve"), {"accreditations": [a.pk, b.pk]})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == S.APPROVED


# --- the review page --------------------------------------------------------------------------


def test_review_page_shows_photo_data_and_the_suggestion(client, ref):
    zones, categories = ref
    acc = accreditation(
        S.SUBMITTED, delegation=factories.StateDelegationFactory(), role="head", protocol_rank=60
    )
    login(client, "Accreditation officer")
    response = client.get(reverse("review:detail", args=[acc.pk]))
    html = response.content.decode()
    assert reverse("review:member-photo", args=[acc.member_id]) in html
    assert acc.member.passport_number in html
    form = response.context["approve_form"]
    assert form.initial["category"] == categories["HOD"]
    assert {z.code for z in form.initial["zones"]} == {"LBY", "PLN", "SIG", "BIL", "VIP", "MTG", "EXH", "BNQ"}
    # Opening the page changes nothing.
    acc.refresh_from_db()
    assert acc.status == S.SUBMITTED


def test_approve_with_edited_category_and_zones(client, ref):
    zones, categories = ref
    acc = accreditation(S.SUBMITTED)
    officer = login(client, "Accreditation officer")
    response = client.post(
        reverse("review:approve", args=[acc.pk]),
        {"category": categories["IGO"].pk, "zones": [zones["PLN"].pk, zones["BIL"].pk]},
    )
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.status == S.APPROVED and acc.reviewed_by == officer
    assert acc.category.code == "IGO"
    assert sorted(z.code for z in acc.zones.all()) == ["BIL", "PLN"]


def test_approve_without_category_re_renders_and_changes_nothing(client, ref):
    acc = accreditation(S.SUBMITTED)
    login(client, "Accreditation officer")
    response = client.post(reverse("review:approve", args=[acc.pk]), {"category": ""})
    assert response.status_code == 400
    assert response.context["approve_form"].errors["category"]
    acc.refresh_from_db()
    assert acc.status == S.SUBMITTED


def test_start_review_then_return_with_reason(client, ref):
    acc = accreditation(S.SUBMITTED, email="anna@example.org")
    login(client, "Accreditation officer")
    client.post(reverse("review:start", args=[acc.pk]))
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW
    response = client.post(reverse("review:return", args=[acc.pk]), {"reason": "Passport expired"})
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.status == S.RETURNED and acc.member.is_locked is False
    assert "Passport expired" in OutgoingEmail.objects.get().body_text


def test_review_page_shows_the_history_but_not_securitys_notes(client, ref):
    zones, categories = ref
    acc = approved(categories, zones)
    from accreditation import services

    services.accreditation_refuse(accreditation=acc, actor=staff("Security officer"), note="secret finding")
    login(client, "Accreditation officer")
    html = client.get(reverse("review:detail", args=[acc.pk])).content.decode()
    assert "accreditation.refuse" in html
    assert "secret finding" not in html


def test_reject_without_reason_shows_the_error(client, ref):
    acc = accreditation(S.UNDER_REVIEW)
    login(client, "Accreditation officer")
    response = client.post(reverse("review:reject", args=[acc.pk]), {"reason": ""})
    assert response.status_code == 400
    assert response.context["reason_form"].errors["reason"]
    acc.refresh_from_db()
    assert acc.status == S.UNDER_REVIEW


def test_illegal_decision_through_the_page_is_refused_with_a_message(client, ref):
    acc = accreditation(S.REJECTED)
    login(client, "Accreditation officer")
    response = client.post(reverse("review:return", args=[acc.pk]), {"reason": "x"}, follow=True)
    assert "cannot become" in response.content.decode()
    acc.refresh_from_db()
    assert acc.status == S.REJECTED


def test_unknown_accreditation_is_404(client):
    login(client, "Accreditation officer")
    assert client.get(reverse("review:detail", args=[999999])).status_code == 404


# --- security vetting pages -------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_vetting_queue_query_count_does_not_grow(client, django_assert_num_queries, ref, rows):
    zones, categories = ref
    for _ in range(rows):
        approved(categories, zones)
    login(client, "Security officer")
    with django_assert_num_queries(8):
        response = client.get(reverse("review:vetting-queue"))
    assert len(response.context["page"].object_list) == rows


def test_vetting_page_shows_only_what_vetting_needs_and_is_audited(client, ref):
    zones, categories = ref
    acc = approved(
        categories,
        zones,
        email="private@example.org",
        phone="+84 912 345 678",
        dietary_needs="Halal",
        accessibility_needs="Wheelchair",
        function="Chief negotiator",
    )
    officer = login(client, "Security officer")
    html = client.get(reverse("review:vetting-detail", args=[acc.pk])).content.decode()
    member = acc.member
    for shown in (member.family_name, member.passport_number, "17 May 1980", member.delegation.name):
        assert shown in html
    assert reverse("review:member-photo", args=[member.pk]) in html
    for hidden in ("private@example.org", "+84 912 345 678", "Halal", "Wheelchair", "Chief negotiator"):
        assert hidden not in html
    entry = AuditEntry.objects.get(action="accreditation.vetting_view")
    assert entry.actor == officer and entry.target_id == str(acc.pk)


def test_clear_and_refuse_through_the_pages_are_audited(client, ref):
    zones, categories = ref
    one, two = approved(categories, zones), approved(categories, zones)
    login(client, "Security officer")
    client.post(reverse("review:clear", args=[one.pk]), {"note": ""})
    client.post(reverse("review:refuse", args=[two.pk]), {"note": "watch list"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (S.CLEARED, S.REFUSED)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "accreditation.clear",
        "accreditation.refuse",
    }


def test_refuse_without_note_re_renders(client, ref):
    zones, categories = ref
    acc = approved(categories, zones)
    login(client, "Security officer")
    response = client.post(reverse("review:refuse", args=[acc.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Please give a reason." in response.content.decode()
    acc.refresh_from_db()
    assert acc.status == S.APPROVED


# --- photos -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Accreditation officer", "Security officer", "Protocol officer"])
def test_staff_photo_is_inline_and_never_cached(client, role):
    member = factories.MemberFactory(with_photo=True)
    # Security sees people from the secretariat's approval on.
    factories.AccreditationFactory(member=member, status=S.APPROVED)
    login(client, role)
    response = client.get(reverse("review:member-photo", args=[member.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == "inline"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_views_by_security_are_audited_and_others_are_not(client):
    member = factories.MemberFactory(with_photo=True)
    factories.AccreditationFactory(member=member, status=S.APPROVED)
    officer = login(client, "Security officer")
    client.get(reverse("review:member-photo", args=[member.pk]))
    entry = AuditEntry.objects.get(action="member.photo_view")
    assert (entry.actor, entry.target_id) == (officer, str(member.pk))
    login(client, "Accreditation officer")
    client.get(reverse("review:member-photo", args=[member.pk]))
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("role", [None, "Gate officer"])
def test_photo_refused_to_focal_points_and_gates(client, role):
    member = factories.MemberFactory()
    if role is None:
        focal_point_client(client)
    else:
        login(client, role)
    assert client.get(reverse("review:member-photo", args=[member.pk])).status_code == 403
