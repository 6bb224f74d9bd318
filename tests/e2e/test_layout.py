import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_is_accessible_and_fits_a_phone(live_server, page, phone_page):
    for p in (page, phone_page):
        p.goto(live_server.url + "/")
        assert p.get_by_role("heading", level=1).inner_text().startswith("Financer")
        assert_accessible(p, "accueil")
        assert_no_horizontal_scroll(p)
        screenshot(p, "accueil")


def test_skip_link_is_the_first_keyboard_stop_and_moves_focus_to_the_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
