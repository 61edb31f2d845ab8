import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delegations import services
from delegations.errors import DelegationError
from delegations.models import Member, MemberRole
from delegations.services import members as member_services
from hanoi_summit.core.models import AuditEntry
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = pytest.mark.django_db

SITE = "https://summit.example"


def _data(**overrides):
    data = member_data(**overrides)
    for key in ("date_of_birth", "passport_expiry"):
        if isinstance(data[key], str):
            data[key] = dt.date.fromisoformat(data[key])
    data["arrival"] = data["departure"] = None
    return data


def _photo(width=600, height=800):
    return SimpleUploadedFile("p.jpg", factories.jpeg_bytes(width, height), content_type="image/jpeg")


@pytest.mark.parametrize(
    ("given", "family"),
    [("Thị Hương", "Nguyễn"), ("محمد", "العتيبي"), ("伟", "王")],
)
def test_member_names_in_any_script_are_kept(delegation, focal_user, given, family):
    member = services.member_create(
        delegation=delegation,
        actor=focal_user,
        data=_data(given_names=given, family_name=family),
        photo=_photo(),
    )
    member.refresh_from_db()
    assert member.family_name == family
    assert member.badge_name == f"{given} {family}"
    assert member.photo.name.startswith(f"photos/{delegation.pk}/")
    assert AuditEntry.objects.filter(action="member.create", target_id=str(member.pk)).exists()


def test_a_300_character_name_is_refused_and_nothing_saved(delegation, focal_user):
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=_data(family_name="N" * 300))
    assert refused.value.field == "family_name"
    assert "120" in refused.value.message
    assert not Member.objects.exists()


def test_quota_holds(delegation, focal_user):
    factories.MemberFactory.create_batch(delegation.badge_quota, delegation=delegation)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=_data())
    assert refused.value.code == "quota_exceeded"
    assert Member.objects.filter(delegation=delegation).count() == delegation.badge_quota


def test_same_passport_twice_in_the_event_is_refused_whatever_the_spacing(delegation, focal_user):
    factories.MemberFactory(passport_number="AK1234567")  # in another delegation
    with pytest.raises(DelegationError) as refused:
        services.member_create(
            delegation=delegation, actor=focal_user, data=_data(passport_number="ak 123 4567")
        )
    assert refused.value.code == "duplicate_passport"
    assert not Member.objects.filter(delegation=delegation).exists()


def test_passport_expired_or_expiring_before_the_event_ends_is_refused(delegation, focal_user):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=_data(passport_expiry=yesterday))
    assert refused.value.code == "passport_expired"
    assert not Member.objects.exists()


def test_only_one_head_of_delegation(delegation, focal_user):
    factories.MemberFactory(delegation=delegation, role=MemberRole.HEAD)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=_data(role="head"))
    assert refused.value.code == "duplicate_head"


def test_departure_before_arrival_is_refused(delegation, focal_user):
    data = _data()
    data["arrival"] = factories.hanoi_time(1, 10)
    data["departure"] = factories.hanoi_time(0, 10)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=data)
    assert refused.value.field == "departure"


def test_travel_dates_far_from_the_event_are_refused(delegation, focal_user):
    """A year 23 arrival: a typing error, and in Hanoi's zone a time whose local-mean-time
    offset in seconds (+07:06:30) the API's clients cannot parse (found by tests/test_api_contract.py)."""
    data = _data()
    data["arrival"] = dt.datetime(23, 2, 1, 6, 0, tzinfo=dt.UTC)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=data)
    assert (refused.value.code, refused.value.field) == ("invalid_dates", "arrival")
    data["arrival"] = factories.hanoi_time(-3, 10)
    data["departure"] = data["arrival"] + dt.timedelta(days=400)
    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=data)
    assert refused.value.field == "departure"


def test_a_bad_photo_leaves_the_member_unsaved(delegation, focal_user):
    with pytest.raises(DelegationError):
        services.member_create(delegation=delegation, actor=focal_user, data=_data(), photo=_photo(800, 600))
    assert not Member.objects.exists()


def test_locked_member_cannot_be_changed_or_removed(delegation, focal_user):
    member = factories.MemberFactory(delegation=delegation, is_locked=True, family_name="Kept")
    with pytest.raises(DelegationError) as refused:
        services.member_update(member=member, actor=focal_user, data={"family_name": "Changed"})
    assert refused.value.code == "member_locked"
    with pytest.raises(DelegationError):
        services.member_delete(member=member, actor=focal_user)
    member.refresh_from_db()
    assert member.family_name == "Kept"


def test_update_replaces_the_photo_and_audits_without_passport_in_clear(delegation, focal_user):
    member = factories.MemberFactory(delegation=delegation)
    old_name = member.photo.name
    services.member_update(member=member, actor=focal_user, data={"passport_number": "ZZ999"}, photo=_photo())
    member.refresh_from_db()
    assert member.photo.name != old_name
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.after["passport_number"] == "•••• 99"
    assert "ZZ999" not in str(entry.before) + str(entry.after)


def test_passport_expiry_is_passport_data_in_the_audit_trail_too(delegation, focal_user):
    import datetime as dt

    member = factories.MemberFactory(delegation=delegation)
    services.member_update(member=member, actor=focal_user, data={"passport_expiry": dt.date(2031, 7, 9)})
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.after["passport_expiry"] == "••••"
    assert "2031" not in str(entry.before) + str(entry.after)


def test_a_lost_race_on_the_passport_is_a_clear_refusal_and_leaves_no_file(
    delegation, focal_user, monkeypatch
):
    # Another request inserted the same passport between our check and our insert.
    factories.MemberFactory(passport_number="AK1234567")
    # The public seam: the rules' check, which reads the database before the INSERT.
    monkeypatch.setattr(member_services, "member_rules_check", lambda **kwargs: None)
    from django.core.files.storage import default_storage

    with pytest.raises(DelegationError) as refused:
        services.member_create(delegation=delegation, actor=focal_user, data=_data(), photo=_photo())
    assert refused.value.code == "conflict"
    assert not Member.objects.filter(delegation=delegation).exists()
    _, files = default_storage.listdir(f"photos/{delegation.pk}")
    assert files == []
