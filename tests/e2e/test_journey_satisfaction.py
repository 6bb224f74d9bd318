"""Journey: after the session, the élu gives their opinion in the portal.

"Mes dossiers" offers "Donner mon avis" for the training attended; a submission with nothing chosen gets the French
error summary (each link leads to its question); the answered questionnaire thanks the élu and is not offered
again. Once with JavaScript, once without; axe and 360 px on every step.
"""

import pytest
from playwright.sync_api import expect

from enrolment.models import SatisfactionAnswer
from tests.factories import TEST_PASSWORD, DossierFactory, SessionFactory, UserFactory

from .conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_participant_answers_the_questionnaire(portal, elu_page):
    page = elu_page
    suffix = "js" if page.javascript else "nojs"
    elu = UserFactory(franceconnect=True, email=f"elu.avis.{suffix}@example.fr")
    session = SessionFactory(training__title="Le budget communal", days_ahead=-2)
    DossierFactory(user=elu, session=session, attended=True)

    page.goto(f"{portal}/compte/connexion/")
    page.get_by_label("Adresse mail").fill(elu.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()

    page.goto(f"{portal}/dossiers/")
    expect(page.get_by_text("Votre avis nous intéresse.")).to_be_visible()
    page.get_by_role("link", name="Donner mon avis").click()
    expect(page.get_by_role("heading", name="Votre avis sur la formation")).to_be_visible()
    check_page(page, f"avis-01-questionnaire-{suffix}")

    page.get_by_role("button", name="Envoyer mon avis").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choisissez une réponse.")
    assert page.title().startswith("Erreur : ")
    check_page(page, f"avis-02-erreurs-{suffix}")

    page.get_by_label("4 — Satisfait").check()
    page.get_by_label("En partie").check()
    page.get_by_label("5 — Très utile").check()
    page.get_by_role("group", name="Recommanderiez-vous cette formation à un autre élu ?").get_by_label("Oui").check()
    page.get_by_label("Un commentaire, une suggestion (facultatif)").fill("Très concret.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()
    check_page(page, f"avis-03-merci-{suffix}")
    answer = SatisfactionAnswer.objects.get()
    assert (answer.overall, answer.objectives_met, answer.usefulness, answer.would_recommend) == (
        4,
        "en_partie",
        5,
        True,
    )

    # The dossier page (not "Mes dossiers", served from the signed-in page cache that #17 removes).
    page.goto(f"{portal}/dossiers/{answer.session.dossiers.get().pk}/")
    expect(page.get_by_text("Merci : vous avez donné votre avis sur cette formation.")).to_be_visible()
    expect(page.get_by_role("link", name="Donner mon avis")).to_have_count(0)
