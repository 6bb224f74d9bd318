"""The élu pages the journeys do not pass through: the same bars (axe, 360 px, screenshots)."""

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, MandateFactory, UserFactory

from .conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

ANONYMOUS_PAGES = [
    ("/mentions/cgu/", "cgu", 200),
    ("/mentions/donnees-personnelles/", "donnees-personnelles", 200),
    ("/compte/mot-de-passe-oublie/", "mot-de-passe-oublie", 200),
    ("/compte/activation/", "activation-sans-compte", 200),
    ("/invitation/inconnue/", "invitation-invalide", 404),
    ("/formations/?du=31/02/2027", "recherche-critere-invalide", 200),
    ("/page-qui-n-existe-pas/", "page-introuvable", 404),
]
SIGNED_IN_PAGES = [
    ("/compte/droits/", "droits", 200),
    ("/compte/droits/modifier/", "droits-modifier", 200),
    ("/compte/droits/compte-elu-absent/", "compte-elu-absent", 200),
    ("/compte/mandats/", "mandats", 200),
    ("/compte/mandats/ajouter/", "mandat-ajouter", 200),
    ("/compte/profil/", "profil", 200),
    ("/compte/profil/modifier/", "profil-modifier", 200),
    ("/compte/profil/mot-de-passe/", "mot-de-passe-changer", 200),
    ("/compte/profil/adresse-mail/", "adresse-mail-changer", 200),
    ("/compte/profil/supprimer/", "compte-supprimer", 200),
    ("/dossiers/", "mes-dossiers-vide", 200),
]


def test_pages_for_visitors(portal, page):
    for path, name, status in ANONYMOUS_PAGES:
        assert page.goto(portal + path).status == status, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_page(page, f"pages-{name}")


def test_pages_of_the_elu_account(portal, page):
    elu = UserFactory(email="elu.pages@example.fr")
    MandateFactory(user=elu)
    page.goto(f"{portal}/compte/connexion/")
    page.get_by_label("Adresse mail").fill(elu.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for path, name, status in SIGNED_IN_PAGES:
        response = page.goto(portal + path)
        assert (response.status, response.url) == (status, portal + path), path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_page(page, f"pages-{name}")
    # An error state of a form outside the journeys: the profile sent with its required fields emptied.
    page.goto(f"{portal}/compte/profil/modifier/")
    page.get_by_label("Code postal").fill("")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "pages-profil-modifier-erreurs")
