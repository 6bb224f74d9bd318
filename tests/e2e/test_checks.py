"""The checks the journeys rely on catch what they claim to catch (no live server needed)."""

import pytest

from .actors import Keyboard
from .conftest import assert_accessible, assert_no_horizontal_scroll

PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Essai</title>
<style>:focus-visible {{ outline: 3px solid #0a76f6; }} {style}</style></head>
<body><main><h1>Essai</h1>{body}</main></body></html>"""


def test_axe_reports_a_violation(page):
    page.set_content(PAGE.format(style="", body='<input type="text" id="sans-etiquette">'))
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page, "essai")


@pytest.mark.parametrize(
    "body, rule",
    [
        (
            '<label for="rue">Adresse</label><input type="text" id="rue" autocomplete="street-address">',
            "valid-autocomplete",
        ),
        ('<h2>Étapes</h2><ol aria-label="Étapes"><li>Une</li></ol>', "aria-label-misuse"),
    ],
)
def test_html_validate_reports_what_axe_lets_through(page, body, rule):
    page.set_content(PAGE.format(style="", body=body))
    from axe_playwright_python.sync_playwright import Axe

    assert not Axe().run(page).response["violations"]  # axe alone finds nothing here
    with pytest.raises(pytest.fail.Exception, match=rule):
        assert_accessible(page, "essai")


def test_a_page_wider_than_a_phone_is_reported(phone_page):
    phone_page.set_content(PAGE.format(style=".large { width: 400px; }", body='<div class="large">large</div>'))
    with pytest.raises(pytest.fail.Exception, match=r"scrolls horizontally by \d+px at 360px: \[.div\.large"):
        assert_no_horizontal_scroll(phone_page)


def test_keyboard_reaches_a_button_and_sees_its_focus(page):
    page.set_content(PAGE.format(style="", body='<a href="#">Lien</a> <button type="button">Bouton</button>'))
    keyboard = Keyboard(page)
    keyboard.tab_to(page.get_by_role("button", name="Bouton"))
    assert keyboard.stops == 2


def test_keyboard_reports_an_invisible_focus(page):
    page.set_content(
        PAGE.format(style="a:focus-visible { outline: none; }", body='<a href="#">Lien</a> <button>Bouton</button>')
    )
    with pytest.raises(AssertionError, match="no visible focus"):
        Keyboard(page).tab_to(page.get_by_role("button", name="Bouton"))


def test_keyboard_reports_a_trap(page):
    trap = '<input id="piege" aria-label="Piège"><button>Bouton</button>'
    page.set_content(PAGE.format(style="", body=trap))
    page.evaluate(
        """() => document.getElementById('piege').addEventListener('keydown', (event) => {
            if (event.key === 'Tab') { event.preventDefault(); }
        })"""
    )
    with pytest.raises(AssertionError, match="focus stuck"):
        Keyboard(page).tab_to(page.get_by_role("button", name="Bouton"))
