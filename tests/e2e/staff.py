"""What the AMIL team does in the admin during the journeys, found by the labels staff read.

Another browser context than the élu's: its own cookies, its own session.
"""

import re

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, UserFactory

STAFF_EMAIL = "equipe@amil.example"


def staff_member():
    return UserFactory(email=STAFF_EMAIL, superuser=True, birth_name="AMIL", first_names="Équipe")


def sign_in(page, portal):
    page.goto(f"{portal}/admin/")
    page.get_by_label("Adresse mail").fill(STAFF_EMAIL)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name=re.compile("Back-office"))).to_be_visible()


def run_action(page, portal, section, row_text, action):
    """In the list `section` of the admin, tick the row that mentions `row_text` and run `action`."""
    page.goto(f"{portal}/admin/")
    page.get_by_role("link", name=section, exact=True).first.click()
    page.get_by_role("checkbox", name=re.compile(re.escape(row_text))).check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label=action)
    page.get_by_role("button", name="Envoyer").click()


def accept_identity_document(page, portal, elu_name):
    run_action(page, portal, "Pièces d'identité", elu_name, "Accepter les pièces sélectionnées (identité vérifiée)")
    expect(page.get_by_text(re.compile(r"1 pièce\(s\) acceptée\(s\)"))).to_be_visible()


def validate_dossier(page, portal, elu_name):
    run_action(page, portal, "Dossiers d'inscription", elu_name, "Valider")
    expect(page.get_by_text(re.compile(r"1 dossier\(s\) validé\(s\)"))).to_be_visible()
