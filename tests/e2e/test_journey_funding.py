"""Journey: from the AMIL's "Validée" to "payée par le DIFE" on Mon Compte Formation.

The AMIL accepted the élu's dossier; the élu opens "Mes dossiers", sees the one thing to do and its date, follows
the guide "Étape suivante sur Mon Compte Formation" on the dossier page, types the number of the dossier made on
Mon Compte Formation (a wrong one first: French error, what was typed kept). Then the AMIL team, in its own
browser, signs in to the admin, opens the dossier list, follows "Importer depuis EDOF" and uploads the list exported
from its EDOF space, where the élu's dossier reads "Accepté": the dry-run preview shows the change for this dossier
(nothing written yet), "Appliquer ces changements" writes it, and "Mes dossiers" shows the training paid by the DIFE.
The élu's pages once with JavaScript, once without (the staff browser always has it); axe, 360 px and screenshots on
every step, the import preview under the back-office's html-validate rules.
"""

import re

import pytest
from playwright.sync_api import expect

from enrolment.models import Dossier, FundingState
from tests.factories import TEST_PASSWORD, DossierFactory, MandateFactory, SessionFactory, UserFactory
from trainings import deadlines

from . import staff
from .conftest import HTML_VALIDATE_ADMIN_CONFIG, check_page, dossier_state, field

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_accepted_to_paid_by_the_dife(portal, elu_page, new_page, tmp_path):
    page = elu_page
    suffix = "js" if page.javascript else "nojs"
    elu = UserFactory(franceconnect=True, email=f"elu.mcf.{suffix}@example.fr")
    MandateFactory(user=elu)
    session = SessionFactory(training__title="Le budget communal", days_ahead=30, city="Loches")
    dossier = DossierFactory(user=elu, session=session, mandate=elu.mandates.get(), accepted=True)
    last_day = deadlines.last_registration_day(session.first_day)
    day_words = re.compile(rf"{last_day.day}(er)? ")

    page.goto(f"{portal}/compte/connexion/")
    page.get_by_label("Adresse mail").fill(elu.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()

    # "Mes dossiers": both tracks, and the one next action with its date.
    page.goto(f"{portal}/dossiers/")
    card = page.locator("article").filter(has_text="Le budget communal")
    expect(dossier_state(card, "Validée")).to_be_visible()
    expect(card.get_by_text("À faire sur Mon Compte Formation")).to_be_visible()
    next_action = card.locator(".next-action")
    expect(next_action).to_contain_text("Faire votre demande sur Mon Compte Formation")
    expect(next_action).to_contain_text(day_words)
    check_page(page, f"mcf-01-mes-dossiers-a-faire-{suffix}")

    # The dossier page: the guide, in the élu's words, each screen dated.
    card.get_by_role("link", name="Le budget communal", exact=True).click()
    guide = page.locator("#mon-compte-formation")
    expect(guide.get_by_role("heading", name="Étape suivante sur Mon Compte Formation")).to_be_visible()
    expect(guide).to_contain_text("Identité Numérique La Poste")  # FranceConnect+: the élu uses FranceConnect
    expect(guide).to_contain_text("Chercher les formations liées à l'exercice de mon mandat")
    expect(guide.locator("kbd").first).to_have_text("Le budget communal")
    expect(guide).to_contain_text("Créer mon dossier d'inscription")
    expect(guide).to_contain_text("« Valider »")
    check_page(page, f"mcf-02-guide-{suffix}")

    # A wrong number: a French error, and what was typed is still there.
    number = field(page, "Numéro de votre dossier sur Mon Compte Formation")
    number.fill("12AB34")
    page.get_by_role("button", name="Enregistrer le numéro").click()
    expect(page.get_by_text(re.compile("est fait de 6 à 12 chiffres")).first).to_be_visible()
    expect(field(page, "Numéro de votre dossier sur Mon Compte Formation")).to_have_value("12AB34")
    check_page(page, f"mcf-03-numero-errone-{suffix}")

    field(page, "Numéro de votre dossier sur Mon Compte Formation").fill("n° 2046 7856 12")
    page.get_by_role("button", name="Enregistrer le numéro").click()
    expect(page.get_by_text("Le numéro de votre dossier sur Mon Compte Formation est enregistré")).to_be_visible()
    expect(page.locator("#mon-compte-formation")).to_contain_text("Demande envoyée sur Mon Compte Formation")
    expect(page.locator("#mon-compte-formation")).to_contain_text("2046785612")
    expect(page.locator(".next-action").first).to_contain_text("L'AMIL vous répond sur Mon Compte Formation")
    check_page(page, f"mcf-04-demande-envoyee-{suffix}")
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED and dossier.mcf_number == "2046785612"

    # The élu accepted the proposal on Mon Compte Formation: the AMIL's EDOF export says "Accepté". The team, in its
    # own browser, imports that export from the dossier list.
    export = tmp_path / "export-edof.csv"
    export.write_text(
        "Numéro du dossier;Statut;Nom;Prénom;Date de début de session;Date du statut\n"
        f"2046785612;Accepté;{elu.birth_name};{elu.first_names};{session.first_day:%d/%m/%Y};\n",
        encoding="utf-8",
    )
    staff.staff_member()
    team = new_page()
    staff.sign_in(team, portal)
    team.goto(f"{portal}/admin/enrolment/dossier/")
    team.get_by_role("link", name="Importer depuis EDOF").click()
    team.get_by_label("Fichier exporté de votre espace EDOF").set_input_files(export)
    team.get_by_role("button", name="Voir l'aperçu").click()

    # The preview: this dossier would go from "request sent" to "validated, paid"; nothing is written yet.
    expect(team.get_by_role("heading", name="Aperçu : voici ce que l'import changerait")).to_be_visible()
    planned = team.get_by_role("table", name="Changements prévus").get_by_role("row").filter(has_text="2046785612")
    expect(planned).to_have_count(1)
    expect(planned).to_contain_text(str(dossier))
    expect(planned).to_contain_text("Demande envoyée sur Mon Compte Formation")
    expect(planned).to_contain_text("Validée, payée par le DIFE")
    expect(planned).to_contain_text("proposition validée")
    check_page(team, f"mcf-05-import-apercu-{suffix}", HTML_VALIDATE_ADMIN_CONFIG)
    assert Dossier.objects.get(pk=dossier.pk).funding_state == FundingState.REQUESTED

    team.get_by_role("button", name="Appliquer ces changements").click()
    expect(team.get_by_text("Import appliqué : 1 dossier(s) mis à jour.")).to_be_visible()
    expect(team.get_by_role("heading", name="Import appliqué")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).funding_state == FundingState.VALIDATED

    page.goto(f"{portal}/dossiers/")
    card = page.locator("article").filter(has_text="Le budget communal")
    expect(card.get_by_text("Validée, payée par le DIFE")).to_be_visible()
    expect(card.locator(".next-action")).to_contain_text("la formation est payée par votre DIFE")
    check_page(page, f"mcf-06-payee-par-le-dife-{suffix}")
