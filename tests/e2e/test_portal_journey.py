"""The focal point's whole journey in headless Chromium: invitation to submission."""

import pytest

from accreditation.models import Accreditation, AccreditationStatus
from delegations.models import DelegationStatus, Member
from delegations.services import invitation_create
from hanoi_summit.core.models import OutgoingEmail
from tests import factories

MEMBERS = [
    {
        "given": "Thị Hương",
        "family": "Nguyễn",
        "passport": "C1234567",
        "role": "head",
        "email": "huong@mofa.example",
    },
    {
        "given": "Văn Minh",
        "family": "Trần",
        "passport": "C2345678",
        "role": "delegate",
        "email": "minh@mofa.example",
    },
    {"given": "Anna", "family": "Schmidt", "passport": "C3456789", "role": "adviser", "email": ""},
]


def _photo(colour):
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": factories.jpeg_bytes(600, 800, colour)}


@pytest.mark.e2e
def test_focal_point_journey(page, live_server, transactional_db, mailoutbox):
    delegation = factories.StateDelegationFactory(
        country="VN", name="Viet Nam", code="vnm", kind="host_country", status=DelegationStatus.INVITED
    )
    invitation_create(delegation=delegation, email="dao@mofa.example", actor=None, site_url=live_server.url)
    # The link is in the e-mail sent, not in the outbox row staff can read.
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitation/" in line)

    # The invitation: choose a password, land in the portal.
    page.goto(link.strip())
    page.fill("#id_password1", "Hanoi-Convention-2025!")
    page.fill("#id_password2", "Hanoi-Convention-2025!")
    page.click("text=Create my account")
    page.wait_for_selector("#checklist")
    assert "Viet Nam" in page.inner_text("h1")

    # The delegation's details.
    page.click("nav >> text=Delegation")
    page.fill("#id_ministry", "Ministry of Foreign Affairs")
    page.fill("#id_contact_email", "dao@mofa.example")
    page.click("button:has-text('Save')")
    page.wait_for_selector("#checklist [data-step=details] >> text=Done")

    # The note verbale.
    page.click("nav >> text=Documents")
    page.select_option("#id_kind", "note_verbale")
    page.fill("#id_reference", "NV/2025/117")
    page.set_input_files(
        "#id_file", {"name": "nv.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes()}
    )
    page.click("button:has-text('Upload')")
    page.wait_for_selector("#documents >> text=Note verbale")

    # Three members with photos.
    page.click("nav >> text=Members")
    page.click("text=Add the first member")
    for index, person in enumerate(MEMBERS):
        page.fill("#id_given_names", person["given"])
        page.fill("#id_family_name", person["family"])
        page.select_option("#id_role", person["role"])
        page.select_option("#id_gender", "female" if index != 1 else "male")
        page.fill("#id_date_of_birth", "1975-04-30")
        page.select_option("#id_nationality", "VN")
        page.fill("#id_passport_number", person["passport"])
        page.fill("#id_passport_expiry", "2031-12-31")
        page.fill("#id_email", person["email"])
        page.set_input_files("#id_photo", _photo((120 + index * 40, 100, 90)))
        last = index == len(MEMBERS) - 1
        page.click("button[name=save]" if last else "button[name=add_another]")
        if not last:
            # Vietnamese nationality: the name is written family name first.
            page.wait_for_selector(f"text={person['family']} {person['given']} was added")
    page.wait_for_selector("#members")
    assert page.locator("#members tbody tr").count() == 3
    assert "Nguyễn" in page.inner_text("#members")

    # Submit, and see every member's status.
    page.click("nav >> text=Accreditation")
    page.click("#submit-accreditation")
    page.wait_for_selector("text=A confirmation e-mail is on its way")
    assert page.locator("#member-status tr[data-status=submitted]").count() == 3
    assert page.locator("#member-status >> text=Submitted").count() == 3

    assert Accreditation.objects.filter(status=AccreditationStatus.SUBMITTED).count() == 3
    assert all(member.is_locked for member in Member.objects.all())
    confirmation = OutgoingEmail.objects.get(to="dao@mofa.example", dedupe_key__startswith="submission:")
    assert "3 members submitted" in confirmation.subject
    assert "Nguyễn" in confirmation.body_text
    assert OutgoingEmail.objects.filter(to__in=["huong@mofa.example", "minh@mofa.example"]).count() == 2
