"""Each role reads what its work needs: security no passport before the secretariat's
approval, no badge code text without printing badges, no vetting notes without vetting."""

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.models import AccreditationStatus
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db
S = AccreditationStatus
PASSPORT = "VN7654321"


def _client(role, username):
    client = Client()
    client.force_login(factories.StaffUserFactory(role=role, username=username))
    return client


def _accreditation(status, **member):
    member = factories.MemberFactory(passport_number=PASSPORT, with_photo=True, **member)
    return factories.AccreditationFactory(member=member, status=status)


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.REJECTED])
def test_security_does_not_see_a_passport_before_the_secretariat_approves(status):
    acc = _accreditation(status)
    security = _client("Security officer", "security")
    for response in (
        security.get(reverse("review:vetting-detail", args=[acc.pk])),
        security.get(reverse("api-vetting-record", args=[acc.pk])),
        security.post(reverse("review:refuse", args=[acc.pk]), {"note": "x"}),
        security.get(reverse("review:member-photo", args=[acc.member.pk])),
    ):
        assert response.status_code == 404
        assert PASSPORT not in response.content.decode()


@pytest.mark.parametrize("status", [S.APPROVED, S.CLEARED, S.PRINTED, S.REFUSED])
def test_security_still_sees_the_people_it_vets(status):
    acc = _accreditation(status)
    security = _client("Security officer", "security")
    assert PASSPORT in security.get(reverse("review:vetting-detail", args=[acc.pk])).content.decode()
    assert security.get(reverse("api-vetting-record", args=[acc.pk])).json()["member"]["passport_number"]
    assert security.get(reverse("review:member-photo", args=[acc.member.pk])).status_code == 200


def _badge():
    return factories.BadgeFactory(number=424242)


def test_the_badge_code_text_is_for_those_who_print_badges():
    badge = _badge()
    url = reverse("admin:accreditation_badge_change", args=[badge.pk])
    officer = _client("Accreditation officer", "officer").get(url)
    assert officer.status_code == 200
    assert "text of the qr code" not in officer.content.decode().lower()
    protocol = _client("Protocol officer", "protocol").get(url)
    assert "text of the qr code" in protocol.content.decode().lower()


def _vetted():
    acc = _accreditation(S.REFUSED, family_name="Tran")
    acc.vetting_note = "Interpol notice 2024-117"
    acc.save()
    audit_record(actor=None, action="accreditation.refuse", target=acc, note=acc.vetting_note)
    return acc


def test_vetting_notes_are_for_security_only_in_the_admin():
    acc = _vetted()
    url = reverse("admin:accreditation_accreditation_change", args=[acc.pk])
    for role, username in (("Protocol officer", "protocol"), ("Secretariat", "secretariat")):
        response = _client(role, username).get(url)
        assert response.status_code == 200
        assert "Interpol" not in response.content.decode()
    changelist = reverse("admin:accreditation_accreditation_changelist")
    protocol = _client("Protocol officer", "protocol2")
    assert protocol.get(changelist, {"vetting_note__contains": "Interpol"}).status_code == 400


def test_vetting_notes_are_for_security_only_in_the_history():
    acc = _vetted()
    url = reverse("dashboard:history", args=["accreditation.accreditation", acc.pk])
    response = _client("Secretariat", "secretariat").get(url)
    assert response.status_code == 200
    assert "Interpol" not in response.content.decode()


def test_vetting_notes_are_for_security_only_in_the_audit_trail_admin():
    acc = _vetted()
    entry = AuditEntry.objects.get(action="accreditation.refuse", target_id=str(acc.pk))
    secretariat = _client("Secretariat", "secretariat")
    page = secretariat.get(reverse("admin:hanoi_summit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "Interpol" not in page.content.decode()
    changelist = reverse("admin:hanoi_summit_auditentry_changelist")
    searched = secretariat.get(changelist, {"q": "Interpol"})
    assert searched.status_code == 200
    assert str(acc) not in searched.content.decode()
    assert secretariat.get(changelist, {"note__contains": "Interpol"}).status_code == 400
