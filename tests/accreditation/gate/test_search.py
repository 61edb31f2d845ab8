"""GET /api/gate/search/: a person found by name, with the photo the gate may then show."""

from accreditation import services
from accreditation.badges.short import short_number
from hanoi_summit.core.models import AuditEntry
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory

URL = "/api/gate/search/"


def test_a_name_finds_the_newest_badge_with_status_and_photo(zones, client, gate_user):
    badge = collected_badge(accreditation__member__family_name="Nguyen")
    collected_badge(
        accreditation__member__badge_name="Someone Else", accreditation__member__family_name="Else"
    )
    client.force_login(gate_user)
    (hit,) = client.get(URL, {"q": "thị hương"}).json()["results"]
    assert (hit["number"], hit["short"], hit["name"]) == (
        badge.number,
        short_number(badge.number),
        "Nguyễn Thị Hương",
    )
    assert hit["status"] == "collected" and hit["category_code"] == "DEL"
    assert AuditEntry.objects.filter(action="badge.gate_search", target_id=str(badge.pk)).count() == 1
    # The photo of a person found this way may be shown, as after a scan.
    assert client.get(hit["photo_url"]).status_code == 200
    assert client.get(URL, {"q": "NGUYEN"}).json()["results"][0]["number"] == badge.number


def test_a_reprint_is_found_once_as_its_newest_version(zones, client, gate_user):
    badge = collected_badge()
    services.badge_reprint(badge=badge, actor=StaffUserFactory(role="Protocol officer"), reason="Lost")
    client.force_login(gate_user)
    assert len(client.get(URL, {"q": "Hương"}).json()["results"]) == 1


def test_too_short_a_query_and_no_permission_are_refused(zones, client, gate_user):
    client.force_login(gate_user)
    response = client.get(URL, {"q": " a "})
    assert (response.status_code, response.json()["code"]) == (400, "query_too_short")
    client.force_login(StaffUserFactory(role="Accreditation officer"))
    assert client.get(URL, {"q": "Nguyen"}).status_code == 403


def test_a_photo_not_searched_nor_scanned_stays_hidden(zones, client, gate_user):
    badge = collected_badge()
    client.force_login(gate_user)
    assert client.get(f"/protocol/checkin/photo/{badge.pk}/").status_code == 404
