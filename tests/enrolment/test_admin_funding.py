"""The funding track in the admin's dossier page: shown, never edited by hand."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from enrolment import funding, funding_rules
from enrolment.models import DossierState, FundingSource, FundingState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_the_dossier_page_shows_the_funding_track_and_its_log_read_only(client, elu):
    staff = UserFactory(superuser=True, first_names="Claire", birth_name="Gestion")
    dossier = DossierFactory(user=elu, accepted=True)
    funding.record_mcf_request(dossier, "1234567890", by=elu, source=FundingSource.ELU)
    funding.proposal_validated(dossier, by=staff, source=FundingSource.STAFF)
    client.force_login(staff)
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Financement Mon Compte Formation" in page
    assert "1234567890" in page and "Validée, payée par le DIFE" in page
    assert "Import Mon Compte Formation" not in page and "Équipe" in page and "Élu" in page
    assert 'name="funding_state"' not in page and 'name="mcf_number"' not in page  # read-only
    assert 'name="funding_logs-0-note"' not in page


def test_the_staff_groups_read_the_funding_log(client, manager, identity_checker):
    dossier = DossierFactory(mcf_requested=True)
    funding.proposal_validated(dossier, by=manager, source=FundingSource.STAFF)
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    for member in (manager, identity_checker):
        client.force_login(member)
        page = client.get(url).content.decode()
        assert "Financement Mon Compte Formation (qui, quand, source, de, vers)" in page
        assert "Validée, payée par le DIFE" in page


# --- The three EDOF steps from the dossier page ---------------------------------------------------------------

STEPS = ("proposal_sent", "entry_declared", "service_declared")


def change_url(dossier):
    return reverse("admin:enrolment_dossier_change", args=[dossier.pk])


def step_url(dossier):
    return reverse("admin:enrolment_dossier_funding_step", args=[dossier.pk])


def shown_steps(page):
    return [name for name in STEPS if f'name="step" value="{name}"' in page]


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        ({"accepted": True}, []),
        ({"mcf_requested": True}, ["proposal_sent"]),
        ({"mcf_to_validate": True}, []),
        ({"mcf_validated": True}, ["entry_declared", "service_declared"]),
        ({"mcf_validated": True, "funding_state": FundingState.IN_TRAINING}, ["service_declared"]),
        ({"mcf_validated": True, "funding_state": FundingState.SERVICE_DECLARED}, []),
        ({"mcf_validated": True, "state": DossierState.CANCELLED}, []),  # forward steps need a dossier the AMIL holds
    ],
)
def test_the_dossier_page_offers_the_steps_the_funding_state_allows(client, time_machine, traits, expected):
    dossier = DossierFactory(**traits)
    time_machine.move_to(dossier.session.ends_at + datetime.timedelta(days=1))  # every step's day has come
    client.force_login(UserFactory(superuser=True))
    page = page_text(client.get(change_url(dossier)))
    assert f"Financement sur Mon Compte Formation : {dossier.get_funding_state_display()}" in page
    assert shown_steps(page) == expected
    assert ("Aucune étape de Mon Compte Formation à noter" in page) == (not expected)


def test_the_panel_shows_the_number_the_deadline_and_each_steps_default_day(client, time_machine):
    time_machine.move_to(paris(2027, 3, 20, 10), tick=False)
    client.force_login(UserFactory(superuser=True))
    to_validate = DossierFactory(
        mcf_to_validate=True, mcf_number="4200000123", proposal_sent_on=datetime.date(2027, 3, 19)
    )
    page = page_text(client.get(change_url(to_validate)))
    last_day = funding_rules.proposal_deadline(datetime.date(2027, 3, 19))
    assert "n° 4200000123" in page and f"au plus tard le {last_day:%d/%m/%Y}" in page
    requested = DossierFactory(mcf_requested=True)
    page = page_text(client.get(change_url(requested)))
    assert 'value="2027-03-20"' in page and 'id="id_proposal_sent_on"' in page  # today
    session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
    validated = DossierFactory(mcf_validated=True, session=session)
    response = client.get(change_url(validated))
    forms = {name: form for name, _, form, _ in response.context["funding_steps"]}
    assert forms["entry_declared"]["on"].value() == datetime.date(2027, 3, 15)
    assert forms["service_declared"]["on"].value() == datetime.date(2027, 3, 16)
    page = page_text(response)
    assert 'value="2027-03-15"' in page and 'value="2027-03-16"' in page
    assert "Noter l'entrée en formation déclarée sur EDOF" in page and "Noter le service fait déclaré sur EDOF" in page


def test_before_the_session_the_entry_and_the_service_fait_say_from_which_day(client, time_machine):
    """No form that could only be refused: the entry cannot be noted before the first day, the service fait before
    the last one."""
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)
    client.force_login(UserFactory(superuser=True))
    session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
    dossier = DossierFactory(mcf_validated=True, session=session)
    page = page_text(client.get(change_url(dossier)))
    assert shown_steps(page) == []
    assert "Noter l'entrée en formation déclarée sur EDOF : possible à partir du 15/03/2027." in page
    assert "Noter le service fait déclaré sur EDOF : possible à partir du 16/03/2027." in page
    assert "Aucune étape" not in page
    time_machine.move_to(paris(2027, 3, 15, 8), tick=False)
    page = page_text(client.get(change_url(dossier)))
    assert shown_steps(page) == ["entry_declared"] and "possible à partir du 16/03/2027" in page


def test_a_proposal_noted_after_its_last_day_says_no_e_mail_went_out(client, time_machine):
    time_machine.move_to(paris(2027, 3, 30, 10), tick=False)
    client.force_login(UserFactory(superuser=True))
    dossier = DossierFactory(mcf_requested=True, mcf_requested_at=paris(2027, 3, 8, 10))
    response = client.post(step_url(dossier), {"step": "proposal_sent", "on": "2027-03-09"}, follow=True)
    last_day = funding_rules.proposal_deadline(datetime.date(2027, 3, 9))
    page = page_text(response)
    assert (
        f"Le dernier jour pour la valider, le {last_day:%d/%m/%Y}, est déjà passé : l'élu n'a pas reçu d'e-mail."
        in page
    )
    assert "l'élu a reçu par e-mail" not in page
    assert not OutgoingEmail.objects.filter(subject__startswith="Validez votre dossier").exists()
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.TO_VALIDATE


def test_a_step_from_the_dossier_page_goes_through_the_service_as_staff(client, time_machine):
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)
    staff = UserFactory(superuser=True)
    client.force_login(staff)
    dossier = DossierFactory(mcf_requested=True, mcf_requested_at=paris(2027, 3, 8, 10))
    response = client.post(step_url(dossier), {"step": "proposal_sent", "on": "2027-03-09"})
    assert response.status_code == 302 and response.url == change_url(dossier)
    page = page_text(client.get(response.url))
    assert "Proposition notée : l'élu a reçu par e-mail le dernier jour pour valider." in page
    dossier.refresh_from_db()
    assert (dossier.funding_state, dossier.proposal_sent_on) == (FundingState.TO_VALIDATE, datetime.date(2027, 3, 9))
    log = dossier.funding_logs.get(to_state=FundingState.TO_VALIDATE)
    assert (log.by, log.source, log.from_state) == (staff, FundingSource.STAFF, FundingState.REQUESTED)
    assert "À valider au plus tard le" in log.note
    assert (
        OutgoingEmail.objects.filter(subject__startswith="Validez votre dossier sur Mon Compte Formation").count() == 1
    )
    assert (
        LogEntry.objects.get(object_id=str(dossier.pk)).change_message == "Mon Compte Formation : proposition envoyée."
    )


def test_entry_then_service_fait_on_the_sessions_days(client, time_machine):
    time_machine.move_to(paris(2027, 3, 20, 10), tick=False)
    staff = UserFactory(superuser=True)
    client.force_login(staff)
    session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
    dossier = DossierFactory(mcf_validated=True, session=session)
    page = page_text(client.post(step_url(dossier), {"step": "entry_declared", "on": "2027-03-15"}, follow=True))
    assert "Entrée en formation notée." in page
    assert shown_steps(page) == ["service_declared"]
    dossier.refresh_from_db()
    assert (dossier.funding_state, dossier.entry_declared_on) == (FundingState.IN_TRAINING, datetime.date(2027, 3, 15))
    page = page_text(client.post(step_url(dossier), {"step": "service_declared", "on": "2027-03-16"}, follow=True))
    assert "Service fait noté : l'élu est invité à confirmer sa présence sur Mon Compte Formation." in page
    dossier.refresh_from_db()
    assert (dossier.funding_state, dossier.service_declared_on) == (
        FundingState.SERVICE_DECLARED,
        datetime.date(2027, 3, 16),
    )
    logs = dossier.funding_logs.order_by("pk")
    assert [(log.to_state, log.source, log.by) for log in logs] == [
        (FundingState.IN_TRAINING, FundingSource.STAFF, staff),
        (FundingState.SERVICE_DECLARED, FundingSource.STAFF, staff),
    ]


def test_a_refused_step_changes_nothing_and_says_why_in_french(client, time_machine):
    time_machine.move_to(paris(2027, 3, 20, 10), tick=False)
    staff = UserFactory(superuser=True)
    client.force_login(staff)
    session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
    dossier = DossierFactory(mcf_requested=True, mcf_requested_at=paris(2027, 3, 8, 10), session=session)
    assert shown_steps(page_text(client.get(change_url(dossier)))) == ["proposal_sent"]
    funding.proposal_validated(dossier, by=staff, source=FundingSource.IMPORT)  # the import, meanwhile
    logs = dossier.funding_logs.count()

    def post(**data):
        return page_text(client.post(step_url(dossier), data, follow=True))

    page = post(step="proposal_sent", on="2027-03-09")
    assert (
        "Impossible de noter la proposition envoyée : le dossier Mon Compte Formation est à l'état "
        "« Validée, payée par le DIFE »." in page
    )
    assert "dans le futur" in post(step="entry_declared", on="2027-03-25")
    assert "est avant le premier jour de la session" in post(step="entry_declared", on="2027-03-14")
    assert "cette date n'est pas valide" in post(step="entry_declared", on="31/02/2027")
    assert "Noter l'entrée en formation déclarée sur EDOF : indiquez la date." in post(step="entry_declared", on="")
    assert "Action inconnue." in post(step="cancel", on="2027-03-15")
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.VALIDATED and dossier.entry_declared_on is None
    assert dossier.funding_logs.count() == logs and not LogEntry.objects.exists()
    post(step="entry_declared", on="2027-03-15")
    assert "Rien à noter : le dossier Mon Compte Formation est déjà à l'état « En formation »." in post(
        step="entry_declared", on="2027-03-15"
    )  # a double click
    assert dossier.funding_logs.count() == logs + 1 and LogEntry.objects.count() == 1


def test_staff_without_the_change_permission_see_no_step_and_cannot_post_one(client, identity_checker):
    dossier = DossierFactory(mcf_requested=True)
    client.force_login(identity_checker)
    page = page_text(client.get(change_url(dossier)))
    assert "Financement sur Mon Compte Formation" in page and shown_steps(page) == []
    assert "ou avec vos droits" in page
    response = client.post(step_url(dossier), {"step": "proposal_sent", "on": datetime.date.today().isoformat()})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED and dossier.funding_logs.count() == 0


def test_the_step_url_takes_only_a_post(client):
    client.force_login(UserFactory(superuser=True))
    dossier = DossierFactory(mcf_requested=True)
    assert client.get(step_url(dossier), {"step": "proposal_sent", "on": "2027-03-09"}).status_code == 405
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED
    assert client.post(reverse("admin:enrolment_dossier_funding_step", args=[999999]), {}).status_code == 404


def test_the_step_url_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(superuser=True))
    dossier = DossierFactory(mcf_requested=True)
    response = client.post(step_url(dossier), {"step": "proposal_sent", "on": datetime.date.today().isoformat()})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED
