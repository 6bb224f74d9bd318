"""The funding track on Mon Compte Formation: one service per transition, each with its log row and e-mail."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from enrolment import funding
from enrolment.exceptions import NotAllowed
from enrolment.funding import ALLOWED, FundingError
from enrolment.models import Dossier, DossierState, FundingLog, FundingSource, FundingState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db

S = FundingState
D = datetime.date
STAFF, IMPORT, ELU, SYSTEM = FundingSource.STAFF, FundingSource.IMPORT, FundingSource.ELU, FundingSource.SYSTEM


def log_rows(dossier):
    return list(dossier.funding_logs.values_list("from_state", "to_state", "source", "by"))


def mails(kind_subject):
    return [e for e in OutgoingEmail.objects.all() if kind_subject in e.subject]


@pytest.fixture
def accepted(elu, session):
    return DossierFactory(user=elu, session=session, accepted=True)


# --- record_mcf_request ----------------------------------------------------------------------------------------


def test_the_elu_records_the_number_of_their_mcf_request(accepted, elu):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        dossier = funding.record_mcf_request(accepted, "n° 12 3456 7890", by=elu, source=ELU)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.REQUESTED and dossier.mcf_number == "1234567890"
    assert dossier.mcf_requested_at == paris(2027, 3, 1, 10) == dossier.funding_state_since
    assert log_rows(dossier) == [(S.TODO, S.REQUESTED, ELU, elu.pk)]
    assert "1234567890" in dossier.funding_logs.get().note


def test_a_sent_dossier_may_be_funded_before_the_amils_answer(elu, session):
    dossier = DossierFactory(user=elu, session=session, submitted=True)
    assert funding.can(dossier, "record_mcf_request")
    funding.record_mcf_request(dossier, "1234567890", by=elu, source=ELU)
    assert Dossier.objects.get().funding_state == S.REQUESTED


@pytest.mark.parametrize("state", [DossierState.DRAFT, DossierState.WAITLISTED, DossierState.REFUSED, "cancelled"])
def test_no_request_is_recorded_for_a_dossier_the_amil_does_not_hold(elu, session, state):
    dossier = DossierFactory(user=elu, session=session, state=state)
    assert not funding.can(dossier, "record_mcf_request")
    with pytest.raises(FundingError, match="la demande d'inscription à l'AMIL est à l'état"):
        funding.record_mcf_request(dossier, "1234567890", by=elu, source=ELU)
    assert not FundingLog.objects.exists() and Dossier.objects.get().mcf_number == ""


def test_a_malformed_number_is_refused_in_french_and_nothing_is_written(accepted, elu):
    with pytest.raises(FundingError, match="de 6 à 12 chiffres"):
        funding.record_mcf_request(accepted, "ABC123", by=elu, source=ELU)
    accepted.refresh_from_db()
    assert accepted.funding_state == S.TODO and not FundingLog.objects.exists()


def test_typing_the_same_number_twice_writes_one_row(accepted, elu):
    funding.record_mcf_request(accepted, "1234567890", by=elu, source=ELU)
    funding.record_mcf_request(accepted, "12 3456 7890", by=elu, source=ELU)
    assert FundingLog.objects.count() == 1


def test_another_number_while_requested_corrects_it_with_a_log_row(accepted, elu):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        funding.record_mcf_request(accepted, "1234567890", by=elu, source=ELU)
    with time_machine.travel(paris(2027, 3, 2, 10), tick=False):
        dossier = funding.record_mcf_request(accepted, "1234567891", by=elu, source=ELU)
    assert Dossier.objects.get().mcf_number == "1234567891"
    assert Dossier.objects.get().mcf_requested_at == paris(2027, 3, 1, 10)  # the request's day is kept
    assert log_rows(dossier)[-1] == (S.REQUESTED, S.REQUESTED, ELU, elu.pk)
    assert "était 1234567890" in dossier.funding_logs.last().note


def test_a_number_of_another_dossier_is_refused(accepted, elu):
    DossierFactory(mcf_requested=True, mcf_number="1234567890")
    with pytest.raises(FundingError, match="déjà enregistré pour un autre dossier"):
        funding.record_mcf_request(accepted, "1234567890", by=elu, source=ELU)
    assert Dossier.objects.get(pk=accepted.pk).mcf_number == ""


def test_the_database_refuses_one_number_on_two_dossiers():
    DossierFactory(mcf_requested=True, mcf_number="1234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierFactory(mcf_requested=True, mcf_number="1234567890")


def test_many_dossiers_may_have_no_number_yet():
    DossierFactory.create_batch(3, accepted=True)
    assert Dossier.objects.filter(mcf_number="").count() == 3


def test_a_new_request_after_an_expiry_up_to_the_mcf_limit(accepted, elu, staff, settings):
    settings.MCF_MAX_REQUESTS_PER_ACTION = 2
    funding.record_mcf_request(accepted, "1000000001", by=elu, source=ELU)
    funding.expire(accepted, note="Pas de réponse dans les 2 jours ouvrés.")
    funding.record_mcf_request(accepted, "1000000002", by=elu, source=ELU)
    funding.cancel(accepted, by=staff, source=STAFF, note="Annulé sur Mon Compte Formation.")
    with pytest.raises(FundingError, match="pas plus de 2 demandes"):
        funding.record_mcf_request(accepted, "1000000003", by=elu, source=ELU)
    assert Dossier.objects.get().mcf_number == "1000000002"


def test_an_elu_may_not_record_for_another_elu(accepted):
    other = DossierFactory(accepted=True).user
    with pytest.raises(NotAllowed):
        funding.record_mcf_request(accepted, "1234567890", by=other, source=ELU)


def test_the_elu_may_not_move_the_amils_steps(elu, staff):
    dossier = DossierFactory(user=elu, mcf_requested=True)
    with pytest.raises(NotAllowed):
        funding.proposal_validated(dossier, by=elu, source=ELU)
    with pytest.raises(NotAllowed):
        funding.proposal_validated(dossier, by=elu, source=STAFF)  # not a staff member
    assert Dossier.objects.get().funding_state == S.REQUESTED


# --- The AMIL's steps in EDOF ----------------------------------------------------------------------------------


def test_proposal_sent_gives_the_elu_four_working_days_by_email(staff, committed, mailoutbox, settings):
    with time_machine.travel(paris(2027, 3, 25, 10), tick=False):
        dossier = DossierFactory(mcf_requested=True)
        with committed():
            funding.proposal_sent(dossier, on=D(2027, 3, 25), by=staff, source=STAFF)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.TO_VALIDATE and dossier.proposal_sent_on == D(2027, 3, 25)
    assert log_rows(dossier)[-1] == (S.REQUESTED, S.TO_VALIDATE, STAFF, staff.pk)
    assert "jeudi 1 avril 2027" in dossier.funding_logs.last().note  # Easter Monday skipped
    (mail,) = mailoutbox
    assert mail.to == [dossier.user.email] and "Validez votre dossier" in mail.subject
    assert "au plus tard le jeudi 1 avril 2027" in mail.body and "« Valider »" in mail.body
    assert "jeudi 1 avril 2027" in mail.alternatives[0][0]
    assert settings.MCF_LOGIN_URL in mail.body  # the élu's own space on MCF, where the proposal waits


def test_a_proposal_whose_validation_time_is_over_sends_no_instruction(staff):
    with time_machine.travel(paris(2027, 4, 5, 10), tick=False):
        dossier = DossierFactory(mcf_requested=True, mcf_requested_at=paris(2027, 3, 20))
        funding.proposal_sent(dossier, on=D(2027, 3, 25), by=staff, source=IMPORT)  # imported late
    assert Dossier.objects.get().funding_state == S.TO_VALIDATE
    assert not OutgoingEmail.objects.exists()


def test_a_proposal_date_in_the_future_or_before_the_request_is_refused(staff):
    with time_machine.travel(paris(2027, 3, 25, 10), tick=False):
        dossier = DossierFactory(mcf_requested=True)
        with pytest.raises(FundingError, match="dans le futur"):
            funding.proposal_sent(dossier, on=D(2027, 3, 26), by=staff, source=STAFF)
        with pytest.raises(FundingError, match="avant la demande sur Mon Compte Formation"):
            funding.proposal_sent(dossier, on=D(2027, 3, 24), by=staff, source=STAFF)
    assert Dossier.objects.get().funding_state == S.REQUESTED and not FundingLog.objects.exists()


@pytest.mark.parametrize("trait", ["mcf_requested", "mcf_to_validate"])
def test_proposal_validated_means_paid_by_the_dife(staff, trait):
    dossier = DossierFactory(**{trait: True})
    from_state = dossier.funding_state
    funding.proposal_validated(dossier, by=None, source=IMPORT)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.VALIDATED
    assert dossier.get_funding_state_display() == "Validée, payée par le DIFE"
    assert log_rows(dossier) == [(from_state, S.VALIDATED, IMPORT, None)]


def test_entry_declared_from_the_first_day(staff):
    session = SessionFactory(starts_at=paris(2027, 7, 13, 9), ends_at=paris(2027, 7, 13, 17))
    dossier = DossierFactory(session=session, mcf_validated=True)
    with time_machine.travel(paris(2027, 7, 15, 10), tick=False):
        with pytest.raises(FundingError, match="avant le premier jour de la session"):
            funding.entry_declared(dossier, on=D(2027, 7, 12), by=staff, source=STAFF)
        funding.entry_declared(dossier, on=D(2027, 7, 13), by=staff, source=STAFF)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.IN_TRAINING and dossier.entry_declared_on == D(2027, 7, 13)
    assert log_rows(dossier) == [(S.VALIDATED, S.IN_TRAINING, STAFF, staff.pk)]


def test_service_declared_asks_the_elu_to_confirm_and_rate(staff, committed, mailoutbox):
    session = SessionFactory(starts_at=paris(2027, 11, 8, 9), ends_at=paris(2027, 11, 9, 17))
    dossier = DossierFactory(session=session, mcf_validated=True, funding_state=S.IN_TRAINING)
    with time_machine.travel(paris(2027, 11, 10, 10), tick=False):
        with pytest.raises(FundingError, match="avant le dernier jour de la session"):
            funding.service_declared(dossier, on=D(2027, 11, 8), by=staff, source=STAFF)
        with committed():
            funding.service_declared(dossier, on=D(2027, 11, 10), by=staff, source=STAFF)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.SERVICE_DECLARED and dossier.service_declared_on == D(2027, 11, 10)
    assert log_rows(dossier) == [(S.IN_TRAINING, S.SERVICE_DECLARED, STAFF, staff.pk)]
    (mail,) = mailoutbox
    assert "confirmez votre présence" in mail.body.lower() and "donnez votre avis" in mail.body


def test_service_validated_closes_the_track(staff):
    dossier = DossierFactory(mcf_validated=True, funding_state=S.SERVICE_DECLARED)
    funding.service_validated(dossier, by=staff, source=STAFF)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.SERVICE_VALIDATED
    assert log_rows(dossier) == [(S.SERVICE_DECLARED, S.SERVICE_VALIDATED, STAFF, staff.pk)]
    for name in ALLOWED:
        assert not funding.can(dossier, name)


def test_a_transition_to_the_current_state_changes_nothing(staff):
    dossier = DossierFactory(mcf_validated=True)
    funding.proposal_validated(dossier, by=staff, source=IMPORT)
    assert not FundingLog.objects.exists()


@pytest.mark.parametrize(
    "name, call",
    [
        ("proposal_sent", lambda d, s: funding.proposal_sent(d, on=datetime.date.today(), by=s, source=STAFF)),
        ("proposal_validated", lambda d, s: funding.proposal_validated(d, by=s, source=STAFF)),
        ("entry_declared", lambda d, s: funding.entry_declared(d, on=datetime.date.today(), by=s, source=STAFF)),
        ("service_declared", lambda d, s: funding.service_declared(d, on=datetime.date.today(), by=s, source=STAFF)),
        ("service_validated", lambda d, s: funding.service_validated(d, by=s, source=STAFF)),
        ("refuse", lambda d, s: funding.refuse(d, by=s, source=STAFF, note="Session complète")),
    ],
)
def test_every_step_is_refused_from_todo_with_a_french_message(staff, name, call):
    dossier = DossierFactory(accepted=True)
    assert not funding.can(dossier, name)
    with pytest.raises(FundingError, match="« À faire sur Mon Compte Formation »"):
        call(dossier, staff)
    assert not FundingLog.objects.exists() and Dossier.objects.get().funding_state == S.TODO


# --- When the track stops ---------------------------------------------------------------------------------------


def test_refuse_needs_a_reason_and_tells_the_elu_what_the_amil_can_do(staff, committed, mailoutbox):
    dossier = DossierFactory(mcf_requested=True)
    with pytest.raises(FundingError, match="Indiquez le motif"):
        funding.refuse(dossier, by=staff, source=STAFF, note=" ")
    with committed():
        funding.refuse(dossier, by=staff, source=STAFF, note="Session complète sur Mon Compte Formation.")
    dossier.refresh_from_db()
    assert dossier.funding_state == S.REFUSED
    assert log_rows(dossier) == [(S.REQUESTED, S.REFUSED, STAFF, staff.pk)]
    (mail,) = mailoutbox
    assert "Session complète" in mail.body and "une autre session" in mail.body
    assert "nouvelle demande" not in mail.body


def test_cancel_while_mcf_still_takes_requests_says_until_when(staff, committed, mailoutbox):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17))
        dossier = DossierFactory(session=session, mcf_to_validate=True)
        with committed():
            funding.cancel(dossier, by=staff, source=STAFF, note="Annulé par l'élu sur Mon Compte Formation.")
    dossier.refresh_from_db()
    assert dossier.funding_state == S.CANCELLED
    assert log_rows(dossier) == [(S.TO_VALIDATE, S.CANCELLED, STAFF, staff.pk)]
    (mail,) = mailoutbox
    assert "nouvelle demande sur Mon Compte Formation jusqu'au jeudi 4 mars 2027" in mail.body


def test_expire_by_the_scheduler_after_mcfs_last_day_says_it_is_too_late(committed, mailoutbox):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17))
        dossier = DossierFactory(session=session, accepted=True)
    with time_machine.travel(paris(2027, 3, 5, 10), tick=False), committed():
        funding.expire(dossier)
    dossier.refresh_from_db()
    assert dossier.funding_state == S.EXPIRED
    assert log_rows(dossier) == [(S.TODO, S.EXPIRED, SYSTEM, None)]
    assert dossier.funding_logs.get().note == "Le délai de Mon Compte Formation est dépassé."
    (mail,) = mailoutbox
    assert "ne peut plus être payée par votre DIFE" in mail.body and "nouvelle demande" not in mail.body
    assert "mars 2027" not in mail.body.split("Motif")[1]  # no past date given as something to do


@pytest.mark.parametrize("state", [S.SERVICE_DECLARED, S.SERVICE_VALIDATED, S.REFUSED, S.EXPIRED])
def test_a_finished_track_cannot_be_cancelled(staff, state):
    dossier = DossierFactory(mcf_validated=True, funding_state=state)
    with pytest.raises(FundingError):
        funding.cancel(dossier, by=staff, source=STAFF, note="Erreur")


def test_the_allowed_table_drives_can():
    dossier = Dossier(state=DossierState.ACCEPTED)
    for name, rule in ALLOWED.items():
        for state in S:
            dossier.funding_state = state
            assert funding.can(dossier, name) == (state in rule.sources), (name, state)


def test_the_full_journey_leaves_one_row_per_step(elu, staff, accepted):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
        accepted.session = session
        accepted.save()
        funding.record_mcf_request(accepted, "9876543210", by=elu, source=ELU)
    with time_machine.travel(paris(2027, 3, 2, 10), tick=False):
        funding.proposal_sent(accepted, on=D(2027, 3, 2), by=staff, source=STAFF)
    with time_machine.travel(paris(2027, 3, 4, 10), tick=False):
        funding.proposal_validated(accepted, by=None, source=IMPORT)
    with time_machine.travel(paris(2027, 3, 15, 18), tick=False):
        funding.entry_declared(accepted, on=D(2027, 3, 15), by=staff, source=STAFF)
    with time_machine.travel(paris(2027, 3, 17, 10), tick=False):
        funding.service_declared(accepted, on=D(2027, 3, 17), by=staff, source=STAFF)
        funding.service_validated(accepted, by=None, source=IMPORT)
    assert [row[:2] for row in log_rows(accepted)] == [
        (S.TODO, S.REQUESTED),
        (S.REQUESTED, S.TO_VALIDATE),
        (S.TO_VALIDATE, S.VALIDATED),
        (S.VALIDATED, S.IN_TRAINING),
        (S.IN_TRAINING, S.SERVICE_DECLARED),
        (S.SERVICE_DECLARED, S.SERVICE_VALIDATED),
    ]
