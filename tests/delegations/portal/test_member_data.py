"""A person's data, on request: the focal point downloads everything held about a member of
their delegation (data.json, the photo, the documents naming them), audited; another
delegation's member is a 404; staff's notes and secrets stay out."""

import datetime as dt
import json
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from hanoi_summit.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(delegation):
    member = factories.MemberFactory(
        delegation=delegation,
        family_name="Wanjiru",
        passport_number="AK1234567",
        date_of_birth=dt.date(1981, 3, 4),
        dietary_needs="vegetarian",
        with_photo=True,
    )
    factories.DocumentFactory(delegation=delegation, member=member, kind="full_powers", reference="FP/1")
    factories.DocumentFactory(delegation=delegation, reference="NV/not-about-her")
    accreditation = factories.AccreditationFactory(
        member=member,
        status="badge_issued",
        category=factories.CategoryFactory(code="DEL", name="Delegate"),
        vetting_note="Interpol notice 2024-117",
        decision_reason="Photo too dark",
    )
    badge = factories.BadgeFactory(accreditation=accreditation, number=104321)
    factories.ScanFactory(badge=badge, zone=factories.ZoneFactory(code="PLN", name="Plenary"))
    factories.BookingFactory(member=member, session=factories.SessionFactory(title="Opening plenary"))
    return member


def _download(client, member):
    return client.get(reverse("portal:member-data", args=[member.pk]))


def _archive(response):
    return zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))


def test_the_focal_point_downloads_everything_held_about_a_member(focal_client, member):
    response = _download(focal_client, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"member-{member.pk}-data.zip" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = _archive(response)
    document = member.documents.get()
    assert sorted(archive.namelist()) == ["data.json", f"documents/{document.pk}.pdf", "photo.jpg"]
    with member.photo.open("rb") as photo:
        assert archive.read("photo.jpg") == photo.read()
    assert archive.read(f"documents/{document.pk}.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    person = data["member"]
    assert person["family_name"] == "Wanjiru"
    assert person["passport_number"] == "AK1234567"
    assert person["date_of_birth"] == "1981-03-04"
    assert person["dietary_needs"] == "vegetarian"
    assert person["delegation"] == "Kenya"
    assert person["photo"] == "photo.jpg"
    assert [d["reference"] for d in data["documents"]] == ["FP/1"]
    accreditation = data["accreditation"]
    assert accreditation["status"] == "badge_issued" and "Delegate" in accreditation["category"]
    assert accreditation["decision_reason"] == "Photo too dark"
    assert [b["number"] for b in accreditation["badges"]] == [104321]
    assert accreditation["scans"][0]["result"] == "granted"
    assert [b["session"] for b in data["programme"]["bookings"]] == [str(member.bookings.get().session)]


def test_secrets_and_staff_notes_stay_out(focal_client, member):
    raw = _archive(_download(focal_client, member)).read("data.json").decode()
    data = json.loads(raw)
    assert "Interpol" not in raw
    assert member.agenda_token not in raw
    assert member.passport_hash not in raw
    for key in ("vetting_note", "vetted_by", "reviewed_by", "submitted_fingerprint"):
        assert key not in data["accreditation"]
    assert {"agenda_token", "passport_hash"}.isdisjoint(data["member"])
    assert {"code_excerpt", "code_digest", "nonce", "officer", "device"}.isdisjoint(
        data["accreditation"]["scans"][0]
    )


def test_the_download_is_audited(focal_client, focal_user, member):
    _download(focal_client, member)
    entry = AuditEntry.objects.get(action="member.data_export")
    assert entry.actor == focal_user
    assert (entry.target_type, entry.target_id) == ("delegations.member", str(member.pk))


def test_another_delegations_member_is_not_found(focal_client, member):
    stranger = factories.MemberFactory(with_photo=True)
    assert _download(focal_client, stranger).status_code == 404
    assert not AuditEntry.objects.filter(action="member.data_export").exists()


def test_staff_and_strangers_cannot_use_the_portals_download(client, secretariat_client, member):
    assert secretariat_client.get(reverse("portal:member-data", args=[member.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("portal:member-data", args=[member.pk])).status_code == 302


def test_a_member_without_accreditation_or_photo_downloads_too(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation)
    archive = _archive(_download(focal_client, member))
    assert archive.namelist() == ["data.json"]
    data = json.loads(archive.read("data.json"))
    assert data["accreditation"] is None and data["member"]["photo"] is None


def test_the_member_page_links_to_the_download(focal_client, member, delegation):
    link = reverse("portal:member-data", args=[member.pk])
    assert link in focal_client.get(reverse("portal:member-edit", args=[member.pk])).content.decode()
    unlocked = factories.MemberFactory(delegation=delegation)
    page = focal_client.get(reverse("portal:member-edit", args=[unlocked.pk])).content.decode()
    assert reverse("portal:member-data", args=[unlocked.pk]) in page
