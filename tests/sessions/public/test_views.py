import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from sessions.models import SessionKind, SessionRoleKind
from tests import factories

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


def _events(response):
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


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
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    [timezone] = calendar.walk("VTIMEZONE")
    [standard] = timezone.walk("STANDARD")
    assert timezone["TZID"] == "Asia/Ho_Chi_Minh"
    assert standard.decoded("TZOFFSETTO") == dt.timedelta(hours=7)
    by_uid = {event["UID"]: event for event in calendar.walk("VEVENT")}
    assert set(by_uid) == {f"{first.uid}@hanoi-summit", f"{second.uid}@hanoi-summit"}
    event = by_uid[f"{first.uid}@hanoi-summit"]
    assert event["SUMMARY"] == "Roundtable; evidence, borders \\ data"
    for name, local in (("DTSTART", b"20251025T140000"), ("DTEND", b"20251025T151500")):
        assert event[name].params["TZID"] == "Asia/Ho_Chi_Minh"
        assert event[name].to_ical() == local
    assert event.decoded("DTSTART") == first.starts_at
    assert event["LOCATION"] == f"{first.room.name}, National Convention Centre"
    assert event["CATEGORIES"].cats == ["Roundtable"]
    assert event["DESCRIPTION"] == "A theme"
    assert by_uid[f"{second.uid}@hanoi-summit"]["SUMMARY"] == second.title


def test_ics_marks_cancelled_sessions(client):
    _session(is_cancelled=True)
    [event] = _events(client.get(reverse("programme:ics")))
    assert event["STATUS"] == "CANCELLED"


def test_ics_uid_is_stable_across_edits(client):
    session = _session()
    [before] = _events(client.get(reverse("programme:ics")))
    session.title = "Renamed"
    session.starts_at += dt.timedelta(hours=1)
    session.ends_at += dt.timedelta(hours=1)
    session.save()
    [after] = _events(client.get(reverse("programme:ics")))
    assert after["UID"] == before["UID"] and after["SUMMARY"] == "Renamed"


def test_long_lines_are_folded_without_splitting_a_multibyte_character(client):
    title = "Hội nghị cấp cao về hợp tác quốc tế phòng chống tội phạm mạng " * 3
    _session(title=title)
    body = client.get(reverse("programme:ics")).content
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    # Each physical line decodes on its own: no UTF-8 sequence is cut at a fold.
    for line in lines:
        line.decode("utf-8")
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event["SUMMARY"] == title


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


def _day_of_sessions():
    morning = _session(
        title="Opening", starts_at=factories.hanoi_time(1, 9), ends_at=factories.hanoi_time(1, 10)
    )
    midday = _session(
        title="Roundtable", starts_at=factories.hanoi_time(1, 11), ends_at=factories.hanoi_time(1, 12)
    )
    return morning, midday


def test_a_now_marker_shows_while_the_events_clock_is_inside_the_programme(client, settings):
    morning, midday = _day_of_sessions()
    settings.EVENT_NOW = factories.hanoi_time(1, 9, 30).isoformat()
    body = client.get(reverse("programme:index")).content.decode()
    assert 'id="now"' in body and 'href="#now"' in body
    # Running: marked; the line sits before the next session to start.
    opening = body[body.index(f'data-session="{morning.slug}"') :]
    assert ">Now</span>" in opening[: opening.index("</h3>")]
    assert body.index('id="now"') < body.index(f'data-session="{midday.slug}"')
    assert body.index(f'data-session="{morning.slug}"') < body.index('id="now"')


@pytest.mark.parametrize("moment", [(1, 7), (1, 13), (2, 10)])
def test_no_now_marker_outside_the_programme(client, settings, moment):
    _day_of_sessions()
    settings.EVENT_NOW = factories.hanoi_time(*moment).isoformat()
    body = client.get(reverse("programme:index")).content.decode()
    assert 'id="now"' not in body and ">Now</span>" not in body


def test_the_filters_fold_away_and_stand_open_once_used(client):
    _day_of_sessions()
    body = client.get(reverse("programme:index")).content.decode()
    assert '<details class="hs-filters mb-3" data-hs-open-wide>' in body
    body = client.get(reverse("programme:index"), {"kind": "plenary"}).content.decode()
    assert '<details class="hs-filters mb-3" data-hs-open-wide open>' in body
