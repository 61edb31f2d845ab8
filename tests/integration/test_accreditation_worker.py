"""Accreditation on the real stack: a large print batch rendered by the Celery worker, and the
outcome e-mail delivered over SMTP after the commit."""

import pytest
from django.db import transaction

from accreditation import services
from accreditation.models import AccreditationStatus, BadgeLayout, PrintBatch
from tests import factories
from tests.accreditation.review_helpers import approved, reference_data
from tests.integration.support import wait_until

pytestmark = pytest.mark.integration
S = AccreditationStatus


def test_a_batch_over_200_renders_in_the_worker(celery_worker):
    zones, categories = reference_data()
    by = factories.UserFactory()
    delegation = factories.DelegationFactory()
    badges = []
    for _ in range(services.BATCH_RENDER_IN_REQUEST + 1):
        # No photo: the worker reads uploads from its own storage, not this test's folder.
        member = factories.MemberFactory(delegation=delegation, photo="")
        acc = factories.AccreditationFactory(member=member, status=S.BADGE_ISSUED, category=categories["DEL"])
        badges.append(factories.BadgeFactory(accreditation=acc, category=categories["DEL"]))
    with transaction.atomic():
        batch = services.badge_print_batch(badges=badges, layout=BadgeLayout.A4_SHEET, actor=by)
    assert batch.status == PrintBatch.Status.PENDING

    def finished():
        batch.refresh_from_db()
        return batch.status in (PrintBatch.Status.DONE, PrintBatch.Status.FAILED)

    wait_until(finished, timeout=120, what="the worker to render the batch")
    assert batch.status == PrintBatch.Status.DONE, batch.error or celery_worker.log_tail()
    assert (batch.rendered, batch.total) == (201, 201)
    assert batch.file.name.endswith(".pdf")


def test_clearance_is_mailed_to_the_focal_point_and_the_member(celery_worker, smtp_sink):
    zones, categories = reference_data()
    delegation = factories.DelegationFactory()
    factories.FocalPointFactory(delegation=delegation, user__email="dao@example.org")
    acc = approved(categories, zones, delegation=delegation, email="anna@example.org")
    with transaction.atomic():
        services.accreditation_clear(accreditation=acc, actor=factories.UserFactory())
    messages = smtp_sink.wait_for(2)
    assert sorted(message["To"] for message in messages) == ["anna@example.org", "dao@example.org"]
    assert all("approved" in message["Subject"] for message in messages)
