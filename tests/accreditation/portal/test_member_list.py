"""The portal's Members page: each member's true accreditation status, under a header."""

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus as S
from accreditation.presentation import accreditation_display
from tests import factories

pytestmark = pytest.mark.django_db


def _member(delegation, family, status=None):
    member = factories.MemberFactory(delegation=delegation, family_name=family, is_locked=status is not None)
    if status is not None:
        factories.AccreditationFactory(member=member, status=status)
    return member


def test_each_member_shows_their_own_status(focal_client, delegation):
    rejected = _member(delegation, "Rejected", S.REJECTED)
    collected = _member(delegation, "Collected", S.COLLECTED)
    in_review = _member(delegation, "Reviewing", S.UNDER_REVIEW)
    draft = _member(delegation, "Draft")
    html = focal_client.get(reverse("portal:members")).content.decode()
    assert '<th scope="col">Accreditation</th>' in html
    for member, label in (
        (rejected, "Rejected"),
        (collected, "Badge collected"),
        (in_review, "Under review"),
        (draft, "Draft"),
    ):
        row = html[html.index(f'data-member="{member.pk}"') :]
        row = row[: row.index("</tr>")]
        assert f">{label}</span>" in row, (label, row)
    assert html.count(">Under review</span>") == 1


def test_the_status_words_and_tone_come_from_one_map():
    shown = accreditation_display(None)
    assert (shown.code, shown.label, shown.tone) == (S.DRAFT, "Draft", "secondary")
    revoked = accreditation_display(factories.AccreditationFactory.build(status=S.REVOKED))
    assert (revoked.label, revoked.tone) == ("Revoked", "danger")


@pytest.mark.parametrize("count", [1, 3])
def test_query_count_stays_constant(focal_client, delegation, django_assert_num_queries, count):
    for n in range(count):
        _member(delegation, f"Member{n}", S.APPROVED)
    # session, user, focal point + delegation, members with their accreditation
    with django_assert_num_queries(4):
        response = focal_client.get(reverse("portal:members"))
    assert len(response.context["rows"]) == count


def test_the_page_says_who_is_signed_in(focal_client, focal_user):
    html = focal_client.get(reverse("portal:members")).content.decode()
    assert f"Signed in as {focal_user.get_username()}" in html
