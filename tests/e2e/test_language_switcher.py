"""The language switcher in a real browser: choosing changes nothing until the button is
pressed, then the page comes back in the language chosen."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_switcher_changes_the_language_of_the_page_shown(page):
    page.goto("/programme/?view=room")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Add to calendar (.ics)").is_visible()

    page.select_option("select[name=language]", "fr")
    # Choosing in the list alone changes nothing.
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("#language-switcher button")
    assert page.url.endswith("/programme/?view=room")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Ajouter au calendrier (.ics)").is_visible()
    assert page.locator("select[name=language]").input_value() == "fr"

    page.select_option("select[name=language]", "vi")
    with page.expect_navigation():
        page.click("#language-switcher button")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("link", name="Thêm vào lịch (.ics)").is_visible()
    # The choice sticks: the next page opened is in Vietnamese too.
    page.goto("/portal/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("button", name="Đăng nhập").count() >= 1


def test_browser_language_is_the_first_guess(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/programme/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Ajouter au calendrier (.ics)").is_visible()
    context.close()
