"""Second factors: who must enrol, what a half-signed-in session reaches, the lock-out, the
secretariat's reset, the focal points' opt-in, and the gate devices' tokens left alone."""

import base64
import time

import pyotp
import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accreditation.badges import codes as badge_codes
from hanoi_summit.core.models import AuditEntry
from hanoi_summit.roles import ALL_ROLES
from hanoi_summit.twofactor import services
from tests import factories
from tests.accreditation.gate.test_scan import collected_badge
from tests.security.test_gate_replay import device_of, post

PASSWORD = "pw-Hanoi-2025"
ENROL = "/account/two-factor/"
VERIFY = "/account/two-factor/verify/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_REQUIRE_2FA = True


def sign_in(username, client=None, address="192.0.2.10"):
    client = client or Client(REMOTE_ADDR=address)
    response = client.post(reverse("portal:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def totp_of(user):
    device = TOTPDevice.objects.get(user=user)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def enrol_totp(client, user):
    client.get(reverse("two_factor:totp"))
    response = client.post(reverse("two_factor:totp"), {"code": totp_of(user).now()})
    assert response.status_code == 200
    return response


def with_totp(user):
    """An account with a confirmed authenticator app and a set of recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = services.recovery_codes_issue(user)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()), codes


def next_code(totp):
    """The code of the next time step: within the tolerance, and never the one just used."""
    return totp.at(time.time() + 30)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_staff_role_is_sent_to_enrol_and_reaches_nothing_else(db, role):
    factories.StaffUserFactory(username="officer", role=role, is_staff=False)
    client = sign_in("officer")

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    for page in ("/dashboard/", "/protocol/", "/accreditation/", "/portal/", "/admin/"):
        assert client.get(page)["Location"].startswith(ENROL), page
    api = client.get("/api/delegations/")
    assert (api.status_code, api.json()["code"]) == (403, "second_factor_required")
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b'id="enrolment-required"' in page.content


def test_enrolling_an_authenticator_app_completes_the_sign_in_and_shows_recovery_codes_once(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    client = sign_in("sec")

    response = enrol_totp(client, user)

    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert all(code.encode() in response.content for code in codes)
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.get("/dashboard/").status_code == 200
    assert AuditEntry.objects.filter(action="user.second_factor_added", target_id=str(user.pk)).exists()


def test_a_wrong_first_code_sets_nothing_up(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    client = sign_in("sec")
    client.get(reverse("two_factor:totp"))
    response = client.post(reverse("two_factor:totp"), {"code": "12345x"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/dashboard/")["Location"].startswith(ENROL)


def test_the_admin_login_leads_to_the_same_second_step(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    totp, _codes = with_totp(user)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "sec", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"code": next_code(totp), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_towards_the_lock_out(settings, db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    totp, _codes = with_totp(user)
    client = sign_in("sec")

    response = client.post(VERIFY, {"code": "000000" if next_code(totp) != "000000" else "111111"})
    assert response.status_code == 200
    assert b"That code is not right." in response.content
    attempt = AccessAttempt.objects.get(username="sec")
    assert attempt.failures_since_start == 1
    assert "000000" not in attempt.post_data and "111111" not in attempt.post_data

    # Signing in again with the password does not wipe the count of wrong codes.
    sign_in("sec", client)
    assert AccessAttempt.objects.get(username="sec").failures_since_start == 1
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert client.post(VERIFY, {"code": "not-it"}).status_code == 200
    locked = client.post(VERIFY, {"code": "not-it"})
    assert locked.status_code == 429
    # Locked out and signed out: the right code, or the password, opens nothing now.
    assert "/login/" in client.get("/dashboard/")["Location"]
    refused = Client(REMOTE_ADDR="192.0.2.10").post(
        reverse("portal:login"), {"username": "sec", "password": PASSWORD}
    )
    assert refused.status_code == 429


def test_the_right_code_forgets_the_failures(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    totp, _codes = with_totp(user)
    client = sign_in("sec")
    client.post(VERIFY, {"code": "not-it"})
    assert client.post(VERIFY, {"code": next_code(totp)}).status_code == 302
    assert not AccessAttempt.objects.filter(username="sec").exists()


def test_a_recovery_code_works_once(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    _totp, codes = with_totp(user)
    client = sign_in("sec")
    assert client.post(VERIFY, {"code": codes[0].upper()})["Location"] == "/"
    assert client.get("/dashboard/").status_code == 200

    again = sign_in("sec")
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert again.get("/dashboard/")["Location"].startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=user).count() == services.RECOVERY_CODE_COUNT - 1


def test_gate_device_tokens_are_not_asked_for_a_second_factor(db):
    factories.ZoneFactory(code="PLN", name="Plenary hall")
    gate = factories.StaffUserFactory(username="gate-1", role="Gate officer", is_staff=False)
    assert not services.policy.has_second_factor(gate)
    response = post(device_of(gate), code=badge_codes.badge_code(collected_badge()), nonce="n-1")
    assert response.status_code == 200
    assert response.json()["result"] == "granted"


def test_the_secretariat_resets_a_lost_factor_audited_and_sees_no_secret(db):
    secretariat = factories.StaffUserFactory(username="sec", role="Secretariat")
    officer = factories.StaffUserFactory(username="officer", role="Accreditation officer")
    with_totp(secretariat)
    totp, codes = with_totp(officer)
    client = Client()
    client.force_login(secretariat)  # an account with a factor still owes it after force_login
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": next_code(totp_of(secretariat))})

    page = client.get(reverse("admin:auth_user_change", args=[officer.pk]))
    assert page.status_code == 200
    assert b"recovery codes left: 10" in page.content
    reset_url = reverse("admin:auth_user_second_factor_reset", args=[officer.pk])
    assert reset_url.encode() in page.content
    secret = TOTPDevice.objects.get(user=officer).key
    assert secret.encode() not in page.content
    assert base64.b32encode(bytes.fromhex(secret)).decode().rstrip("=").encode() not in page.content
    assert not any(code.encode() in page.content for code in codes)
    for listing in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert client.get(listing).status_code == 404

    assert client.get(reset_url).status_code == 200
    response = client.post(reset_url)
    assert response["Location"] == reverse("admin:auth_user_change", args=[officer.pk])

    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    entry = AuditEntry.objects.get(action="user.second_factor_reset")
    assert (entry.actor, entry.target_id) == (secretariat, str(officer.pk))
    assert entry.before == {"authenticator_app": True, "passkeys": 0, "recovery_codes": 10}
    # The officer enrols again at the next sign-in.
    assert sign_in("officer").get("/")["Location"].startswith(ENROL)


def test_only_the_secretariat_may_reset_and_never_its_own(settings, db):
    settings.STAFF_REQUIRE_2FA = False  # the officer is signed in; the reset is the point here
    officer = factories.StaffUserFactory(username="officer", role="Accreditation officer")
    secretariat = factories.StaffUserFactory(username="sec", role="Secretariat")
    with_totp(secretariat)
    client = Client()
    client.force_login(officer)
    assert (
        client.post(reverse("admin:auth_user_second_factor_reset", args=[secretariat.pk])).status_code == 403
    )
    assert TOTPDevice.objects.filter(user=secretariat).exists()
    with pytest.raises(services.DomainError):
        services.second_factor_reset(user=secretariat, actor=secretariat)


def test_a_focal_point_may_turn_it_on_and_then_must_give_it(db, focal_user):
    client = sign_in(focal_user.username)
    assert client.get("/portal/").status_code == 200  # not required of focal points
    assert reverse("two_factor:index").encode() in client.get("/portal/").content

    enrol_totp(client, focal_user)
    again = sign_in(focal_user.username)
    assert again.get("/portal/")["Location"].startswith(VERIFY)
    totp = totp_of(focal_user)
    assert again.post(VERIFY, {"code": next_code(totp), "next": "/portal/"})["Location"] == "/portal/"

    assert again.post(reverse("two_factor:turn-off"))["Location"] == reverse("two_factor:index")
    assert not TOTPDevice.objects.filter(user=focal_user).exists()
    assert sign_in(focal_user.username).get("/portal/").status_code == 200


def test_staff_may_not_turn_it_off(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    client = sign_in("sec")
    enrol_totp(client, user)
    client.post(reverse("two_factor:turn-off"))
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_without_the_requirement_staff_sign_in_with_the_password_alone(settings, db):
    settings.STAFF_REQUIRE_2FA = False
    factories.StaffUserFactory(username="sec", role="Secretariat")
    assert sign_in("sec").get("/dashboard/").status_code == 200


def test_the_demo_says_when_the_requirement_is_off(settings, db):
    settings.STAFF_REQUIRE_2FA = False
    settings.DEBUG = True
    assert b"demo-second-factor-off" in Client().get("/programme/").content
    settings.STAFF_REQUIRE_2FA = True
    assert b"demo-second-factor-off" not in Client().get("/programme/").content


def test_a_passkey_that_does_not_verify_counts_as_a_wrong_code(db):
    user = factories.StaffUserFactory(username="sec", role="Secretariat")
    with_totp(user)
    client = sign_in("sec")
    url = reverse("otp_webauthn:credential-authentication-complete")
    assert url.startswith("/account/two-factor/")

    response = client.post(url, data="{}", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert AccessAttempt.objects.get(username="sec").failures_since_start == 1


def test_passkeys_are_a_second_factor_only(db):
    """Without a password first, the passkey ceremony does not start: no passwordless way
    round the lock-out's count of passwords."""
    response = Client().post(
        reverse("otp_webauthn:credential-authentication-begin"), data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_the_relying_party_is_the_requests_host_unless_set(settings, rf):
    from hanoi_summit.twofactor.webauthn import RelyingPartyHelper, relying_party_id

    request = rf.get("/", HTTP_HOST="localhost:8000")
    assert relying_party_id(request) == "localhost"
    assert RelyingPartyHelper(request).get_allowed_origins() == ["http://localhost:8000"]
    settings.WEBAUTHN_RP_ID = "summit.example.org"
    settings.WEBAUTHN_ORIGINS = ["https://summit.example.org"]
    assert relying_party_id(request) == "summit.example.org"
    assert RelyingPartyHelper(request).get_allowed_origins() == ["https://summit.example.org"]
