import datetime as dt

import pytest
from django.urls import reverse

from sessions import ical
from sessions.models import SessionKind, SessionRoleKind
from tests import factories
from tests.sessions.ical_parse import parse, unfold

pytestmark = pytest.mark.django_db


def _session(**kwargs):
    session = factories.SessionFactory(**kwargs)
    factories.SessionRoleFactory(session=session, role=SessionRoleKind.CHAIR, name="Chair Person")
    factories.SessionRoleFactory(session=session, role=SessionRoleKind.SPEAKER, name="Speaker Person")
    return session


def test_programme_shows_public_sessions_with_chairs_speakers_and_local_times(client):
    shown = _session(
        title="Electronic evidence across borders", theme="Cooperation", starts_at=factories.hanoi_time(1, 14)
    )
    hidden = _session(title="Internal briefing", is_public=False)
    response = client.get(reverse("programme:index"))
    body = response.content.decode()
    assert shown.title in body and "Cooperation" in body
    assert "Chair Person" in body and "Speaker Person" in body
    assert "14:00" in body  # Hanoi time, not UTC (07:00)
    assert "Saturday 25 October 2025" in body
    assert hidden.title not in body


def test_cancelled_sessions_are_struck_through(client):
    _session(title="Dropped roundtable", is_cancelled=True)
    body = client.get(reverse("programme:index")).content.decode()
    assert "<del>Dropped roundtable</del>" in body


def test_filters_by_day_kind_and_room(client):
    day1 = _session(
        title="Day one roundtable", starts_at=factories.hanoi_time(1, 14), ends_at=factories.hanoi_time(1, 15)
    )
    day2 = _session(
        title="Day two dialogue",
        kind=SessionKind.HIGH_LEVEL_DIALOGUE,
        starts_at=factories.hanoi_time(2, 9),
        ends_at=factories.hanoi_time(2, 10),
    )
    url = reverse("programme:index")
    body = client.get(url, {"day": "2025-10-26"}).content.decode()
    assert day2.title in body and day1.title not in body
    body = client.get(url, {"kind": SessionKind.ROUNDTABLE}).content.decode()
    assert day1.title in body and day2.title not in body
    body = client.get(url, {"room": day2.room_id}).content.decode()
    assert day2.title in body and day1.title not in body
    body = client.get(url, {"room": day2.room_id, "view": "room"}).content.decode()
    assert day2.room.name in body and day1.title not in body


def test_bad_filter_is_ignored_with_the_whole_programme_shown(client):
    session = _session()
    response = client.get(reverse("programme:index"), {"day": "not-a-day", "kind": "nonsense"})
    assert response.status_code == 200
    assert session.title in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_programme_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for _ in range(rows):
        _session()
    # rooms for the filter, sessions with room and venue, their roles
    with django_assert_num_queries(3):
        response = client.get(reverse("programme:index"))
    assert response.content.decode().count("data-session=") == rows


def test_ics_has_one_event_per_public_session_with_timezone(client):
    first = _session(
        title="Roundtable; evidence, borders \\ data",
        theme="A theme",
        starts_at=factories.hanoi_time(1, 14),
        ends_at=factories.hanoi_time(1, 15, 15),
    )
    second = _session(
        title="Gala dinner hosted by the President of the Socialist Republic of Viet Nam for heads of delegation",
        kind=SessionKind.GALA_DINNER,
        starts_at=factories.hanoi_time(1, 19),
        ends_at=factories.hanoi_time(1, 21, 30),
    )
    _session(title="Not public", is_public=False)
    response = client.get(reverse("programme:ics"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar, timezones, events = parse(response.content.decode())
    assert calendar["VERSION"][1] == "2.0"
    assert timezones[0]["TZID"][1] == "Asia/Ho_Chi_Minh" and timezones[0]["TZOFFSETTO"][1] == "+0700"
    by_uid = {event["UID"][1]: event for event in events}
    assert set(by_uid) == {f"{first.uid}@hanoi-summit", f"{second.uid}@hanoi-summit"}
    event = by_uid[f"{first.uid}@hanoi-summit"]
    assert event["SUMMARY"][1] == "Roundtable; evidence, borders \\ data"
    assert event["DTSTART"] == ({"TZID": "Asia/Ho_Chi_Minh"}, "20251025T140000")
    assert event["DTEND"] == ({"TZID": "Asia/Ho_Chi_Minh"}, "20251025T151500")
    assert event["LOCATION"][1] == f"{first.room.name}, National Convention Centre"
    assert event["CATEGORIES"][1] == "Roundtable"
    assert by_uid[f"{second.uid}@hanoi-summit"]["SUMMARY"][1] == second.title


def test_ics_uid_is_stable_across_edits(client):
    session = _session()
    uid_before = parse(client.get(reverse("programme:ics")).content.decode())[2][0]["UID"]
    session.title = "Renamed"
    session.starts_at += dt.timedelta(hours=1)
    session.ends_at += dt.timedelta(hours=1)
    session.save()
    assert parse(client.get(reverse("programme:ics")).content.decode())[2][0]["UID"] == uid_before


def test_fold_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "Hội nghị cấp cao về hợp tác quốc tế phòng chống tội phạm mạng " * 3
    folded = ical.fold(line) + "\r\n"
    assert unfold(folded) == [line]
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_speakers_public_page_shows_no_personal_data(client):
    entry = factories.SpeakerRequestFactory()
    body = client.get(reverse("programme:speakers", args=[entry.session.slug])).content.decode()
    assert entry.delegation.name in body and entry.speaker.badge_name in body
    assert entry.speaker.passport_number not in body


def test_signatories_page_counts_signed_only(client):
    factories.SignatureFactory(signed_at=factories.hanoi_time(1, 10, 5), slot_order=1)
    factories.SignatureFactory()
    body = client.get(reverse("programme:signatories")).content.decode()
    assert 'data-count="1"' in body and "1 signatory" in body
