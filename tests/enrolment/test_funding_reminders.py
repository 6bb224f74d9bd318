"""Reminders of the funding track (enrolment/funding_reminders.py, command send_funding_reminders): sent once,
day after day (time-machine), through the outbox."""

import datetime

import pytest
from django.core.management import call_command

from enrolment import funding_reminders
from enrolment.models import FundingLog, FundingReminder, FundingSource, FundingState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db


def subjects(to=None):
    emails = OutgoingEmail.objects.order_by("pk")
    if to:
        emails = emails.filter(to=to)
    return [email.subject.rsplit(" — ", 1)[0] for email in emails]


@pytest.fixture
def session(time_machine):
    # First day Monday 29 March 2027: MCF's last day for a request is Thursday 18 March (11 days before).
    time_machine.move_to(paris(2027, 3, 1, 9), tick=False)
    return SessionFactory(starts_at=paris(2027, 3, 29, 9), ends_at=paris(2027, 3, 29, 17))


def run_on(time_machine, *day, hour=7):
    time_machine.move_to(paris(*day, hour), tick=False)
    return funding_reminders.send()


def test_no_mcf_request_reminder_then_the_missed_deadline_each_once(session, time_machine, settings):
    settings.MCF_STAFF_ALERT_EMAIL = "equipe@amil.example"
    dossier = DossierFactory(session=session, accepted=True, decided_at=paris(2027, 3, 10, 10))
    elu = dossier.user.email
    assert run_on(time_machine, 2027, 3, 11).no_request == 0  # one day only
    assert run_on(time_machine, 2027, 3, 12, hour=11).no_request == 1
    assert subjects(elu) == ["Faites votre demande sur Mon Compte Formation"]
    body = OutgoingEmail.objects.get().body_text
    assert "au plus tard le jeudi 18 mars 2027" in body and "Créer mon dossier d'inscription" in body
    for day in (12, 15, 18):
        assert run_on(time_machine, 2027, 3, day, hour=20).no_request == 0
    assert len(subjects(elu)) == 1
    # Friday 19: MCF's last day has passed.
    sent = run_on(time_machine, 2027, 3, 19)
    assert sent.missed == 1
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.EXPIRED
    log = dossier.funding_logs.get()
    assert log.source == FundingSource.SYSTEM and "jeudi 18 mars 2027" in log.note
    assert subjects(elu)[-1] == "Votre dossier Mon Compte Formation a expiré"
    alert = OutgoingEmail.objects.get(to="equipe@amil.example")
    assert (
        "1 délai(s) dépassé(s)" in alert.subject
        and "pas de demande sur Mon Compte Formation à temps" in alert.body_text
    )
    count = OutgoingEmail.objects.count()
    run_on(time_machine, 2027, 3, 20)
    run_on(time_machine, 2027, 3, 22)
    assert OutgoingEmail.objects.count() == count and FundingLog.objects.count() == 1


def test_a_proposal_waiting_for_validation_is_recalled_once_then_expires(session, time_machine, settings):
    dossier = DossierFactory(
        session=session,
        mcf_to_validate=True,
        mcf_requested_at=paris(2027, 3, 12, 10),
        proposal_sent_on=datetime.date(2027, 3, 15),  # Monday: the last day to validate is Friday 19
    )
    elu = dossier.user.email
    assert run_on(time_machine, 2027, 3, 17).proposals == 0  # Friday is not the next working day yet
    assert run_on(time_machine, 2027, 3, 18).proposals == 1
    email = OutgoingEmail.objects.get(to=elu)
    assert "Dernier jour : le vendredi 19 mars 2027" in email.body_text and dossier.mcf_number in email.body_text
    # The proposal waits in the élu's own space on MCF, as in the first e-mail (not in the training's search).
    assert f"Mon Compte Formation : {settings.MCF_LOGIN_URL}" in email.body_text
    assert run_on(time_machine, 2027, 3, 19).proposals == 0
    assert run_on(time_machine, 2027, 3, 20).missed == 1
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.EXPIRED
    assert subjects(elu) == [
        "Validez votre dossier sur Mon Compte Formation : dernier jour proche",
        "Votre dossier Mon Compte Formation a expiré",
    ]


def test_the_team_is_told_once_of_its_own_late_steps(session, time_machine, settings):
    settings.MCF_STAFF_ALERT_EMAIL = "equipe@amil.example"
    # Request recorded Wednesday 10 March: the AMIL answers in EDOF by Friday 12.
    waiting = DossierFactory(session=session, mcf_requested=True, mcf_requested_at=paris(2027, 3, 10, 10))
    past = SessionFactory(starts_at=paris(2027, 3, 1, 9), ends_at=paris(2027, 3, 2, 17))
    paid = DossierFactory(session=past, mcf_validated=True)
    # Entry due by Thursday 4 March, "service fait" by Friday 5 March: both late already; the answer is due today.
    assert run_on(time_machine, 2027, 3, 12).missed == 2
    assert run_on(time_machine, 2027, 3, 15).missed == 1
    first, second = (email.body_text for email in OutgoingEmail.objects.filter(to="equipe@amil.example").order_by("pk"))
    assert "entrée en formation à déclarer au plus tard le jeudi 4 mars 2027" in first
    assert "service fait à déclarer au plus tard le vendredi 5 mars 2027" in first
    assert "réponse de l'AMIL sur EDOF attendue au plus tard le vendredi 12 mars 2027" in second
    assert run_on(time_machine, 2027, 3, 16).missed == 0
    assert OutgoingEmail.objects.filter(to="equipe@amil.example").count() == 2
    waiting.refresh_from_db()
    paid.refresh_from_db()
    assert waiting.funding_state == FundingState.REQUESTED and paid.funding_state == FundingState.VALIDATED
    assert not OutgoingEmail.objects.exclude(to="equipe@amil.example").exists()  # the élus are not blamed


def test_participants_are_invited_once_to_the_questionnaire(time_machine):
    time_machine.move_to(paris(2027, 3, 1, 9), tick=False)
    session = SessionFactory(starts_at=paris(2027, 3, 2, 9), ends_at=paris(2027, 3, 2, 17))
    present = DossierFactory(session=session, attended=True)
    DossierFactory(session=session, state="absent")
    old = SessionFactory(starts_at=paris(2027, 1, 5, 9), ends_at=paris(2027, 1, 5, 17))
    DossierFactory(session=old, attended=True)  # long over: not asked
    assert run_on(time_machine, 2027, 3, 2, hour=12).satisfaction == 0  # not over yet
    assert run_on(time_machine, 2027, 3, 3).satisfaction == 1
    email = OutgoingEmail.objects.get()
    assert email.to == present.user.email and f"/dossiers/{present.pk}/questionnaire/" in email.body_text
    assert run_on(time_machine, 2027, 3, 4).satisfaction == 0


def test_a_reminder_is_recorded_once_per_occurrence(session):
    dossier = DossierFactory(session=session)
    assert funding_reminders._mark(dossier, funding_reminders.PROPOSAL, "2027-03-15")
    assert not funding_reminders._mark(dossier, funding_reminders.PROPOSAL, "2027-03-15")
    assert funding_reminders._mark(dossier, funding_reminders.PROPOSAL, "2027-03-22")  # a new proposal
    assert FundingReminder.objects.count() == 2


def test_the_command_says_what_it_sent(session, time_machine, capsys):
    DossierFactory(session=session, accepted=True, decided_at=paris(2027, 3, 10, 10))
    time_machine.move_to(paris(2027, 3, 15, 7), tick=False)
    call_command("send_funding_reminders")
    call_command("send_funding_reminders")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("1 rappel(s) de demande") and out[1].startswith("0 rappel(s) de demande")


def test_nothing_is_asked_for_a_cancelled_session(session, time_machine):
    from trainings.models import Session

    dossier = DossierFactory(session=session, accepted=True, decided_at=paris(2027, 3, 10, 10))
    DossierFactory(session=session, mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 15))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    for day in (12, 18, 19, 22):
        sent = run_on(time_machine, 2027, 3, day)
        assert (sent.no_request, sent.proposals, sent.missed) == (0, 0, 0)
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.TODO and not OutgoingEmail.objects.exists()
