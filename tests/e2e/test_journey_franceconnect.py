"""Journey 2: FranceConnect (the simulator) → search "budget" "à distance" → session → send → cancel.

Run three ways: with the mouse and JavaScript (every state checked by axe, at 360 px, with
screenshots), without JavaScript, and with the keyboard only (focus visible at every stop, no trap).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from enrolment.models import Dossier, DossierState
from tests.factories import CollectiviteFactory, OrganiserFactory, SessionFactory, ThemeFactory, TrainingFactory
from trainings.models import Modality

from .actors import Keyboard, Mouse
from .conftest import check_page, dossier_state, field, last_mail_to

pytestmark = pytest.mark.django_db(transaction=True)

REMOTE_BUDGET = "Le budget communal pas à pas"
# Marie-Thérèse LEFEBVRE, nom d'usage MOREAU: one of the simulator's test identities.
FC_EMAIL = "mt.moreau@example.fr"


@pytest.fixture
def catalogue():
    CollectiviteFactory(name="Amboise", code="37003", postal_code="37400")
    remote = TrainingFactory(
        title=REMOTE_BUDGET,
        modality=Modality.REMOTE,
        summary="Le budget, en classe virtuelle.",
        organiser=OrganiserFactory(name="Maison des Maires d'Indre-et-Loire", short_name="AMIL"),
        theme=ThemeFactory(name="Finances locales", slug="finances-locales"),
    )
    SessionFactory(training=remote, remote=True, days_ahead=35)
    # Two trainings the search must leave out: budget but in a room, remote but not about the budget.
    SessionFactory(training=TrainingFactory(title="Budget et fiscalité locale en salle"), days_ahead=35)
    SessionFactory(training=TrainingFactory(title="Urbanisme à distance", modality=Modality.REMOTE), remote=True)
    return remote


def franceconnect_journey(page, actor, name):
    """The journey, as `actor` drives it; `name` prefixes the screenshots (None: no checks, no screenshots)."""

    def check(step):
        if name:
            check_page(page, f"{name}-{step}")

    # Se connecter → "S'identifier avec FranceConnect" → the simulator's test identities.
    actor.click(page.get_by_role("main").get_by_role("link", name="Se connecter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    actor.click(page.get_by_role("link", name="S'identifier avec FranceConnect"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez une identité de test")
    check("01-franceconnect")
    radio = page.get_by_role("radio", name=re.compile("Marie-Thérèse Jeanne LEFEBVRE"))
    if isinstance(actor, Keyboard):
        # In a group of radio buttons, Tab stops on the checked one and the arrows move the choice.
        actor.tab_to(page.get_by_role("radio", checked=True))
        while not radio.is_checked():
            page.keyboard.press("ArrowDown")
    else:
        radio.check()
    actor.click(page.get_by_role("button", name="Continuer vers le portail"))

    # First visit: FranceConnect gave the identity; the portal asks only for what it lacks.
    expect(page.get_by_role("heading", level=1)).to_have_text("Complétez votre compte")
    expect(page.get_by_text("Identité vérifiée par FranceConnect").first).to_be_visible()
    check("02-completer")
    actor.click(page.get_by_role("button", name="Enregistrer et continuer"))
    expect(page.get_by_role("alert")).to_contain_text("Indiquez au moins un numéro de téléphone")
    check("02b-completer-erreurs")
    actor.fill(field(page, "Téléphone mobile"), "06 98 76 54 32")
    actor.fill(field(page, "Nom de la voie"), "du Château")
    actor.fill(field(page, "Code postal"), "37400")
    actor.fill(field(page, "Ville"), "Amboise")
    actor.select(field(page, "Collectivité"), "Amboise (37003)")
    actor.select(field(page, "Fonction"), "Adjoint au maire")
    actor.fill_date(page.get_by_label("Début du mandat"), datetime.date(2020, 7, 3))
    actor.check(page.get_by_label(re.compile("j.accepte les conditions générales")))
    actor.click(page.get_by_role("button", name="Enregistrer et continuer"))
    expect(page.get_by_role("status").filter(has_text="Merci, votre compte est complet.")).to_be_visible()
    check("03-droits")

    # Trouver une formation: "budget", à distance.
    actor.click(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Formations"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Trouver une formation"))
    check("04-recherche")
    actor.fill(page.get_by_label("Formation, métier, etc."), "budget")
    modality = page.get_by_label("Formation en centre / Formation à distance")
    if not modality.is_visible():  # folded behind "Filtrer" (a phone, or a browser without JavaScript)
        actor.click(page.locator("summary", has_text="Filtrer"))
    actor.select(page.get_by_label("Formation en centre / Formation à distance"), "Formation à distance")
    actor.click(page.get_by_role("button", name="Rechercher"))
    results = page.get_by_role("heading", level=3)
    expect(results).to_have_text([REMOTE_BUDGET])
    check("05-resultats")
    actor.click(page.get_by_role("link", name=REMOTE_BUDGET))

    # The training page → the session → the dossier.
    expect(page.get_by_role("heading", level=1)).to_have_text(REMOTE_BUDGET)
    check("06-formation")
    actor.click(page.get_by_role("link", name=re.compile("^Créer mon dossier d'inscription")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon dossier d'inscription")
    check("07-session")
    actor.click(page.get_by_role("button", name="Créer mon dossier"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon dossier d'inscription")
    expect(page.get_by_text("Identité vérifiée par FranceConnect").first).to_be_visible()
    check("08-dossier")
    actor.click(page.get_by_role("button", name="Vérifiez votre dossier"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre dossier")
    check("09-verification")
    actor.click(page.get_by_role("button", name="Envoyer mon dossier"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande d'inscription est envoyée")
    check("10-envoye")

    # Mes dossiers → cancel, with a reason.
    actor.click(page.get_by_role("link", name="Voir mes dossiers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    expect(dossier_state(page, "Demande envoyée")).to_be_visible()
    check("11-mes-dossiers")
    actor.click(page.get_by_role("link", name=re.compile("^Annuler ma demande")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler ma demande")
    check("12-annuler")
    actor.fill(page.get_by_label("Motif (facultatif)"), "Conseil municipal le même jour.")
    actor.click(page.get_by_role("button", name="Oui, annuler ma demande"))
    expect(page.get_by_role("status").filter(has_text="Votre demande est annulée.")).to_be_visible()
    expect(dossier_state(page, "Annulée")).to_be_visible()
    check("13-annulee")


def assert_cancelled_by_the_elu():
    elu = User.objects.get(email=FC_EMAIL)
    assert elu.verified_by_franceconnect
    dossier = Dossier.objects.get(user=elu)
    assert (dossier.session.training.title, dossier.state) == (REMOTE_BUDGET, DossierState.CANCELLED)
    assert dossier.cancel_reason == "Conseil municipal le même jour."
    assert "annul" in last_mail_to(FC_EMAIL).subject.lower()


def test_franceconnect_search_send_cancel(franceconnect, elu_page, catalogue):
    elu_page.goto(franceconnect + "/")
    franceconnect_journey(elu_page, Mouse(elu_page), "j2-js" if elu_page.javascript else None)
    assert_cancelled_by_the_elu()


def test_franceconnect_journey_with_the_keyboard_only(franceconnect, page, catalogue):
    page.goto(franceconnect + "/")
    keyboard = Keyboard(page)
    franceconnect_journey(page, keyboard, None)
    assert_cancelled_by_the_elu()
    assert keyboard.stops > 50  # the whole journey went through Tab, with the focus visible at each stop
