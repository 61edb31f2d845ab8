"""Group e-mails: who gets one (once), placeholders checked before sending, the preview,
and posting twice sending once."""

import pytest
from django.core import mail

from accreditation.models import AccreditationStatus as S
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus, MemberRole
from hanoi_summit.core.models import OutgoingEmail
from hanoi_summit.secretariat import group_emails as ge
from sessions.models import BookingStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/dashboard/emails/"


def emails(recipients):
    return sorted(r.email for r in recipients)


@pytest.fixture
def france():
    return f.StateDelegationFactory(
        country="FR", name="France", status=DelegationStatus.CONFIRMED, contact_email="mission@france.example"
    )


@pytest.fixture
def head(france):
    return f.MemberFactory(
        delegation=france,
        role=MemberRole.HEAD,
        title="H.E. Mr",
        given_names="Jean",
        family_name="Dupont",
        badge_name="Jean Dupont",
        email="jean.dupont@france.example",
        language="fr",
        photo="",
    )


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


def form_data(**overrides):
    data = {
        "groups": [ge.GROUP_HEADS, ge.GROUP_FOCAL_POINTS],
        "subject": "Security briefing for {delegation}",
        "body": "Dear {title} {name},\nplease wear your badge ({badge_name}). {{Thanks}} & see you.",
        "action": "preview",
    }
    data.update(overrides)
    return data


def test_preview_shows_the_count_and_the_first_recipients_message(secretariat_client, france, head):
    f.FocalPointFactory(delegation=france, user=f.UserFactory(email="fp@france.example"))
    response = secretariat_client.post(URL, form_data())
    preview = response.context["preview"]
    # Jean Dupont, the focal point and the mission's address.
    assert preview.count == 3
    assert 'data-recipient-count="3"' in response.content.decode()
    assert preview.first.email == head.email
    assert preview.subject == "Security briefing for France"
    assert preview.body.startswith(
        "Dear H.E. Mr Jean Dupont,\nplease wear your badge (Jean Dupont). {Thanks}"
    )
    assert OutgoingEmail.objects.count() == 0


def test_unknown_placeholder_is_an_error_in_the_form_not_a_500(secretariat_client, head):
    response = secretariat_client.post(URL, form_data(body="Dear {nom}", action="send"))
    assert response.status_code == 200
    assert "Unknown placeholder {nom}" in str(response.context["form"].errors["body"])
    assert OutgoingEmail.objects.count() == 0


def test_category_group_needs_a_category(secretariat_client, head):
    response = secretariat_client.post(URL, form_data(groups=[ge.GROUP_CATEGORY]))
    assert "categories" in response.context["form"].errors
    assert response.context["preview"] is None


def test_nobody_matching_is_said_so(secretariat_client):
    response = secretariat_client.post(URL, form_data(groups=[ge.GROUP_HEADS]))
    assert "Nobody matches this selection." in response.content.decode()


def test_send_queues_one_email_per_recipient_and_posting_twice_sends_once(
    secretariat_client, france, head, django_capture_on_commit_callbacks
):
    f.FocalPointFactory(delegation=france, user=f.UserFactory(email="fp@france.example"))
    with django_capture_on_commit_callbacks(execute=True):
        first = secretariat_client.post(URL, form_data(action="send"))
    assert first.status_code == 302
    assert OutgoingEmail.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["fp@france.example", "mission@france.example", head.email]
    )

    with django_capture_on_commit_callbacks(execute=True):
        again = secretariat_client.post(URL, form_data(action="send"), follow=True)
    assert OutgoingEmail.objects.count() == 3
    assert len(mail.outbox) == 3
    assert "0 e-mails queued. 3 recipients already had this message." in again.content.decode()

    dupont = OutgoingEmail.objects.get(to=head.email)
    assert dupont.subject == "Security briefing for France"
    assert "Dear H.E. Mr Jean Dupont," in dupont.body_text
    assert "{Thanks} & see you." in dupont.body_text
    assert "{Thanks} &amp; see you." in dupont.body_html
    assert dupont.language == "fr"


def test_a_changed_message_is_a_new_message(head):
    recipients = ge.group_email_recipients(groups=[ge.GROUP_HEADS])
    assert ge.group_email_send(subject="One", body="Hello {name}", recipients=recipients).queued == 1
    assert ge.group_email_send(subject="One", body="Hello {name}", recipients=recipients).skipped == 1
    assert ge.group_email_send(subject="Two", body="Hello {name}", recipients=recipients).queued == 1


@pytest.mark.parametrize("role", ["Protocol officer", "Accreditation officer", "Gate officer"])
def test_only_the_secretariat_writes_to_groups(client, role):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(action="send")).status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_preview_query_count_does_not_grow_with_the_recipients(client, django_assert_num_queries, n):
    for _ in range(n):
        delegation = f.DelegationFactory()
        f.MemberFactory(delegation=delegation, role=MemberRole.HEAD, photo="")
        f.FocalPointFactory(delegation=delegation)
    client.force_login(f.StaffUserFactory(role="Secretariat"))
    # session, user, permissions (2), heads, focal points, contact addresses, then the
    # form's category and session choices.
    with django_assert_num_queries(9):
        response = client.post(URL, form_data())
    assert response.context["preview"].count == 3 * n
