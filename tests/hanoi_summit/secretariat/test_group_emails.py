"""Group e-mails: who gets one (once), placeholders checked before sending, the same message
to the same address queued once."""

import pytest

from accreditation.models import AccreditationStatus as S
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus
from hanoi_summit.secretariat import group_emails as ge
from sessions.models import BookingStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def emails(recipients):
    return sorted(r.email for r in recipients)


def test_a_focal_point_who_is_also_a_member_gets_one_email(france, head):
    # The head of delegation also holds the focal-point account, under the same address
    # written differently; the mission's contact address is the focal point's too.
    f.FocalPointFactory(
        delegation=france, user=f.UserFactory(username="jd", email="Jean.Dupont@France.example")
    )
    f.FocalPointFactory(delegation=france, user=f.UserFactory(username="fp2", email="mission@france.example"))
    recipients = ge.group_email_recipients(groups=[ge.GROUP_FOCAL_POINTS, ge.GROUP_HEADS])
    assert emails(recipients) == ["jean.dupont@france.example", "mission@france.example"]
    # The member's details win: the placeholders get a title and a badge name.
    dupont = next(r for r in recipients if r.email == head.email)
    assert (dupont.title, dupont.badge_name, dupont.language) == ("H.E. Mr", "Jean Dupont", "fr")


def test_delegations_by_kind_and_status(france):
    f.FocalPointFactory(delegation=france, user=f.UserFactory(email="fp@france.example"))
    ngo = f.DelegationFactory(
        kind=K.NGO, status=DelegationStatus.CONFIRMED, contact_email="hello@ngo.example"
    )
    f.DelegationFactory(kind=K.NGO, status=DelegationStatus.WITHDRAWN, contact_email="gone@ngo.example")
    f.DelegationFactory(kind=K.NGO, status=DelegationStatus.INVITED, contact_email="")
    states = ge.group_email_recipients(groups=[ge.GROUP_FOCAL_POINTS], kinds=[K.MEMBER_STATE])
    assert emails(states) == ["fp@france.example", "mission@france.example"]
    # No status chosen: everyone but withdrawn delegations.
    everyone = ge.group_email_recipients(groups=[ge.GROUP_FOCAL_POINTS])
    assert "gone@ngo.example" not in emails(everyone)
    assert ngo.contact_email in emails(everyone)
    withdrawn = ge.group_email_recipients(
        groups=[ge.GROUP_FOCAL_POINTS], statuses=[DelegationStatus.WITHDRAWN]
    )
    assert emails(withdrawn) == ["gone@ngo.example"]


def test_members_by_category_leave_out_closed_accreditations(france):
    vip = f.CategoryFactory(code="VIP")
    media = f.CategoryFactory(code="MED")
    for email, category, status in [
        ("a@x.example", vip, S.APPROVED),
        ("b@x.example", vip, S.REVOKED),
        ("c@x.example", media, S.APPROVED),
        ("d@x.example", vip, S.COLLECTED),
    ]:
        member = f.MemberFactory(delegation=france, email=email, photo="")
        f.AccreditationFactory(member=member, category=category, status=status)
    recipients = ge.group_email_recipients(groups=[ge.GROUP_CATEGORY], categories=[vip])
    assert emails(recipients) == ["a@x.example", "d@x.example"]


def test_session_attendees_are_the_confirmed_bookings(france):
    session = f.SessionFactory()
    for email, status in [
        ("in@x.example", BookingStatus.CONFIRMED),
        ("wait@x.example", BookingStatus.WAITLISTED),
    ]:
        f.BookingFactory(
            session=session, status=status, member=f.MemberFactory(delegation=france, email=email, photo="")
        )
    f.BookingFactory(member=f.MemberFactory(delegation=france, email="other@x.example", photo=""))
    recipients = ge.group_email_recipients(groups=[ge.GROUP_SESSION], session=session)
    assert emails(recipients) == ["in@x.example"]


def test_a_member_in_two_chosen_groups_gets_one(france, head):
    session = f.SessionFactory()
    f.BookingFactory(session=session, member=head)
    recipients = ge.group_email_recipients(groups=[ge.GROUP_HEADS, ge.GROUP_SESSION], session=session)
    assert emails(recipients) == [head.email]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dear {firstname}", "unknown_placeholder"),
        ("Dear {name", "malformed_placeholder"),
        ("Dear {name.__class__}", "unknown_placeholder"),
        ("Dear {name:>99999999}", "malformed_placeholder"),
        ("Dear {name!r}", "malformed_placeholder"),
        ("{0}", "unknown_placeholder"),
    ],
)
def test_bad_placeholders_are_refused(text, code):
    with pytest.raises(ge.GroupEmailError) as error:
        ge.group_email_check_template(text)
    assert error.value.code == code


def test_literal_braces_and_known_placeholders_pass():
    ge.group_email_check_template("Dear {title} {name} of {delegation} ({badge_name}) {{not a placeholder}}")


def test_a_changed_message_is_a_new_message(head):
    recipients = ge.group_email_recipients(groups=[ge.GROUP_HEADS])
    assert ge.group_email_send(subject="One", body="Hello {name}", recipients=recipients).queued == 1
    assert ge.group_email_send(subject="One", body="Hello {name}", recipients=recipients).skipped == 1
    assert ge.group_email_send(subject="Two", body="Hello {name}", recipients=recipients).queued == 1
