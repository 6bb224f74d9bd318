"""The élu's side of the funding track: the MCF guide on the dossier page, the MCF number form, "Mes dossiers"."""

import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from enrolment import funding
from enrolment.models import Dossier, FundingLog, FundingSource, FundingState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db


def raw(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def text(response):
    """The words the élu reads, without the tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", raw(response)))


@pytest.fixture
def frozen():
    """Monday 1 March 2027, 10:00 in Paris; the session starts Monday 15 March (MCF's last day: Thursday 4 March)."""
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(frozen):
    training = TrainingFactory(title="Budget communal")
    return SessionFactory(
        training=training,
        starts_at=paris(2027, 3, 15, 9),
        ends_at=paris(2027, 3, 15, 17),
        city="Amboise",
        postal_code="37400",
    )


def detail(client, dossier):
    client.force_login(dossier.user)
    return client.get(reverse("enrolment:detail", args=[dossier.pk]))


def test_an_accepted_dossier_shows_the_mcf_guide_with_its_dates(client, elu, session):
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    response = detail(client, dossier)
    page, markup = text(response), raw(response)
    assert "Étape suivante sur Mon Compte Formation" in page
    assert "À faire : Faire votre demande sur Mon Compte Formation" in page
    assert "au plus tard le jeudi 4 mars 2027" in page
    for label in (
        "Chercher les formations liées à l'exercice de mon mandat",
        "Créer mon dossier d'inscription",
        "« Valider »",
    ):
        assert label in page
    assert "« Formation, métier, etc. » : <kbd>Budget communal</kbd>" in markup
    assert "« Localisation » : <kbd>37400 Amboise</kbd>" in markup and "« Formation en centre »" in page
    # Request today (Monday 1) → answer by Wednesday 3 → validation by Tuesday 9 March.
    assert "au plus tard le mercredi 3 mars 2027 si vous la faites aujourd'hui" in page
    assert "au plus tard le mardi 9 mars 2027 si vous faites la demande aujourd'hui" in page
    assert f'action="{reverse("enrolment:mcf_number", args=[dossier.pk])}"' in markup


def test_the_guide_follows_the_elus_identity_path(client, session):
    with_fc = DossierFactory(user=UserFactory(franceconnect=True), session=session, accepted=True)
    page = text(detail(client, with_fc))
    fc_plus, id_copy = page.index("l'Identité Numérique La Poste"), page.index("du recto et du verso")
    assert fc_plus < id_copy  # FranceConnect+ first, the ID copy as the alternative
    assert "depuis le 25 octobre 2022" in page
    with_document = DossierFactory(user=UserFactory(verified_by_document=True), session=session, accepted=True)
    page = text(detail(client, with_document))
    assert page.index("du recto et du verso") < page.index("l'Identité Numérique La Poste")
    assert "dfp_mcf_gestion-des-droits-et-formations@caissedesdepots.fr" in page
    assert "nom de naissance, nom usuel ou marital, prénom(s), date et lieu de naissance, nationalité" in page
    assert "vous pouvez poursuivre votre inscription" in page


def test_the_exact_mcf_address_replaces_the_search_words(client, elu, session):
    session.training.mcf_training_id = "12345678900012_BUDGET"
    session.training.mcf_action_id = "12345678900012_BUDGET-AMBOISE"
    session.training.save()
    page = raw(detail(client, DossierFactory(user=elu, session=session, accepted=True)))
    assert (
        'href="https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/'
        '12345678900012_BUDGET/12345678900012_BUDGET-AMBOISE"' in page
    )
    assert "<kbd>Budget communal</kbd>" not in page


def test_after_mcfs_last_day_the_elu_is_told_it_is_too_late(client, elu, session, frozen):
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    frozen.move_to(paris(2027, 3, 5, 10))
    page = text(detail(client, dossier))
    assert "Il est trop tard pour faire la demande sur Mon Compte Formation" in page
    assert "une autre session ou une prise en charge par votre collectivité" in page
    assert "Étape suivante sur Mon Compte Formation" not in page and "Enregistrer le numéro" not in page
    assert "4 mars 2027" not in page  # no past date given as something to do
    assert "À faire sur Mon Compte Formation" not in page and "Délai dépassé sur Mon Compte Formation" in page
    client.force_login(elu)
    listing = text(client.get(reverse("enrolment:list")))
    assert "Délai dépassé sur Mon Compte Formation" in listing and "Il est trop tard" in listing


def test_the_elu_types_the_mcf_number_and_the_track_moves(client, elu, session):
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    client.force_login(elu)
    response = client.post(reverse("enrolment:mcf_number", args=[dossier.pk]), {"mcf_number": "n° 12 3456 7890"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED and dossier.mcf_number == "1234567890"
    assert dossier.funding_logs.get().source == FundingSource.ELU
    page = text(client.get(response.url))
    assert "Le numéro de votre dossier sur Mon Compte Formation est enregistré" in page
    assert "Demande envoyée sur Mon Compte Formation" in page and "1234567890" in page
    # Requested on Monday 1 March: the AMIL answers by Wednesday 3 March.
    assert "Prochaine étape : L'AMIL vous répond sur Mon Compte Formation au plus tard le mercredi 3 mars 2027" in page
    assert "Étape suivante sur Mon Compte Formation" not in page


def test_a_wrong_number_keeps_what_was_typed_with_a_french_error(client, elu, session):
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    client.force_login(elu)
    response = client.post(reverse("enrolment:mcf_number", args=[dossier.pk]), {"mcf_number": "AB-12"})
    assert response.status_code == 200
    page = text(response)
    assert "de 6 à 12 chiffres" in page and 'value="AB-12"' in raw(response)
    assert not FundingLog.objects.exists()


def test_a_number_already_used_is_refused_on_the_form(client, elu, session):
    DossierFactory(mcf_requested=True, mcf_number="1234567890")
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    client.force_login(elu)
    page = text(client.post(reverse("enrolment:mcf_number", args=[dossier.pk]), {"mcf_number": "1234567890"}))
    assert "déjà enregistré pour un autre dossier" in page
    assert Dossier.objects.get(pk=dossier.pk).mcf_number == ""


def test_another_elus_dossier_is_not_found(client, elu, session):
    dossier = DossierFactory(session=session, accepted=True)
    client.force_login(elu)
    assert client.post(reverse("enrolment:mcf_number", args=[dossier.pk]), {"mcf_number": "1234567"}).status_code == 404
    assert client.get(reverse("enrolment:mcf_number", args=[dossier.pk])).status_code in (404, 405)


def test_a_proposal_to_validate_shows_its_last_day(client, elu, session, staff):
    dossier = DossierFactory(user=elu, session=session, mcf_requested=True)
    funding.proposal_sent(dossier, on=paris(2027, 3, 1).date(), by=staff, source=FundingSource.STAFF)
    page = text(detail(client, dossier))
    assert (
        "À faire : Valider la proposition sur Mon Compte Formation (« Valider ») au plus tard le vendredi 5 mars 2027"
        in page
    )


def test_my_dossiers_shows_both_tracks_and_the_one_next_action(client, elu, session, django_assert_max_num_queries):
    DossierFactory(user=elu, session=session, mcf_validated=True)
    DossierFactory(
        user=elu, session=SessionFactory(starts_at=paris(2027, 4, 12, 9), ends_at=paris(2027, 4, 12, 17)), accepted=True
    )
    client.force_login(elu)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enrolment:list"))
    page = text(response)
    assert raw(response).count("Validée</span>") == 2  # the AMIL's decision, on each
    assert "Validée, payée par le DIFE" in page
    assert "Rendez-vous à la formation le lundi 15 mars 2027" in page
    assert "Faire votre demande sur Mon Compte Formation" in page and "au plus tard le jeudi 1er avril 2027" in page


def test_before_sending_the_elu_is_told_mcf_follows_with_its_last_day(client, elu, session):
    dossier = DossierFactory(user=elu, session=session)
    client.force_login(elu)
    page = text(client.get(reverse("enrolment:review", args=[dossier.pk])))
    assert "après l'envoi de votre dossier, faites-y aussi votre demande, au plus tard le jeudi 4 mars 2027" in page
