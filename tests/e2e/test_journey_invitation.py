"""Journey 1: an invitation link → "Créer mon compte" → an identity document checked by the team → "Validée".

Run twice: with JavaScript (every page and state checked by axe, at 360 px, screenshots at 360 and
1280 px) and without JavaScript (the same path must work by plain links and forms).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from enrolment.models import Dossier, DossierState
from tests.factories import CollectiviteFactory, InvitationFactory, SessionFactory, TrainingFactory
from tests.files import pdf_bytes, png_bytes
from trainings import invitations

from . import staff
from .conftest import check_page, dossier_state, field, last_mail_to, link_in

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "camille.durand@example.fr"
PASSWORD = "Formation-Elus-2026!"


@pytest.fixture
def invitation():
    amboise = CollectiviteFactory(name="Amboise", code="37003", postal_code="37400")
    training = TrainingFactory(
        title="Préparer et voter le budget communal", summary="Les étapes du budget, de l'orientation au vote."
    )
    SessionFactory(training=training, days_ahead=40)
    return InvitationFactory(training=training, collectivite=amboise)


def test_invitation_to_validated_dossier(portal, elu_page, new_page, invitation):
    page = elu_page
    name = "j1-js" if page.javascript else "j1-nojs"

    # The mairie forwarded the invitation link: it opens the training page, no login needed.
    page.goto(invitations.url_for(invitation))
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparer et voter le budget communal")
    expect(page.get_by_role("note")).to_contain_text("Amboise")
    check_page(page, f"{name}-01-formation")
    page.get_by_role("link", name=re.compile("^Créer mon dossier d'inscription")).click()

    # Not signed in: the login page, which offers "Créer mon compte".
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    check_page(page, f"{name}-02-connexion")
    page.get_by_role("link", name="Créer mon compte").click()

    # Créer mon compte, in 5 steps, the last one a review.
    expect(page.get_by_text("Étape 1 sur 5")).to_be_visible()
    check_page(page, f"{name}-03-compte-identite")
    page.get_by_label("Nom de naissance").fill("Durand")
    page.get_by_label("Prénoms").fill("Camille Marie")
    page.get_by_label("Date de naissance").fill("1968-04-12")
    page.get_by_label("Commune ou pays de naissance").fill("Amboise")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 2 sur 5")).to_be_visible()
    check_page(page, f"{name}-04-compte-contact")
    page.get_by_label("Téléphone mobile").fill("06 12 34 56 78")
    page.get_by_label("Adresse mail personnelle").fill(EMAIL)
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 3 sur 5")).to_be_visible()
    check_page(page, f"{name}-05-compte-adresse")
    page.get_by_label("Numéro de voie").fill("8")
    page.get_by_label("Type de voie").select_option(label="Rue")
    page.get_by_label("Nom de la voie").fill("Nationale")
    page.get_by_label("Code postal").fill("37400")
    page.get_by_label("Ville").fill("Amboise")
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 4 sur 5")).to_be_visible()
    check_page(page, f"{name}-06-compte-mot-de-passe")
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmez votre mot de passe").fill(PASSWORD)
    page.get_by_label(re.compile("J'ai lu et j'accepte")).check()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", name="Vérifiez vos réponses")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    check_page(page, f"{name}-07-compte-verification")
    page.get_by_role("button", name="Créer mon compte").click()

    # The e-mail confirmation, read from the test mailbox: the code with JavaScript, the link without.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse mail")
    check_page(page, f"{name}-08-activation")
    message = last_mail_to(EMAIL)
    if page.javascript:
        code = re.search(r"\b(\d{6})\b", message.body).group(1)
        page.get_by_label("Code à 6 chiffres").fill(f"{(int(code) + 1) % 1_000_000:06d}")
        page.get_by_role("button", name="Valider le code").click()
        expect(page.get_by_role("alert")).to_contain_text("Code à 6 chiffres")
        check_page(page, f"{name}-08b-activation-code-errone")
        page.get_by_label("Code à 6 chiffres").fill(code)
        page.get_by_role("button", name="Valider le code").click()
    else:
        page.goto(link_in(message, "/compte/activation/"))
        page.get_by_role("button", name=re.compile("Confirmer")).click()

    # Signed in; the portal asks for the mandate, then goes back to the session.
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer un mandat")
    check_page(page, f"{name}-09-mandat")
    if page.javascript:
        # The script adds a search box that narrows the list and picks the first match.
        page.get_by_label("Rechercher une collectivité").fill("amboise")
        expect(field(page, "Collectivité")).to_have_value(str(invitation.collectivite.pk))
    else:
        field(page, "Collectivité").select_option(label="Amboise (37003)")
    page.get_by_label("Fonction").select_option(label="Conseiller municipal")
    page.get_by_label("Début du mandat").fill("2020-07-03")
    page.get_by_role("button", name="Enregistrer mon mandat").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon dossier d'inscription")
    expect(page.get_by_text("Préparer et voter le budget communal").first).to_be_visible()
    check_page(page, f"{name}-10-session")
    page.get_by_role("button", name="Créer mon dossier").click()

    # The dossier: identity still to verify, without FranceConnect → the CNI, recto and verso.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon dossier d'inscription")
    check_page(page, f"{name}-11-dossier")
    page.get_by_role("link", name="Envoyer ma pièce d'identité").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Vérification de votre identité"))
    check_page(page, f"{name}-12-piece-identite")
    page.get_by_role("button", name="Envoyer ma pièce d'identité").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez un fichier.")
    check_page(page, f"{name}-12b-piece-identite-erreurs")
    page.get_by_role("radio", name=re.compile("^Carte nationale d'identité")).check()
    field(page, "Recto de la carte d'identité, ou page du passeport avec la photo").set_input_files(
        files=[{"name": "cni-recto.png", "mimeType": "image/png", "buffer": png_bytes(40, 25)}]
    )
    field(page, "Verso de la carte d'identité").set_input_files(
        files=[{"name": "cni-verso.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    expect(page.get_by_label("Nom de naissance")).to_have_value("Durand")
    page.get_by_label("Nationalité").fill("Française")
    page.get_by_label(re.compile("Je confirme que ces informations")).check()
    page.get_by_role("button", name="Envoyer ma pièce d'identité").click()

    expect(page.get_by_role("status").filter(has_text="Votre pièce d'identité est envoyée")).to_be_visible()
    expect(page.get_by_text("Votre pièce d'identité est en cours de vérification")).to_be_visible()
    check_page(page, f"{name}-13-piece-en-verification")

    # The team, in its own browser, accepts the document in the admin.
    staff.staff_member()
    team = new_page()
    staff.sign_in(team, portal)
    staff.accept_identity_document(team, portal, "Durand")

    # The élu receives "vous pouvez poursuivre votre inscription" and follows its link.
    message = last_mail_to(EMAIL)
    assert "vous pouvez poursuivre votre inscription" in message.body
    page.goto(link_in(message, "/dossiers/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon dossier d'inscription")
    check_page(page, f"{name}-14-identite-verifiee")
    page.get_by_role("button", name="Vérifiez votre dossier").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre dossier")
    check_page(page, f"{name}-15-verification-dossier")
    page.get_by_role("button", name="Envoyer mon dossier").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande d'inscription est envoyée")
    expect(page.get_by_text("Attendez la réponse de l'AMIL.")).to_be_visible()
    check_page(page, f"{name}-16-envoye")

    # The team validates the dossier.
    staff.validate_dossier(team, portal, "Durand")

    page.get_by_role("link", name="Mes dossiers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    dossier_card = page.get_by_role("article").filter(has_text="Préparer et voter le budget communal")
    expect(dossier_state(dossier_card, "Validée")).to_be_visible()
    check_page(page, f"{name}-17-mes-dossiers-validee")

    dossier = Dossier.objects.get(user__email=EMAIL)
    assert dossier.state == DossierState.ACCEPTED
    assert dossier.invitation == invitation  # the dossier is attributed to the invitation that led to it
    assert dossier.session.first_day > datetime.date.today()
