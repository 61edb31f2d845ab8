"""/dashboard/emails/: the form, the preview, and posting twice sending once; only the
secretariat may write to groups."""

import pytest
from django.core import mail

from delegations.models import MemberRole
from hanoi_summit.core.models import OutgoingEmail
from hanoi_summit.secretariat import group_emails as ge
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/dashboard/emails/"


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
