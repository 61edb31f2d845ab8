import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from delegations.models import Document, Member
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db


def _photo(width=600, height=800):
    return SimpleUploadedFile("p.jpg", factories.jpeg_bytes(width, height), content_type="image/jpeg")


def test_home_shows_the_checklist_with_progress(focal_client, delegation):
    factories.MemberFactory(delegation=delegation)
    factories.DocumentFactory(delegation=delegation)
    response = focal_client.get(reverse("portal:home"))
    html = response.content.decode()
    assert "Kenya" in html
    assert "1 / 5" in html
    assert "✓ Uploaded" in html
    assert "no-store" in response["Cache-Control"]
    assert reverse("portal_accreditation:status") in html
    assert "/portal/programme/" in html


def test_staff_without_delegation_get_a_clear_refusal(secretariat_client):
    response = secretariat_client.get(reverse("portal:members"))
    assert response.status_code == 403
    assert "does not act for a delegation" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("portal:members"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_focal_points_never_reach_admin(focal_client):
    response = focal_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_add_member_with_photo(focal_client, delegation):
    data = member_data(family_name="Nguyễn", given_names="Thị Hương", form_token="t1", photo=_photo())
    response = focal_client.post(reverse("portal:member-add"), data)
    assert response.status_code == 302
    member = Member.objects.get(delegation=delegation)
    assert member.badge_name == "Thị Hương Nguyễn"
    assert member.photo


def test_double_submitted_add_form_saves_once(focal_client, delegation):
    data = member_data(form_token="same-token")
    assert focal_client.post(reverse("portal:member-add"), data).status_code == 302
    response = focal_client.post(reverse("portal:member-add"), data, follow=True)
    assert "already sent" in response.content.decode()
    assert Member.objects.filter(delegation=delegation).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family_name": "X" * 300}, "at most 120 characters"),
        ({"passport_expiry": "2020-01-01"}, "passport has expired"),
        ({"photo": _photo(100, 100)}, "too small"),
        (
            {"photo": SimpleUploadedFile("p.jpg", b"MZ not a photo", content_type="image/jpeg")},
            "not a JPEG or PNG",
        ),
        ({"date_of_birth": "not a date"}, "valid date"),
    ],
)
def test_bad_member_input_rerenders_with_a_message_and_saves_nothing(
    focal_client, delegation, overrides, message
):
    response = focal_client.post(reverse("portal:member-add"), member_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "Nothing was saved" in html
    assert not Member.objects.exists()


def test_duplicate_passport_is_explained_on_the_field(focal_client, delegation):
    factories.MemberFactory(passport_number="AK1234567")
    response = focal_client.post(reverse("portal:member-add"), member_data())
    assert "already registered for the event" in response.content.decode()
    assert not Member.objects.filter(delegation=delegation).exists()


def test_quota_refusal_is_clear(focal_client, delegation):
    factories.MemberFactory.create_batch(5, delegation=delegation)
    response = focal_client.post(reverse("portal:member-add"), member_data())
    assert "badge quota of 5 members is reached" in response.content.decode()
    assert Member.objects.filter(delegation=delegation).count() == 5


def test_edit_member(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation)
    data = member_data(family_name="Odhiambo", passport_number=member.passport_number)
    response = focal_client.post(reverse("portal:member-edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.family_name == "Odhiambo"


def test_locked_member_is_read_only(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation, is_locked=True, family_name="Locked")
    page = focal_client.get(reverse("portal:member-edit", args=[member.pk])).content.decode()
    assert "read-only" in page
    assert '<form method="post" enctype' not in page
    focal_client.post(reverse("portal:member-edit", args=[member.pk]), member_data(family_name="Changed"))
    focal_client.post(reverse("portal:member-delete", args=[member.pk]))
    member.refresh_from_db()
    assert member.family_name == "Locked"


def test_delete_member(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation)
    focal_client.post(reverse("portal:member-delete", args=[member.pk]))
    assert not Member.objects.filter(pk=member.pk).exists()


def test_member_list_masks_passports(focal_client, delegation):
    factories.MemberFactory(delegation=delegation, passport_number="XK7654321")
    html = focal_client.get(reverse("portal:members")).content.decode()
    assert "XK7654321" not in html
    assert "321" in html


@pytest.mark.parametrize("count", [1, 3])
def test_member_list_query_count(focal_client, delegation, django_assert_num_queries, count):
    factories.MemberFactory.create_batch(count, delegation=delegation)
    # session, user, focal point + delegation, members
    with django_assert_num_queries(4):
        response = focal_client.get(reverse("portal:members"))
    assert len(response.context["members"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_member_list_search_folds_accents_and_stays_in_the_delegation(
    focal_client, delegation, django_assert_num_queries, count
):
    factories.MemberFactory.create_batch(count, delegation=delegation, family_name="Nguyễn")
    factories.MemberFactory(delegation=delegation, family_name="Smith")
    factories.MemberFactory(family_name="Nguyen")  # another delegation's
    # session, user, focal point + delegation, the count for the quota, the matches
    with django_assert_num_queries(5):
        response = focal_client.get(reverse("portal:members"), {"q": "NGUYEN"})
    assert [m.family_name for m in response.context["members"]] == ["Nguyễn"] * count
    assert response.context["member_total"] == count + 1
    page = focal_client.get(reverse("portal:members"), {"q": "nobody"}).content.decode()
    assert "No member's name matches" in page


def test_delegation_form_saves_details(focal_client, delegation):
    response = focal_client.post(
        reverse("portal:delegation"),
        {"ministry": "Ministry of Foreign and Diaspora Affairs", "mission": "", "address": "Nairobi",
         "contact_email": "mfa@ke.example", "contact_phone": "", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.contact_email == "mfa@ke.example"


def test_document_upload_and_private_download(focal_client, delegation):
    pdf = factories.pdf_bytes()
    response = focal_client.post(
        reverse("portal:documents"),
        {
            "kind": "note_verbale",
            "reference": "NV/1",
            "file": SimpleUploadedFile("nv.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(delegation=delegation)
    download = focal_client.get(reverse("portal:document-file", args=[document.pk]))
    assert b"".join(download.streaming_content) == pdf
    assert download["Content-Type"] == "application/pdf"
    assert "filename=" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]


def test_executable_posing_as_pdf_is_refused(focal_client, delegation):
    upload = SimpleUploadedFile("nv.pdf", b"MZ\x90\x00 program", "application/pdf")
    response = focal_client.post(reverse("portal:documents"), {"kind": "note_verbale", "file": upload})
    assert "not a PDF document" in response.content.decode()
    assert not Document.objects.exists()


def test_photo_served_privately_to_the_focal_point(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation, with_photo=True)
    response = focal_client.get(reverse("portal:member-photo", args=[member.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_for_staff_with_the_permission_only_and_audited(client, delegation):
    member = factories.MemberFactory(delegation=delegation, with_photo=True)
    officer = factories.StaffUserFactory(role="Accreditation officer")
    gate = factories.StaffUserFactory(role="Gate officer")
    client.force_login(gate)
    assert client.get(reverse("portal:member-photo", args=[member.pk])).status_code == 404
    client.force_login(officer)
    response = client.get(reverse("portal:member-photo", args=[member.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="member.photo_view", actor=officer).count() == 1


def test_stored_files_have_no_public_url(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation, with_photo=True)
    assert focal_client.get("/" + member.photo.name).status_code == 404
    assert Client().get(reverse("portal:member-photo", args=[member.pk])).status_code == 302


def test_login_lockout_after_repeated_failures(client, focal_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), {"username": "focal-ken", "password": "wrong"})
    response = client.post(reverse("portal:login"), {"username": "focal-ken", "password": "pw-Hanoi-2025"})
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="focal-ken").exists()


def test_login_works(client, focal_user):
    response = client.post(
        reverse("portal:login"), {"username": "focal-ken", "password": "pw-Hanoi-2025"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.context["delegation"] == focal_user.focal_point.delegation


def test_password_reset_goes_through_the_outbox(
    client, focal_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:password_reset"), {"email": focal_user.email})
    email = OutgoingEmail.objects.get(to=focal_user.email)
    # The stored row shows that a link went, not the link (tests/security/test_secrets.py).
    assert "[link sent]" in email.body_text
    assert "/portal/password-reset/" in mailoutbox[0].body


def test_invitation_page_creates_the_account_and_logs_in(client, delegation, secretariat_user):
    from delegations.services import invitation_create

    _, token = invitation_create(delegation=delegation, email="dao@ke.example", actor=None, site_url="")
    url = reverse("portal:invitation-accept", args=[token])
    assert "dao@ke.example" in client.get(url).content.decode()
    response = client.post(url, {"password1": "short", "password2": "short"})
    assert "too short" in response.content.decode()
    response = client.post(
        url, {"password1": "Hanoi-Convention-2025!", "password2": "Hanoi-Convention-2025!"}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).context["delegation"] == delegation
    again = client.get(url)
    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_unknown_invitation_shows_a_clear_page(client):
    response = client.get(reverse("portal:invitation-accept", args=["nonsense"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_double_submitted_document_is_stored_once(focal_client, delegation):
    def post():
        upload = SimpleUploadedFile("nv.pdf", factories.pdf_bytes(), "application/pdf")
        return focal_client.post(
            reverse("portal:documents"),
            {"kind": "note_verbale", "file": upload, "form_token": "tok"},
            follow=True,
        )

    post()
    assert "already sent" in post().content.decode()
    assert Document.objects.filter(delegation=delegation).count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_documents_page_query_count(focal_client, delegation, django_assert_num_queries, count):
    factories.DocumentFactory.create_batch(count, delegation=delegation)
    factories.DocumentFactory()  # another delegation's: never listed
    # session, user, focal point + delegation, documents with their members
    with django_assert_num_queries(4):
        response = focal_client.get(reverse("portal:documents"))
    assert len(response.context["documents"]) == count


def test_lockout_is_visible_to_the_secretariat(client, focal_user, settings, secretariat_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), {"username": "focal-ken", "password": "wrong"})
    client.force_login(secretariat_user)
    html = client.get("/admin/axes/accessattempt/").content.decode()
    assert "focal-ken" in html


def test_the_error_summary_lists_and_links_the_fields(focal_client, delegation):
    response = focal_client.post(
        reverse("portal:member-add"),
        member_data(family_name="", passport_expiry="2020-01-01", form_token="e1"),
    )
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert 'href="#id_family_name"' in summary
    assert 'href="#id_passport_expiry"' in summary or "passport" in summary.lower()
    assert not Member.objects.exists()
