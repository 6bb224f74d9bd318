"""The guide "Étape suivante sur Mon Compte Formation" in the e-mails of the sending and of the AMIL's acceptance."""

import pytest
import time_machine

from enrolment import funding, services
from enrolment.models import FundingSource
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        training = TrainingFactory(title="Budget communal")
        return SessionFactory(training=training, starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17))


def accept_on(day, dossier, staff, committed):
    with time_machine.travel(day, tick=False), committed():
        services.accept(dossier, by=staff)


def test_the_acceptance_email_carries_the_guide_in_text_and_html(session, staff, committed, mailoutbox):
    dossier = DossierFactory(session=session, submitted=True, user=UserFactory(verified_by_document=True))
    accept_on(paris(2027, 3, 1, 10), dossier, staff, committed)
    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    for part in (mail.body, html):
        assert "étape suivante sur mon compte formation" in part.lower()
        assert "au plus tard le jeudi 4 mars 2027" in part
        assert "Chercher les formations liées à l'exercice de mon mandat" in part
        assert "Créer mon dossier d'inscription" in part and "« Valider »" in part
        assert "dfp_mcf_gestion-des-droits-et-formations@caissedesdepots.fr" in part  # the ID-copy path first
        assert "mercredi 3 mars 2027" in part and "mardi 9 mars 2027" in part
    assert "Budget communal" in mail.body


def test_the_guide_follows_franceconnect(session, staff, committed, mailoutbox):
    dossier = DossierFactory(session=session, submitted=True, user=UserFactory(franceconnect=True))
    accept_on(paris(2027, 3, 1, 10), dossier, staff, committed)
    body = mailoutbox[0].body
    assert body.index("Identité Numérique La Poste") < body.index("recto et du verso")


def test_an_acceptance_after_mcfs_last_day_says_it_is_too_late(session, staff, committed, mailoutbox):
    dossier = DossierFactory(session=session, submitted=True)
    accept_on(paris(2027, 3, 5, 10), dossier, staff, committed)
    body = mailoutbox[0].body
    assert "Il est trop tard pour faire la demande sur Mon Compte Formation" in body
    assert "Créer mon dossier d'inscription" not in body and "4 mars 2027" not in body


def test_an_acceptance_after_the_mcf_request_gives_the_next_step(session, staff, committed, mailoutbox):
    dossier = DossierFactory(session=session, submitted=True)
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        funding.record_mcf_request(dossier, "1234567890", by=dossier.user, source=FundingSource.ELU)
    accept_on(paris(2027, 3, 2, 10), dossier, staff, committed)
    body = mailoutbox[0].body
    assert "Prochaine étape : L'AMIL vous répond sur Mon Compte Formation au plus tard le mercredi 3 mars 2027." in body
    assert "Créer mon dossier d'inscription" not in body


def test_the_sending_email_asks_to_go_to_mcf_right_away(session, committed, mailoutbox):
    dossier = DossierFactory(session=session, user=UserFactory(franceconnect=True))
    with time_machine.travel(paris(2027, 3, 4, 10), tick=False), committed():
        services.submit(dossier, by=dossier.user)
    body = mailoutbox[0].body
    assert "Sans attendre sa réponse, faites aussi votre demande sur Mon Compte Formation" in body
    assert "au plus tard le jeudi 4 mars 2027" in body


def test_a_waitlisted_dossier_gets_no_guide(committed, mailoutbox):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        full = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17), seats=1, taken=1)
        dossier = DossierFactory(session=full, user=UserFactory(franceconnect=True))
        with committed():
            services.submit(dossier, by=dossier.user)
    body = mailoutbox[0].body
    assert "liste d'attente" in body
    assert "ÉTAPE SUIVANTE" not in body and "Créer mon dossier d'inscription" not in body
