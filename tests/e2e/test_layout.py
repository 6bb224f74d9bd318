import re

import pytest

from tests.factories import OrganiserFactory, SessionFactory, ThemeFactory, TrainingFactory

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


FIRST_SCREEN = {"width": 360, "height": 740}


@pytest.fixture
def catalogue():
    """Two trainings with the demo's long names, the first with two sessions (a deadline badge on one)."""
    organiser = OrganiserFactory(name="Maison des Maires d'Indre-et-Loire", short_name="AMIL")
    theme = ThemeFactory(name="Finances locales", slug="finances-locales")
    training = TrainingFactory(
        title="Budget communal niveau confirmé", organiser=organiser, theme=theme, summary="Approfondir le budget. " * 6
    )
    SessionFactory(training=training, days_ahead=12, venue="Maison des Maires, 34 place de la Préfecture")
    SessionFactory(training=training, days_ahead=45)
    SessionFactory(training=TrainingFactory(title="Le fonctionnement du conseil municipal", organiser=organiser))
    return training


def _within_first_screen(locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_on_a_phone_the_search_filters_fold_and_the_first_result_is_on_the_first_screen(
    portal, new_page, catalogue, javascript
):
    page = new_page(javascript=javascript, **FIRST_SCREEN)
    page.goto(portal + "/formations/")
    first_result = page.get_by_role("heading", level=3).first
    assert _within_first_screen(first_result), first_result.bounding_box()
    modality = page.get_by_label("Formation en centre / Formation à distance")
    assert not modality.is_visible()
    if javascript:  # the folded "Filtrer" button is readable too (the portal blue, not Bootstrap's lighter one)
        assert_accessible(page, "recherche-filtres-replies-360")
    page.locator("summary", has_text="Filtrer").click()
    assert modality.is_visible()
    if javascript:
        assert_accessible(page, "recherche-filtres-ouverts-360")
        screenshot(page, "recherche-filtres-ouverts")
    # On a wide screen (with JavaScript) the filters stand open beside the keywords.
    if javascript:
        wide = new_page(width=1280, height=900)
        wide.goto(portal + "/formations/")
        assert wide.get_by_label("Formation en centre / Formation à distance").is_visible()
        assert not wide.locator("summary", has_text="Filtrer").is_visible()


def test_on_a_phone_a_training_page_shows_its_sessions_and_button_on_the_first_screen(portal, new_page, catalogue):
    page = new_page(**FIRST_SCREEN)
    page.goto(portal + catalogue.get_absolute_url())
    button = page.get_by_role("link", name=re.compile("^Créer mon dossier d'inscription")).first
    assert _within_first_screen(button), button.bounding_box()
    assert _within_first_screen(page.get_by_role("heading", level=1))
    screenshot(page, "formation-premier-ecran")
