"""Journey 4: each step of "Créer mon compte" sent empty, then half-filled.

Every time: the error summary at the top, each error linked to its field and shown next to it
(aria-invalid, aria-describedby), zero axe violations in the error state, and what was typed kept.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import check_page, field

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Formation-Elus-2026!"
CGU = "J'ai lu et j'accepte les conditions générales d'utilisation"


class Option(str):
    """A choice in a list (a plain string is typed, True ticks a box)."""


# For each step: the fields an empty submission must flag, then a half-filled try (what is typed,
# and the one field left wrong or empty), then what completes the step.
STEPS = [
    {
        "title": "Votre identité",
        "required": ["Nom de naissance", "Prénoms", "Date de naissance", "Commune ou pays de naissance"],
        "typed": {"Nom de naissance": "Lefort", "Nom d'usage (facultatif)": "Martin", "Prénoms": "Jeanne Alice"},
        "still_wrong": ["Date de naissance", "Commune ou pays de naissance"],
        "complete": {"Date de naissance": "1975-09-21", "Commune ou pays de naissance": "Loches"},
    },
    {
        "title": "Votre contact",
        "required": ["Téléphone mobile", "Adresse mail personnelle"],
        "typed": {"Téléphone mobile": "06 11 22 33 44", "Adresse mail personnelle": "jeanne.lefort@"},
        "still_wrong": ["Adresse mail personnelle"],
        "complete": {"Adresse mail personnelle": "jeanne.lefort@example.fr"},
    },
    {
        "title": "Votre adresse de domicile",
        "required": ["Nom de la voie", "Code postal", "Ville"],
        "typed": {"Numéro de voie (facultatif)": "3", "Nom de la voie": "des Lilas", "Code postal": "37600"},
        "still_wrong": ["Ville"],
        "complete": {"Ville": "Loches"},
    },
    {
        "title": "Votre mot de passe",
        "required": ["Mot de passe", "Confirmez votre mot de passe", CGU],
        "typed": {
            "Mot de passe": PASSWORD,
            "Confirmez votre mot de passe": "Formation-Elus-2025!",
            CGU: True,
        },
        "still_wrong": ["Confirmez votre mot de passe"],
        "complete": {"Mot de passe": PASSWORD, "Confirmez votre mot de passe": PASSWORD},
    },
]


def error_summary(page):
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name=re.compile("^Le formulaire contient")))


def assert_errors_shown(page, labels):
    """The summary lists exactly `labels`, each linked to its field, which says the same next to it."""
    summary = error_summary(page)
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(labels))
    for label in labels:
        link = links.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*:"))
        expect(link).to_have_count(1)
        message = link.inner_text().split(":", 1)[1].strip()
        target = page.locator(link.get_attribute("href"))
        expect(target).to_have_attribute("aria-invalid", "true")
        described = target.evaluate(
            """(el) => (el.getAttribute('aria-describedby') || '').split(/\\s+/)
                .map((id) => document.getElementById(id)).filter(Boolean).map((n) => n.textContent).join(' ')"""
        )
        assert message in " ".join(described.split()), f"{label}: {message!r} not next to the field ({described!r})"


def fill(page, values):
    for label, value in values.items():
        if value is True:
            field(page, label).check()
        elif isinstance(value, Option):
            field(page, label).select_option(label=value)
        else:
            field(page, label).fill(value)


def assert_kept(page, values):
    for label, value in values.items():
        if label.startswith(("Mot de passe", "Confirmez")):
            continue  # a password is never sent back to the browser (the page says so)
        if value is True:
            expect(field(page, label)).to_be_checked()
        elif isinstance(value, Option):
            expect(field(page, label).locator("option:checked")).to_have_text(value)
        else:
            expect(field(page, label)).to_have_value(value)


def test_each_signup_step_sent_empty_then_half_filled(portal, page):
    page.goto(f"{portal}/compte/inscription/")
    for number, step in enumerate(STEPS, start=1):
        expect(page.get_by_role("heading", level=2, name=step["title"])).to_be_visible()

        # Sent empty: the summary, focused by the script so that a screen reader reads it first.
        page.get_by_role("button", name="Continuer").click()
        assert_errors_shown(page, step["required"])
        expect(error_summary(page)).to_be_focused()
        expect(page).to_have_title(re.compile("^Erreur : "))
        check_page(page, f"j4-etape{number}-vide")

        # A link of the summary takes the keyboard to its field.
        error_summary(page).get_by_role("link").first.click()
        expect(field(page, step["required"][0])).to_be_focused()

        # Half-filled: only what is still wrong is flagged, and everything typed is still there.
        fill(page, step["typed"])
        page.get_by_role("button", name="Continuer").click()
        assert_errors_shown(page, step["still_wrong"])
        assert_kept(page, step["typed"])
        if number == 4:
            expect(page.get_by_text("le mot de passe n'est pas conservé")).to_be_visible()
        check_page(page, f"j4-etape{number}-incomplete")

        fill(page, step["complete"])
        page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", name="Vérifiez vos réponses")).to_be_visible()
    for shown in ("Lefort", "Martin", "21/09/1975", "jeanne.lefort@example.fr", "des Lilas", "Loches"):
        expect(page.get_by_text(shown, exact=True).first).to_be_visible()
