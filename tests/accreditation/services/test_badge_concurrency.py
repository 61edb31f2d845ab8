"""Badge numbers under concurrent issue, on the real PostgreSQL (skipped on SQLite locally)."""

import threading

import pytest
from django.db import connection

from accreditation import services
from accreditation.models import AccreditationStatus, Badge
from tests import factories
from tests.accreditation.review_helpers import approved, reference_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DESKS = 6


def _race(targets):
    """Run each target in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # collected and re-raised in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_issues_get_distinct_sequential_numbers(require_postgres):
    zones, categories = reference_data()
    by = factories.UserFactory()
    accreditations = []
    for _ in range(DESKS):
        acc = approved(categories, zones)
        acc.status = AccreditationStatus.CLEARED
        acc.save()
        accreditations.append(acc)
    errors = _race(
        [lambda acc=acc: services.badge_issue(accreditation=acc, actor=by) for acc in accreditations]
    )
    assert errors == []
    numbers = sorted(Badge.objects.values_list("number", flat=True))
    assert numbers == list(range(services.FIRST_BADGE_NUMBER, services.FIRST_BADGE_NUMBER + DESKS))


def test_concurrent_reprints_of_one_badge_make_one_new_version(require_postgres):
    zones, categories = reference_data()
    by = factories.UserFactory()
    acc = approved(categories, zones)
    acc.status = AccreditationStatus.CLEARED
    acc.save()
    badge = services.badge_issue(accreditation=acc, actor=by)
    services.badge_print_batch(badges=[badge], layout="cr80", actor=by)
    errors = _race([lambda: services.badge_reprint(badge=badge, actor=by, reason="lost")] * 4)
    # The row lock serialises them: the first reprints, the others find the badge revoked.
    assert len(errors) == 3
    assert {error.code for error in errors} == {"badge_revoked"}
    assert list(Badge.objects.filter(revoked_at__isnull=True).values_list("version", flat=True)) == [2]
