"""Second factors in headless Chromium: an authenticator app (codes computed with pyotp), a
passkey on Chromium's virtual authenticator, recovery codes, and a wrong code's lock-out count.

WebAuthn needs a secure context and a relying party ID that is a domain: http://localhost is
both, an IP address is neither. The browser therefore opens the live server as localhost.
"""

import re
import time

import pyotp
import pytest
from axes.models import AccessAttempt

from tests import factories
from tests.security.e2e.test_csp_in_the_browser import RECORD_VIOLATIONS

PASSWORD = "pw-Hanoi-2025"


@pytest.fixture
def localhost_page(browser, live_server, settings):
    settings.STAFF_REQUIRE_2FA = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    context = browser.new_context(base_url=live_server.url.replace("127.0.0.1", "localhost"), locale="en-GB")
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page):
    page.goto("/portal/login/")
    page.fill("#id_username", "sec")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def sign_out(page):
    page.click("nav button:has-text('Log out')")
    page.wait_for_url(re.compile(r"/portal/login/"))


def no_violations(page):
    """The page's scripts (the passkey ones included) run under the Content-Security-Policy."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == [], page.url


def give_code(page, code):
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    page.fill("#id_code", code)
    page.click("main button:has-text('Verify')")


@pytest.mark.e2e
def test_staff_enrol_an_app_and_a_passkey_and_sign_in_with_each(localhost_page, transactional_db):
    page = localhost_page
    factories.StaffUserFactory(username="sec", role="Secretariat")

    # First sign-in: the password, then nothing but enrolment.
    sign_in(page)
    page.wait_for_selector("#enrolment-required")
    page.goto("/dashboard/")
    page.wait_for_selector("#enrolment-required")
    no_violations(page)

    # The authenticator app: its key from the page, its first code computed here.
    page.click("#set-up-totp")
    page.wait_for_selector("#totp-secret")
    no_violations(page)
    totp = pyotp.TOTP(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#id_code", totp.now())
    page.click("main button:has-text('Confirm')")
    page.wait_for_selector("#recovery-codes")
    recovery = page.locator("#recovery-codes li").all_inner_texts()
    assert len(recovery) == 10
    page.click("#continue")
    page.wait_for_url(re.compile(r"/dashboard/"))

    # A passkey, on Chromium's virtual authenticator.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto("/account/two-factor/")
    page.click("#passkey-register-button")
    page.wait_for_selector("#passkeys li")
    assert page.locator("#passkeys li").count() == 1
    no_violations(page)

    # Password and code; a wrong code first, refused and counted towards the lock-out.
    sign_out(page)
    sign_in(page)
    wrong = "000000" if "000000" not in {totp.at(time.time() + d) for d in (-30, 0, 30, 60)} else "999999"
    give_code(page, wrong)
    page.wait_for_selector("text=That code is not right.")
    assert AccessAttempt.objects.get(username="sec").failures_since_start == 1
    # The next time step's code: never the one the enrolment used.
    give_code(page, totp.at(time.time() + 30))
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert not AccessAttempt.objects.filter(username="sec").exists()

    # Password and passkey.
    sign_out(page)
    sign_in(page)
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    no_violations(page)
    page.click("#passkey-verification-button")
    page.wait_for_url(re.compile(r"/dashboard/"))

    # A recovery code works once.
    sign_out(page)
    sign_in(page)
    give_code(page, recovery[0])
    page.wait_for_url(re.compile(r"/dashboard/"))
    sign_out(page)
    sign_in(page)
    give_code(page, recovery[0])
    page.wait_for_selector("text=That code is not right.")
    page.goto("/dashboard/")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
