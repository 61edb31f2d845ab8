"""Protocol's pages: home, print queue, batches and PDF, the badge desk."""

import pytest
from django.urls import reverse

from accreditation import services
from accreditation.models import AccreditationStatus, Badge, PrintBatch
from tests import factories
from tests.accreditation.review_helpers import approved, cleared, printed, staff
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def login(client, role):
    user = staff(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name", ["protocol:home", "protocol:print-queue", "protocol:batches", "protocol:desk"]
)
def test_focal_points_and_security_get_403(client, name):
    focal = factories.FocalPointFactory()
    client.force_login(focal.user)
    assert client.get(reverse(name)).status_code == 403
    login(client, "Security officer")
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["protocol:print-queue", "protocol:batches", "protocol:desk"])
def test_gate_officers_get_403_on_badge_pages(client, name):
    login(client, "Gate officer")
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("protocol:print-queue"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_home_lists_what_protocol_can_do(client):
    login(client, "Protocol officer")
    html = client.get(reverse("protocol:home")).content.decode()
    for url in (reverse("protocol:print-queue"), reverse("protocol:batches"), reverse("protocol:desk")):
        assert f'href="{url}"' in html
    assert 'href="/protocol/checkin/"' in html


def test_gate_officer_home_shows_only_the_gate(client):
    login(client, "Gate officer")
    html = client.get(reverse("protocol:home")).content.decode()
    assert 'href="/protocol/checkin/"' in html
    assert reverse("protocol:print-queue") not in html


# --- print queue ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_print_queue_query_count_does_not_grow(client, django_assert_num_queries, ref, rows):
    by = staff("Protocol officer")
    for index in range(rows):
        acc = cleared(ref)
        if index:
            services.badge_issue(accreditation=acc, actor=by)
    client.force_login(by)
    with django_assert_num_queries(9):
        response = client.get(reverse("protocol:print-queue"))
    assert len(response.context["page"].object_list) == rows


def test_print_queue_lists_cleared_and_issued_not_printed_with_filters(client, ref):
    zones, categories = ref
    by = login(client, "Protocol officer")
    early = cleared(ref, arrival=hanoi_time(-1, 9))
    issued = services.badge_issue(
        accreditation=cleared(ref, arrival=hanoi_time(0, 9)), actor=by
    ).accreditation
    printed(ref, by)
    approved(categories, zones)
    other = cleared(ref)
    other.category = categories["MED"]
    other.save()

    def listed(**query):
        return {a.pk for a in client.get(reverse("protocol:print-queue"), query).context["page"]}

    assert listed() == {early.pk, issued.pk, other.pk}
    assert listed(category=categories["MED"].pk) == {other.pk}
    assert listed(delegation=early.member.delegation.name) == {early.pk}
    assert listed(q=early.member.family_name.upper()) == {early.pk}
    assert listed(arrival_day="2025-10-23") == {early.pk}
    assert listed(arrival_day="2025-10-24") == {issued.pk, other.pk}


def test_print_selected_gives_one_pdf(client, ref):
    by = login(client, "Protocol officer")
    one, two = cleared(ref), cleared(ref)
    response = client.post(reverse("protocol:print"), {"accreditations": [one.pk, two.pk], "layout": "a4x4"})
    batch = PrintBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("protocol:batch", args=[batch.pk])
    assert (batch.total, batch.layout, batch.created_by) == (2, "a4x4", by)
    page = client.get(reverse("protocol:batch", args=[batch.pk])).content.decode()
    assert reverse("protocol:batch-pdf", args=[batch.pk]) in page
    pdf = client.get(reverse("protocol:batch-pdf", args=[batch.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    status = client.get(reverse("protocol:batch-status", args=[batch.pk])).json()
    assert status == {
        "status": "done",
        "rendered": 2,
        "total": 2,
        "download": reverse("protocol:batch-pdf", args=[batch.pk]),
    }


def test_print_all_matching_the_filters(client, ref):
    zones, categories = ref
    login(client, "Protocol officer")
    dels = [cleared(ref) for _ in range(2)]
    media = cleared(ref)
    media.category = categories["MED"]
    media.save()
    response = client.post(
        reverse("protocol:print"), {"all_matching": "1", "layout": "a6", "category": categories["DEL"].pk}
    )
    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("protocol:batch", args=[batch.pk])
    assert {b.accreditation_id for b in batch.badges.all()} == {a.pk for a in dels}
    media.refresh_from_db()
    assert media.status == S.CLEARED


@pytest.mark.parametrize("data", [{"layout": "cr80"}, {"layout": "poster", "accreditations": ["X"]}])
def test_print_with_bad_input_changes_nothing(client, ref, data):
    login(client, "Protocol officer")
    acc = cleared(ref)
    if "accreditations" in data:
        data = {**data, "accreditations": [acc.pk]}
    response = client.post(reverse("protocol:print"), data, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    assert not PrintBatch.objects.exists()
    acc.refresh_from_db()
    assert acc.status == S.CLEARED


def test_accreditation_not_in_the_queue_cannot_be_printed(client, ref):
    zones, categories = ref
    login(client, "Protocol officer")
    acc = approved(categories, zones)
    client.post(reverse("protocol:print"), {"accreditations": [acc.pk], "layout": "cr80"})
    assert not PrintBatch.objects.exists()


def test_a_failed_rendering_is_shown_and_can_be_rendered_again(
    client, ref, monkeypatch, django_capture_on_commit_callbacks
):
    from accreditation.badges import pdf

    login(client, "Protocol officer")
    acc = cleared(ref)
    real = pdf.render_badges

    def broken(**kwargs):
        raise OSError("photo unreadable")

    monkeypatch.setattr(pdf, "render_badges", broken)
    response = client.post(
        reverse("protocol:print"), {"accreditations": [acc.pk], "layout": "cr80"}, follow=True
    )
    batch = PrintBatch.objects.get()
    assert batch.status == PrintBatch.Status.FAILED and "photo unreadable" in batch.error
    assert "Render again" in response.content.decode()
    assert client.get(reverse("protocol:batch-pdf", args=[batch.pk])).status_code == 404
    acc.refresh_from_db()
    assert acc.status == S.PRINTED
    monkeypatch.setattr(pdf, "render_badges", real)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.post(reverse("protocol:batch-render", args=[batch.pk]))
        # A second click finds the batch no longer failed: one render queued, not two.
        assert client.post(reverse("protocol:batch-render", args=[batch.pk])).status_code == 302
    assert len(queued) == 1
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.DONE and batch.rendered == 1
    assert client.get(reverse("protocol:batch-pdf", args=[batch.pk]))["Content-Type"] == "application/pdf"


def test_pdf_of_an_unfinished_batch_is_404(client):
    login(client, "Protocol officer")
    batch = factories.PrintBatchFactory(status=PrintBatch.Status.RENDERING, total=300, rendered=50)
    assert client.get(reverse("protocol:batch-pdf", args=[batch.pk])).status_code == 404
    page = client.get(reverse("protocol:batch", args=[batch.pk])).content.decode()
    assert reverse("protocol:batch-status", args=[batch.pk]) in page
    assert client.get(reverse("protocol:batch-status", args=[batch.pk])).json()["rendered"] == 50


@pytest.mark.parametrize("rows", [1, 3])
def test_batches_query_count_does_not_grow(client, django_assert_num_queries, rows):
    by = login(client, "Protocol officer")
    for _ in range(rows):
        factories.PrintBatchFactory(created_by=by)
    with django_assert_num_queries(6):
        response = client.get(reverse("protocol:batches"))
    assert len(response.context["page"].object_list) == rows


# --- the desk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_desk_search_query_count_does_not_grow(client, django_assert_num_queries, ref, rows):
    by = login(client, "Protocol officer")
    for _ in range(rows):
        printed(ref, by, family_name="Nguyen")
    # Passports, the people, their badges: three queries whatever the number found.
    with django_assert_num_queries(7):
        response = client.get(reverse("protocol:desk"), {"q": "nguyen"})
    assert len(response.context["people"]) == rows


def test_desk_finds_by_name_number_and_passport_only_valid_versions(client, ref):
    by = login(client, "Protocol officer")
    badge = printed(ref, by, family_name="Trần", passport_number="B1234567")
    printed(ref, by, family_name="Other")

    def found(q):
        return [p.badge.pk for p in client.get(reverse("protocol:desk"), {"q": q}).context["people"]]

    assert found("trần") == [badge.pk]
    assert found(str(badge.number)) == [badge.pk]
    assert found("b1234567") == [badge.pk]
    assert found("") == []
    new = services.badge_reprint(badge=badge, actor=by, reason="lost")
    assert found(str(badge.number)) == [new.pk]


def test_desk_finds_vietnamese_names_typed_without_accents(client, ref):
    by = login(client, "Protocol officer")
    badge = printed(ref, by, family_name="Nguyễn", given_names="Thị Hương", badge_name="Nguyễn Thị Hương")
    printed(ref, by, family_name="Dương", given_names="Đức", badge_name="Dương Đức")

    def found(q):
        return [p.badge.pk for p in client.get(reverse("protocol:desk"), {"q": q}).context["people"]]

    assert found("nguyen thi") == [badge.pk]
    assert found("HUONG") == [badge.pk]
    assert len(found("duc")) == 1


def test_hand_over_at_the_desk(client, ref):
    by = login(client, "Protocol officer")
    badge = printed(ref, by, passport_number="B1234567")
    response = client.post(reverse("protocol:hand-over", args=[badge.pk]), {"id_document_seen": "B7654321"})
    assert response.status_code == 302
    badge.refresh_from_db()
    assert badge.collected_at is None
    response = client.post(
        reverse("protocol:hand-over", args=[badge.pk]), {"id_document_seen": "b1234567"}, follow=True
    )
    assert "handed over" in response.content.decode()
    badge.refresh_from_db()
    assert badge.collected_by == by


def test_gate_officer_cannot_hand_over_or_reprint(client, ref):
    badge = printed(ref, staff("Protocol officer"))
    login(client, "Gate officer")
    passport = badge.accreditation.member.passport_number
    assert (
        client.post(
            reverse("protocol:hand-over", args=[badge.pk]), {"id_document_seen": passport}
        ).status_code
        == 403
    )
    assert client.post(reverse("protocol:reprint", args=[badge.pk]), {"reason": "lost"}).status_code == 403
    badge.refresh_from_db()
    assert badge.collected_at is None and not badge.is_revoked


def test_reprint_and_revoke_at_the_desk(client, ref):
    by = login(client, "Protocol officer")
    badge = printed(ref, by)
    response = client.post(reverse("protocol:reprint", args=[badge.pk]), {"reason": "lost"})
    assert response["Location"] == reverse("protocol:print-queue")
    badge.refresh_from_db()
    assert badge.is_revoked
    new = Badge.objects.get(revoked_at__isnull=True)
    assert new.version == 2
    client.post(reverse("protocol:revoke", args=[new.pk]), {"reason": "misconduct"})
    new.refresh_from_db()
    assert new.is_revoked and new.accreditation.status == S.REVOKED


def test_reprint_without_reason_changes_nothing(client, ref):
    by = login(client, "Protocol officer")
    badge = printed(ref, by)
    client.post(reverse("protocol:reprint", args=[badge.pk]), {"reason": ""})
    badge.refresh_from_db()
    assert not badge.is_revoked
    assert Badge.objects.count() == 1


def test_batches_page_does_not_say_nothing_was_printed_when_badges_were(client):
    login(client, "Protocol officer")
    html = client.get(reverse("protocol:batches")).content.decode()
    assert "No print batch yet, and no badge printed." in html
    for _ in range(3):
        factories.BadgeFactory(printed_at=hanoi_time(0, 9))
    html = client.get(reverse("protocol:batches")).content.decode()
    assert "the 3 badges printed so far were printed one by one" in html
    assert "no badge printed" not in html
