"""One tone per accreditation status, and the admin, the pages and the dashboard agree on it."""

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus as S
from accreditation.models import PrintBatch
from accreditation.presentation import ACCREDITATION_TONES, BADGE_TONES, BATCH_TONES, SCAN_TONES
from hanoi_summit.core.admin import PILL_COLOURS, tone_colour
from hanoi_summit.secretariat.dashboard import figures as dashboard
from tests import factories
from tests.accreditation.review_helpers import staff

BOOTSTRAP_TONES = {"success", "warning", "danger", "info", "primary", "secondary", "dark"}


def test_every_status_has_a_bootstrap_tone_with_a_colour():
    assert set(ACCREDITATION_TONES) == set(S)
    assert set(BATCH_TONES) == set(PrintBatch.Status)
    for tones in (ACCREDITATION_TONES, BADGE_TONES, BATCH_TONES, SCAN_TONES):
        assert set(tones.values()) <= BOOTSTRAP_TONES
    assert set(PILL_COLOURS) == BOOTSTRAP_TONES


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW])
def test_the_admin_the_review_page_and_the_dashboard_agree(client, superuser, status):
    acc = factories.AccreditationFactory(status=status)
    tone = ACCREDITATION_TONES[status]

    client.force_login(superuser)
    admin_page = client.get(reverse("admin:accreditation_accreditation_changelist")).content.decode()
    # The pill names its tone; static/css/admin.css colours it (a test keeps it equal to PILL_COLOURS).
    assert f"hs-pill hs-pill-{tone}" in admin_page

    client.force_login(staff("Accreditation officer"))
    page = client.get(reverse("review:detail", args=[acc.pk])).content.decode()
    assert f"badge text-bg-{tone}" in page

    client.force_login(superuser)
    bars = client.get("/dashboard/").context["status_bars"]
    colours = {status: bar.colour for status, bar in zip(dashboard.FUNNEL_STATUSES, bars, strict=True)}
    assert colours[status] == tone_colour(tone)
    assert all(colours[s] == tone_colour(ACCREDITATION_TONES[s]) for s in colours)
