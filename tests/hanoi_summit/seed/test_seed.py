"""seed_summit: the reference data matches the event's published programme; the demo is rich, correct,
deterministic and idempotent; demo accounts log in."""

import colorsys
import datetime as dt
import hashlib
import re
import uuid
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings

from accreditation.models import Accreditation, AccreditationStatus, Badge, Category, Scan, Zone
from delegations.models import Delegation, DelegationKind, Document, FocalPoint, Member, MemberRole
from hanoi_summit import roles
from hanoi_summit.core.clock import HANOI
from hanoi_summit.seed import demo as demo_module
from hanoi_summit.seed.demo_plan import DemoPlan, plan_demo
from hanoi_summit.seed.loader import load_reference, session_uid
from sessions.models import (
    Booking,
    GalaInvitation,
    Room,
    Session,
    SessionRole,
    Signature,
    SigningBasis,
    SpeakerRequest,
)

DEMO_PASSWORD = "Hanoi-demo-2025!"
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STAFF = {
    "secretariat": "Secretariat",
    "accreditation": "Accreditation officer",
    "security": "Security officer",
    "protocol": "Protocol officer",
    "gate": "Gate officer",
}

# The published programme: (day, start, end, kind, room's zone) for each item but side events.
PROGRAMME = {
    ("2025-10-25", "08:30", "09:00", "welcome", "LBY"),
    ("2025-10-25", "09:00", "10:00", "opening", "PLN"),
    ("2025-10-25", "10:00", "12:00", "signing_ceremony", "SIG"),
    ("2025-10-25", "14:00", "17:30", "plenary", "PLN"),
    ("2025-10-25", "14:00", "15:30", "high_level_dialogue", "MTG"),
    ("2025-10-25", "15:45", "17:15", "high_level_dialogue", "MTG"),
    ("2025-10-25", "14:00", "15:15", "roundtable", "MTG"),
    ("2025-10-25", "15:30", "16:45", "roundtable", "MTG"),
    ("2025-10-25", "17:30", "18:15", "press_conference", "PRS"),
    ("2025-10-25", "19:00", "21:30", "gala_dinner", "BNQ"),
    ("2025-10-25", "08:00", "18:00", "exhibition", "EXH"),
    ("2025-10-26", "09:00", "12:00", "plenary", "PLN"),
    ("2025-10-26", "09:00", "10:30", "high_level_dialogue", "MTG"),
    ("2025-10-26", "10:45", "12:15", "high_level_dialogue", "MTG"),
    ("2025-10-26", "13:30", "14:45", "roundtable", "MTG"),
    ("2025-10-26", "15:00", "16:15", "roundtable", "MTG"),
    ("2025-10-26", "16:30", "17:30", "closing", "PLN"),
    ("2025-10-26", "08:00", "18:00", "exhibition", "EXH"),
}
THEMES = {
    "High-level dialogue 1": "What the Convention means for cooperation",
    "High-level dialogue 2": "Human-rights safeguards",
    "Roundtable 1": "Electronic evidence across borders",
    "Roundtable 2": "Public-private partnership",
    "Roundtable 3": "Combating online scams",
    "Roundtable 4": "Technical assistance",
    "High-level dialogue 3": "Capacity building for developing countries",
    "High-level dialogue 4": "Online fraud and child sexual exploitation",
}


def _local(moment):
    local = moment.astimezone(HANOI)
    return local.date().isoformat(), local.strftime("%H:%M")


def _hue(colour):
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, saturation = colorsys.rgb_to_hls(r, g, b)
    return hue * 360, saturation


def _family(colour):
    hue, saturation = _hue(colour)
    if hue < 15 or hue >= 345:
        return "red"
    if 40 <= hue < 60:
        return "yellow"
    if 90 <= hue < 160:
        return "green"
    if 195 <= hue < 240:
        return "blue"
    return f"other({hue:.0f})"


# --- Reference data --------------------------------------------------------------------
@pytest.fixture
def reference(db):
    call_command("seed_summit", stdout=StringIO())


def test_venue_rooms_and_capacities_follow_the_event(reference):
    rooms = {r.name: r for r in Room.objects.select_related("venue", "zone")}
    assert {r.venue.name for r in rooms.values()} == {"National Convention Centre (NCC)"}
    assert "Thang Long Boulevard" in rooms["Main Hall"].venue.address
    assert rooms["Main Hall"].capacity == 3500
    assert rooms["Banquet Hall"].capacity == 1800
    assert all(400 <= rooms[h].capacity <= 700 for h in ("Hall A", "Hall B", "Hall C"))
    meeting_rooms = [r for name, r in rooms.items() if re.fullmatch(r"Room \d+", name)]
    assert len(meeting_rooms) >= 10
    assert {r.capacity for r in meeting_rooms} == {100}
    zones = {name: r.zone.code for name, r in rooms.items()}
    assert zones["Main Hall"] == "PLN"
    assert zones["Main Hall - Signing Stage"] == "SIG"
    assert zones["Press Centre"] == "PRS"
    assert zones["Exhibition Hall"] == "EXH"
    assert zones["Banquet Hall"] == "BNQ"
    assert zones["Lobby"] == "LBY"
    assert zones["VIP Lounge"] == "VIP"
    assert all(r.zone_id for r in rooms.values())


def test_zones_have_short_unique_codes(reference):
    codes = set(Zone.objects.values_list("code", flat=True))
    assert {"PLN", "SIG", "BIL", "VIP", "PRS", "EXH", "BNQ", "BOF", "MTG", "LBY"} == codes
    assert all(len(code) <= 8 for code in codes)


def test_programme_items_at_their_local_times_in_their_rooms(reference):
    sessions = Session.objects.exclude(kind="side_event").select_related("room__zone")
    seen = {(*_local(s.starts_at), _local(s.ends_at)[1], s.kind, s.room.zone.code) for s in sessions}
    assert seen == PROGRAMME
    assert sessions.count() == len(PROGRAMME)
    # Stored in UTC: 08:30 in Hanoi is 01:30 UTC.
    welcome = Session.objects.get(kind="welcome")
    assert welcome.starts_at.astimezone(dt.UTC).strftime("%H:%M") == "01:30"


def test_themes_titles_and_named_guests(reference):
    themes = dict(Session.objects.filter(title__in=THEMES).values_list("title", "theme"))
    assert themes == THEMES
    opening = Session.objects.get(kind="opening")
    speakers = list(SessionRole.objects.filter(session=opening).values_list("name", "role"))
    assert speakers == [
        ("Luong Cuong", "speaker"),
        ("António Guterres", "speaker"),
        ("Ghada Waly", "speaker"),
    ]
    plenary = Session.objects.get(slug="d1-plenary")
    co_chairs = SessionRole.objects.filter(session=plenary, role="co_chair").order_by("sort_order")
    assert [r.affiliation.split(" of ")[0] for r in co_chairs] == ["Prime Minister", "Secretary-General"]
    assert "20+ booths" in Session.objects.get(slug="d1-exhibition").description


def test_booking_modes_capacities_and_caps(reference):
    for session in Session.objects.all():
        if session.kind in ("high_level_dialogue", "roundtable", "side_event"):
            assert session.booking_mode == "open", session.slug
            assert session.per_delegation_cap == 2
            assert 0 < session.seats <= session.room.capacity
        elif session.kind == "gala_dinner":
            assert session.booking_mode == "invitation"
        else:
            assert session.booking_mode == "none", session.slug


def test_side_events_fill_the_75_minute_grid_of_day_two(reference):
    side_events = list(Session.objects.filter(kind="side_event"))
    assert len(side_events) >= 6
    starts = set()
    for session in side_events:
        day, start = _local(session.starts_at)
        assert day == "2025-10-26"
        assert session.ends_at - session.starts_at == dt.timedelta(minutes=60)
        starts.add(start)
    assert starts == {"09:00", "10:15", "11:30", "12:45", "14:00", "15:15"}
    last_end = max(s.ends_at for s in side_events)
    assert _local(last_end)[1] == "16:15"
    parallel = [s.starts_at for s in side_events].count(side_events[0].starts_at)
    assert parallel >= 3


def test_badge_categories_follow_un_colour_practice(reference):
    categories = {c.code: c for c in Category.objects.prefetch_related("default_zones")}
    families = {code: _family(c.colour) for code, c in categories.items()}
    assert {families[c] for c in ("VIP", "HOD", "DEL", "OBS")} == {"red"}
    assert {families[c] for c in ("UN", "IGO", "NGO")} == {"green"}
    assert {families[c] for c in ("MED", "GST")} == {"yellow"}
    assert {families[c] for c in ("SEC", "STF", "SUP")} == {"blue"}
    # The head of delegation's separate mark: a band text no delegate's badge has.
    assert categories["HOD"].text_colour != categories["DEL"].text_colour
    zones = {code: set(c.default_zones.values_list("code", flat=True)) for code, c in categories.items()}
    assert zones["VIP"] == set(Zone.objects.values_list("code", flat=True))
    assert {"SIG", "VIP"} <= zones["HOD"]
    assert {"SIG", "VIP"}.isdisjoint(zones["DEL"])
    assert {"PRS", "EXH", "PLN"} <= zones["MED"]
    assert "SIG" not in zones["MED"]
    assert zones["SUP"] == {"LBY", "BOF"}


def test_session_uids_are_stable_across_installs(reference):
    opening = Session.objects.get(slug="d1-opening")
    assert opening.uid == session_uid("d1-opening")
    assert opening.uid == uuid.uuid5(uuid.UUID("6f1c1d9e-2b0a-4a53-9a43-7e3b8a1f0c25"), "d1-opening")


def test_reference_rerun_writes_nothing_and_keeps_edits(reference):
    before = list(Session.objects.order_by("slug").values_list("slug", "updated_at"))
    opening = Session.objects.get(slug="d1-opening")
    opening.title = "Opening session (edited by the secretariat)"
    opening.save()
    Room.objects.filter(name="Hall C").update(capacity=450)

    report = load_reference()

    assert not report.created and not report.updated
    assert report.kept == {"sessions": 1, "rooms": 1}
    opening.refresh_from_db()
    assert opening.title == "Opening session (edited by the secretariat)"
    after = dict(Session.objects.values_list("slug", "updated_at"))
    assert all(after[slug] == at for slug, at in before if slug != "d1-opening")
    assert Session.objects.count() == len(before)

    load_reference(reset=True)
    opening.refresh_from_db()
    assert opening.title == "Opening session"
    assert Room.objects.get(name="Hall C").capacity == 400


def test_scale_needs_demo(db):
    with pytest.raises(CommandError):
        call_command("seed_summit", "--scale", "3", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("seed_summit", "--demo", "--scale", "0", stdout=StringIO())


# --- Scale and passwords, on a small slice of the plan (before the module-wide demo) ----
def test_scaled_plan_extends_the_real_one():
    base = plan_demo()
    scaled = plan_demo(scale=2)
    base_members = list(base.members())
    scaled_members = list(scaled.members())
    assert [m.fields["passport_number"] for m in scaled_members[: len(base_members)]] == [
        m.fields["passport_number"] for m in base_members
    ]
    assert len(scaled_members) == 2 * len(base_members)
    codes = [d.code for d in scaled.delegations]
    assert len(codes) == len(set(codes)) == 2 * len(base.delegations)
    passports = [m.fields["passport_number"] for m in scaled_members]
    assert len(passports) == len(set(passports))
    copies = scaled.delegations[len(base.delegations) :]
    assert {d.kind for d in copies} <= {"ngo", "academia", "private_sector", "media"}


def _slice(codes):
    """plan_demo for a few delegations (and, scaled, the first two copies of each round)."""

    def small_plan(*, scale=1):
        full = plan_demo(scale=scale)
        copies = {d.code for d in full.delegations if re.fullmatch(r"[a-z]+-\d+00[01]", d.code)}
        keep = set(codes) | copies
        return DemoPlan(
            delegations=[d for d in full.delegations if d.code in keep],
            bookings=[b for b in full.bookings if b[1] in keep],
            speaker_requests=[r for r in full.speaker_requests if r[1] in keep],
            gala=[g for g in full.gala if g[0] in keep],
        )

    return small_plan


@pytest.fixture
def small_demo(db, monkeypatch, settings):
    settings.DEMO_PASSWORD = ""
    monkeypatch.setattr(demo_module, "plan_demo", _slice(("vnm", "fra", "unodc")))
    load_reference()


def _seed(*args):
    out = StringIO()
    call_command("seed_summit", "--demo", *args, stdout=out)
    return out.getvalue()


def test_generated_password_is_shown_once_and_kept(small_demo):
    first = _seed()
    shown = re.search(r"accounts created now: (\S+)", first).group(1)
    request = RequestFactory().post("/portal/login/")
    assert authenticate(request, username="focal-vnm", password=shown).focal_point.delegation.code == "vnm"
    assert authenticate(request, username="secretariat", password=shown) is not None
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    second = _seed()

    assert shown not in second
    assert "Demo password: unchanged" in second
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_a_new_demo_password_is_given_to_existing_accounts(small_demo, settings):
    settings.DEMO_PASSWORD = "first-Password-1"
    _seed()
    settings.DEMO_PASSWORD = "second-Password-2"

    out = _seed()

    assert "set on 8 existing accounts" in out  # five staff, three focal points
    request = RequestFactory().post("/portal/login/")
    assert authenticate(request, username="focal-fra", password="second-Password-2") is not None
    assert authenticate(request, username="gate", password="first-Password-1") is None


def test_scale_adds_only_the_copies(small_demo, monkeypatch):
    _seed()
    before = set(Delegation.objects.values_list("code", flat=True))

    _seed("--scale", "2")

    added = set(Delegation.objects.values_list("code", flat=True)) - before
    assert added and all(re.fullmatch(r"[a-z]+-2\d{3}", code) for code in added)
    assert (
        set(Member.objects.filter(delegation__code__in=before).values_list("delegation__code", flat=True))
        == before
    )
    assert Member.objects.filter(delegation__code__in=added).count() > 0
    assert FocalPoint.objects.filter(delegation__code__in=added).count() == len(added)


def test_a_state_already_present_under_another_code_is_left_alone(small_demo):
    Delegation.objects.create(kind="member_state", country="FR", name="France", code="france")

    _seed()

    assert not Delegation.objects.filter(code="fra").exists()
    assert not Member.objects.filter(delegation__code="france").exists()
    assert Delegation.objects.filter(code="vnm").exists()


def test_the_demo_on_a_fresh_machine_makes_the_signing_key_before_its_printed_badges(
    small_demo, settings, tmp_path
):
    # Above the module's full demo (below), whose printed badges would already be there.
    from accreditation.badges import codes, keys
    from accreditation.models import Badge

    settings.BADGE_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    keys._cache.clear()
    try:
        _seed()
        assert keys.development_key_path().exists()
        badge = Badge.objects.filter(printed_at__isnull=False).first()
        keys._cache.clear()  # as a new process would
        assert codes.decode(codes.badge_code(badge)).number == badge.number
    finally:
        keys._cache.clear()


# --- The demo, seeded once for the module ----------------------------------------------
@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The full demo, loaded once in a transaction rolled back after the module's tests."""
    storage = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("private")), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_PASSWORD=DEMO_PASSWORD, PASSWORD_HASHERS=MD5, STORAGES=storage),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_summit", "--demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    return demo_output


def _digest(queryset, *fields):
    return hashlib.sha256(repr(list(queryset.values_list(*fields))).encode()).hexdigest()


def _snapshot():
    User = get_user_model()
    models = [
        Delegation, FocalPoint, Member, Document, Accreditation, Accreditation.zones.through, Badge, Scan, Booking,
        SpeakerRequest, GalaInvitation, Signature, Session, Room, Zone, Category, User,
    ]  # fmt: skip
    return {
        "counts": {m._meta.label: m.objects.count() for m in models},
        "delegations": _digest(
            Delegation.objects.order_by("code"), "code", "name", "kind", "status", "badge_quota", "updated_at"
        ),
        "members": _digest(
            Member.objects.order_by("passport_hash"),
            "passport_number",
            "family_name",
            "given_names",
            "role",
            "protocol_rank",
            "photo",
            "updated_at",
        ),  # fmt: skip
        "accreditations": _digest(
            Accreditation.objects.order_by("member__passport_number"),
            "member__passport_number",
            "status",
            "category__code",
            "reviewed_by__username",
            "updated_at",
        ),  # fmt: skip
        "badges": _digest(
            Badge.objects.order_by("number", "version"),
            "number",
            "version",
            "zone_codes",
            "revoked_at",
            "issued_at",
        ),
        "users": _digest(User.objects.order_by("username"), "username", "password", "is_staff", "email"),
        "sessions": _digest(Session.objects.order_by("slug"), "slug", "uid", "starts_at", "updated_at"),
        "signatures": _digest(
            Signature.objects.order_by("slot_order", "delegation__code"),
            "delegation__code",
            "slot_order",
            "signed_at",
        ),  # fmt: skip
    }


def test_demo_has_the_event_size(demo):
    states = Delegation.objects.filter(kind__in=["host_country", "member_state", "observer_state"])
    organisations = Delegation.objects.exclude(pk__in=states)
    assert 100 <= states.count() <= 120
    assert 140 <= organisations.count() <= 160
    assert 2300 <= Member.objects.count() <= 2700
    assert Member.objects.count() == Accreditation.objects.count()
    assert states.filter(kind="observer_state").exists()
    assert set(Delegation.objects.values_list("status", flat=True)) == {
        "invited", "registered", "confirmed", "withdrawn",
    }  # fmt: skip
    assert Delegation.objects.filter(status="confirmed").count() > Delegation.objects.count() / 2


def test_viet_nam_is_the_host_and_codes_follow_iso_and_acronyms(demo):
    host = Delegation.objects.get(kind=DelegationKind.HOST_COUNTRY)
    assert (host.code, host.country.code, host.name) == ("vnm", "VN", "Viet Nam")
    france = Delegation.objects.get(code="fra")
    assert (france.kind, france.country.code) == ("member_state", "FR")
    eu = Delegation.objects.get(acronym="EU")
    assert (eu.kind, eu.code) == ("reio", "eu")
    for code, kind in [("unodc", "un_entity"), ("interpol", "igo"), ("asean", "igo"), ("coe", "igo")]:
        assert Delegation.objects.get(code=code).kind == kind
    for kind in ("ngo", "private_sector", "academia", "media"):
        assert Delegation.objects.filter(kind=kind).count() >= 10
    assert not Delegation.objects.filter(kind__in=["host_country", "member_state"], country="").exists()


def test_members_are_plausible_people(demo):
    host_names = set(Member.objects.filter(delegation__code="vnm").values_list("badge_name", flat=True))
    assert any(re.search(r"[ễịươạảấầậắằẳẵặẹẻẽếềểệỉọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ]", n) for n in host_names)
    assert any(n.split()[1] == "Thị" for n in host_names)
    members = Member.objects.all()
    assert members.filter(passport_number="").count() == 0
    assert members.values("passport_hash").distinct().count() == members.count()
    assert set(members.values_list("language", flat=True)) == {"en", "fr", "vi"}
    assert set(members.values_list("gender", flat=True)) == {"female", "male"}
    assert not members.filter(date_of_birth__isnull=True).exists()
    assert not members.filter(email="").exists()
    assert all(e.endswith(".example") for e in members.values_list("email", flat=True))
    assert members.filter(protocol_rank__lte=20).exists()  # heads of State or Government
    assert members.filter(photo="").exists() and members.exclude(photo="").count() > 2000
    assert set(members.values_list("role", flat=True)) == set(MemberRole.values)
    # One head per delegation that has members.
    with_members = Delegation.objects.filter(members__isnull=False).distinct().count()
    assert members.filter(role="head").count() == with_members


def test_every_accreditation_status_appears_with_consistent_details(demo):
    counts = {s: Accreditation.objects.filter(status=s).count() for s in AccreditationStatus.values}
    assert all(counts.values()), counts
    decided = ["approved", "cleared", "refused", "badge_issued", "printed", "collected", "revoked"]
    assert not Accreditation.objects.filter(status__in=decided, category__isnull=True).exists()
    assert not Accreditation.objects.exclude(status__in=decided).filter(category__isnull=False).exists()
    assert not Accreditation.objects.filter(status__in=decided, zones__isnull=True).exists()
    assert set(
        Accreditation.objects.filter(status__in=decided).values_list("reviewed_by__username", flat=True)
    ) == {"accreditation"}
    vetted = Accreditation.objects.filter(status__in=["cleared", "refused", "collected"])
    assert set(vetted.values_list("vetted_by__username", flat=True)) == {"security"}
    assert not Accreditation.objects.filter(status="returned", decision_reason="").exists()
    assert not Accreditation.objects.exclude(status="draft").filter(submitted_at__isnull=True).exists()
    assert set(Accreditation.objects.filter(member__role="driver", category__isnull=False).values_list(
        "category__code", flat=True)) == {"SUP"}  # fmt: skip


def test_badges_follow_the_accreditation_status(demo):
    with_badge = ["badge_issued", "printed", "collected", "revoked"]
    assert not Accreditation.objects.filter(status__in=with_badge, badges__isnull=True).exists()
    assert not Badge.objects.exclude(accreditation__status__in=with_badge).exists()
    numbers = list(Badge.objects.filter(version=1).order_by("number").values_list("number", flat=True))
    assert numbers[0] == 100001
    assert len(numbers) == len(set(numbers))
    valid = Badge.objects.filter(revoked_at__isnull=True)
    assert not valid.filter(accreditation__status="revoked").exists()
    assert not valid.filter(
        accreditation__status__in=["printed", "collected"], printed_at__isnull=True
    ).exists()
    assert not valid.filter(accreditation__status="collected", collected_at__isnull=True).exists()
    assert not valid.filter(accreditation__status="badge_issued", printed_at__isnull=False).exists()
    reprinted = Badge.objects.filter(version=2)
    assert reprinted.exists()
    assert Badge.objects.filter(
        number__in=reprinted.values("number"), version=1, revoked_at__isnull=False
    ).count() == (reprinted.count())
    badge = (
        valid.filter(accreditation__status="collected").select_related("accreditation", "category").first()
    )
    assert badge.zone_codes.split() == list(badge.accreditation.zones.values_list("code", flat=True))
    assert (badge.valid_from, badge.valid_until) == (dt.date(2025, 10, 25), dt.date(2025, 10, 26))
    # Planned times, not the wall clock: between the first submissions and the first day.
    issued = {b.issued_at.astimezone(HANOI).date() for b in Badge.objects.all()}
    assert dt.date(2025, 9, 15) <= min(issued) and max(issued) <= dt.date(2025, 10, 25)


def test_programme_activity_respects_the_rules(demo):
    for session in Session.objects.filter(booking_mode="open"):
        confirmed = session.bookings.filter(status="confirmed")
        assert confirmed.count() <= session.seats
        if session.bookings.filter(status="waitlisted").exists():
            assert confirmed.count() == session.seats
        per_delegation = {}
        for delegation_id in session.bookings.filter(status__in=["confirmed", "waitlisted"]).values_list(
            "member__delegation", flat=True
        ):
            per_delegation[delegation_id] = per_delegation.get(delegation_id, 0) + 1
        assert max(per_delegation.values(), default=0) <= session.per_delegation_cap
    assert Booking.objects.filter(status="waitlisted").exists()
    assert SpeakerRequest.objects.filter(session__slug="d1-plenary").count() >= 40
    assert not SpeakerRequest.objects.exclude(speaker__role="head").exists()
    assert GalaInvitation.objects.filter(status="accepted").exists()
    assert not GalaInvitation.objects.exclude(member__role="head").exists()
    assert Scan.objects.filter(result="granted").exists() and Scan.objects.filter(result="denied").exists()
    day_one = dt.date(2025, 10, 25)
    assert {s.scanned_at.astimezone(HANOI).date() for s in Scan.objects.all()} == {day_one}


def test_signatures_host_first_and_only_verified_powers_get_a_slot(demo):
    signatures = Signature.objects.select_related("delegation", "signatory")
    assert 70 <= signatures.count() <= 80
    assert signatures.get(slot_order=1).delegation.code == "vnm"
    assert signatures.filter(delegation__code="eu").exists()
    assert not signatures.exclude(signatory__role="head").exists()
    assert set(signatures.values_list("basis", flat=True)) == set(SigningBasis.values)
    slotted_powers = signatures.filter(basis="full_powers", slot_order__isnull=False)
    assert set(slotted_powers.values_list("full_powers_status", flat=True)) == {"verified"}
    assert not signatures.filter(
        basis="full_powers", full_powers_status="awaited", full_powers__isnull=False
    ).exists()
    assert not signatures.filter(
        basis="full_powers", full_powers_status="verified", full_powers__isnull=True
    ).exists()
    signed = signatures.filter(signed_at__isnull=False)
    assert signed.exists() and signed.count() < signatures.count()


def test_staff_accounts_are_in_their_groups_and_log_in(demo):
    request = RequestFactory().post("/admin/login/")
    for username, group in STAFF.items():
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        # Staff status (the admin) only for the roles that work there; security and gate have
        # their own pages.
        assert user.is_staff == (group in roles.ADMIN_ROLES) and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]


def test_focal_points_log_in_with_the_demo_password(demo):
    request = RequestFactory().post("/portal/login/")
    for code in ("vnm", "fra", "unodc"):
        user = authenticate(request, username=f"focal-{code}", password=DEMO_PASSWORD)
        assert user is not None
        assert user.focal_point.delegation.code == code
        assert not user.is_staff
    assert authenticate(request, username="focal-fra", password="wrong") is None
    assert FocalPoint.objects.count() == Delegation.objects.count()


def test_the_output_lists_the_demo_logins(demo):
    for username in [*STAFF, "focal-vnm", "focal-fra", "focal-unodc", "focal-<code>"]:
        assert username in demo
    assert "DEMO_PASSWORD" in demo
    assert DEMO_PASSWORD not in demo


def test_rerun_changes_nothing(demo):
    before = _snapshot()
    out = StringIO()
    call_command("seed_summit", "--demo", stdout=out)
    assert _snapshot() == before
    assert "nothing to add" in out.getvalue()


def test_demo_rows_are_the_deterministic_plan(demo):
    plan = plan_demo()
    again = plan_demo()
    planned = [(m.fields["passport_number"], m.fields["badge_name"], m.status) for m in plan.members()]
    assert planned == [
        (m.fields["passport_number"], m.fields["badge_name"], m.status) for m in again.members()
    ]
    stored = set(Member.objects.values_list("passport_number", "badge_name", "accreditation__status"))
    assert stored == set(planned)


def test_demo_categories_are_the_rules_suggestions(demo):
    from accreditation.rules import suggest_category_code

    rows = Accreditation.objects.filter(category__isnull=False).values_list(
        "member__delegation__kind", "member__protocol_rank", "member__role", "category__code"
    )
    expected = {"VIP", "HOD", "DEL", "UN", "IGO", "NGO", "GST", "MED", "SEC", "STF", "SUP"}
    assert {code for *_, code in rows} >= expected
    for kind, rank, role, code in rows:
        if code == "STF":
            assert kind == "host_country"  # the organisers' staff
        else:
            assert code == suggest_category_code(kind=kind, rank=rank, role=role)


def test_delegations_that_submitted_sent_their_nomination(demo):
    submitted = Delegation.objects.filter(members__accreditation__submitted_at__isnull=False).distinct()
    nominations = Document.objects.filter(kind__in=["note_verbale", "letter_of_nomination"])
    assert set(nominations.values_list("delegation", flat=True)) == set(
        submitted.values_list("pk", flat=True)
    )
    assert set(nominations.filter(delegation__country="").values_list("kind", flat=True)) == {
        "letter_of_nomination"
    }
    france = nominations.get(delegation__code="fra")
    assert france.kind == "note_verbale"
    assert france.uploaded_by.username == "focal-fra"
    sent = Accreditation.objects.filter(member__delegation__code="fra", submitted_at__isnull=False)
    first = sent.order_by("submitted_at").first()
    assert france.uploaded_at < first.submitted_at
