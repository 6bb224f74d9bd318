"""Journey 3: once the last registration day has passed, nothing can be sent, not even by replaying a form.

The élu opened "Vérifiez votre dossier" while registration was open; days go by (time-machine moves
the clock of the whole test process, the live server included); the pages now say "closes", and the
forms captured earlier, replayed through the browser's own request API (same cookies, same CSRF
token), are refused by the server.
"""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from enrolment.models import Dossier, DossierState
from tests.factories import TEST_PASSWORD, DossierFactory, MandateFactory, SessionFactory, UserFactory
from trainings import deadlines

from .conftest import check_page, dossier_state

pytestmark = pytest.mark.django_db(transaction=True)


def captured_form(page, button_name):
    """What a replay needs from a form on the page: its absolute action URL and its CSRF token."""
    form = page.locator("form").filter(has=page.get_by_role("button", name=button_name))
    action = form.evaluate("(form) => form.action")
    token = form.locator("input[name=csrfmiddlewaretoken]").input_value()
    return action, token


def replay(page, action, token):
    return page.request.post(action, form={"csrfmiddlewaretoken": token}, headers={"Referer": page.url})


def test_closed_session_cannot_be_sent_even_by_replaying_the_form(portal, page):
    elu = UserFactory(franceconnect=True, email="elu.delai@example.fr")
    MandateFactory(user=elu)
    session = SessionFactory(training__title="Marchés publics : les bases", days_ahead=14)
    other_session = SessionFactory(training=session.training, days_ahead=21)
    dossier = DossierFactory(user=elu, session=session, mandate=elu.mandates.get())
    last_day = deadlines.last_registration_day(session.first_day)

    page.goto(f"{portal}/compte/connexion/")
    page.get_by_label("Adresse mail").fill(elu.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()

    # Registration still open: the élu opens the review, and the start page of another session.
    page.goto(f"{portal}/dossiers/{dossier.pk}/verifier/")
    send_action, send_token = captured_form(page, "Envoyer mon dossier")
    page.goto(f"{portal}/dossiers/session/{other_session.pk}/nouveau/")
    start_action, start_token = captured_form(page, "Créer mon dossier")

    # The day after the last registration day of both sessions.
    later = timezone.make_aware(
        datetime.datetime.combine(deadlines.last_registration_day(other_session.first_day), datetime.time(9))
    ) + datetime.timedelta(days=1)
    assert later.date() > last_day
    with time_machine.travel(later, tick=True):
        page.goto(f"{portal}{session.training.get_absolute_url()}")
        expect(page.get_by_text("Inscriptions closes").first).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Créer mon dossier d'inscription"))).to_have_count(0)
        check_page(page, "j3-01-formation-inscriptions-closes")

        page.goto(f"{portal}/dossiers/{dossier.pk}/verifier/")
        expect(page.get_by_text("Les inscriptions à cette session sont closes")).to_be_visible()
        expect(page.get_by_role("button", name="Envoyer mon dossier")).to_have_count(0)
        check_page(page, "j3-02-verification-inscriptions-closes")

        # Replaying "Envoyer mon dossier": refused, and said so in French.
        response = replay(page, send_action, send_token)
        assert response.ok and response.url.endswith(f"/dossiers/{dossier.pk}/verifier/")
        assert "Les inscriptions à cette session sont closes" in response.text()
        dossier.refresh_from_db()
        assert dossier.state == DossierState.DRAFT and dossier.submitted_at is None

        # Replaying "Créer mon dossier" on the other, now closed, session: no dossier either.
        response = replay(page, start_action, start_token)
        assert response.ok
        assert not Dossier.objects.filter(session=other_session).exists()

        page.goto(f"{portal}/dossiers/")
        expect(dossier_state(page, "En cours de création")).to_be_visible()
        expect(page.get_by_text("Inscriptions closes depuis le").first).to_be_visible()
        check_page(page, "j3-03-mes-dossiers-inscriptions-closes")
