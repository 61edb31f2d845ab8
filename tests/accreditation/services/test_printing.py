"""Printing services: batches rendered in the request or a task, refusals, query count."""

import pytest

from accreditation import services
from accreditation.badges import pdf
from accreditation.models import AccreditationStatus, Badge, BadgeLayout, PrintBatch
from accreditation.workflow import AccreditationError
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.accreditation.review_helpers import cleared, printed

pytestmark = pytest.mark.django_db
S = AccreditationStatus


def test_small_batch_renders_in_the_request_and_records_who_printed(ref, protocol):
    badges = [services.badge_issue(accreditation=cleared(ref), actor=protocol) for _ in range(3)]
    batch = services.badge_print_batch(badges=badges, layout=BadgeLayout.A6, actor=protocol)
    assert batch.status == PrintBatch.Status.DONE
    assert (batch.rendered, batch.total) == (3, 3)
    with batch.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    for badge in badges:
        badge.refresh_from_db()
        assert badge.print_batch == batch
        assert badge.printed_by == protocol
        assert badge.printed_at is not None
        assert badge.accreditation.status == S.PRINTED
    assert AuditEntry.objects.filter(action="badge.print").count() == 3


def test_large_batch_renders_in_the_task_and_reports_progress(
    ref, protocol, monkeypatch, django_capture_on_commit_callbacks
):
    zones, categories = ref
    delegation = factories.DelegationFactory()
    photo = factories.jpeg_bytes(120, 160)
    badges = []
    for _ in range(services.BATCH_RENDER_IN_REQUEST + 1):
        member = factories.MemberFactory(delegation=delegation, photo__data=photo)
        acc = factories.AccreditationFactory(member=member, status=S.BADGE_ISSUED, category=categories["DEL"])
        badges.append(factories.BadgeFactory(accreditation=acc, category=categories["DEL"]))
    seen = []
    real = pdf.render_badges

    def watching(*, on_progress, **kwargs):
        def progress(done):
            on_progress(done)
            seen.append(PrintBatch.objects.values_list("rendered", flat=True).get())

        return real(on_progress=progress, **kwargs)

    monkeypatch.setattr(pdf, "render_badges", watching)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.badge_print_batch(badges=badges, layout=BadgeLayout.CR80, actor=protocol)
    # Not rendered in the request: the task waits for the commit.
    assert batch.status == PrintBatch.Status.PENDING and batch.rendered == 0
    assert Badge.objects.filter(print_batch=batch, printed_at__isnull=False).count() == 201
    for callback in callbacks:
        callback()
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.DONE
    assert (batch.rendered, batch.total) == (201, 201)
    assert seen == [50, 100, 150, 200, 201]
    assert batch.file.size > 0


@pytest.mark.parametrize("layout", ["a5", ""])
def test_unknown_layout_refused(ref, protocol, layout):
    badge = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[badge], layout=layout, actor=protocol)
    assert error.value.code == "invalid_layout"
    assert not PrintBatch.objects.exists()


def test_empty_batch_refused(protocol):
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[], layout=BadgeLayout.CR80, actor=protocol)
    assert error.value.code == "empty_batch"


def test_printed_or_revoked_badges_cannot_be_batched_again(ref, protocol):
    done = printed(ref, protocol)
    fresh = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    with pytest.raises(AccreditationError) as error:
        services.badge_print_batch(badges=[fresh, done], layout=BadgeLayout.CR80, actor=protocol)
    assert error.value.code == "not_printable"
    fresh.refresh_from_db()
    assert fresh.printed_at is None
    assert PrintBatch.objects.count() == 1


def test_print_accreditations_issues_missing_badges_in_the_same_batch(ref, protocol):
    new = cleared(ref)
    issued = services.badge_issue(accreditation=cleared(ref), actor=protocol)
    batch = services.badge_print_accreditations(
        accreditations=[new, issued.accreditation], layout=BadgeLayout.A4_SHEET, actor=protocol
    )
    assert batch.badges.count() == 2
    new.refresh_from_db()
    assert new.status == S.PRINTED


def test_print_accreditations_is_all_or_nothing(ref, protocol):
    good = cleared(ref)
    bad = cleared(ref)
    bad.status = S.APPROVED
    bad.save()
    with pytest.raises(AccreditationError):
        services.badge_print_accreditations(
            accreditations=[good, bad], layout=BadgeLayout.CR80, actor=protocol
        )
    good.refresh_from_db()
    assert good.status == S.CLEARED
    assert not Badge.objects.exists()


@pytest.mark.parametrize("rows", [1, 3])
def test_printing_a_batch_takes_the_same_queries_for_1_and_3_badges(
    ref, protocol, django_assert_num_queries, rows
):
    accreditations = [cleared(ref) for _ in range(rows)]
    issued = services.badge_issue(accreditation=cleared(ref), actor=protocol).accreditation
    # 4 of them: the gate bundle's version taken and stamped on the badges, at issue and print;
    # 1 the zones' names for the legend printed on the badges.
    with django_assert_num_queries(33):
        batch = services.badge_print_accreditations(
            accreditations=[*accreditations, issued], layout=BadgeLayout.CR80, actor=protocol
        )
    assert batch.total == rows + 1
