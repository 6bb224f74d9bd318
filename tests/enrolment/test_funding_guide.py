"""The one next action of a dossier and the guide "Étape suivante sur Mon Compte Formation": never a past date."""

import datetime

import pytest
import time_machine

from enrolment import funding_guide
from enrolment.models import DossierState, FundingState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db

S = FundingState
D = datetime.date
# The session starts Monday 15 March 2027: MCF's (and the portal's) last day is Thursday 4 March.
FIRST_DAY = D(2027, 3, 15)


@pytest.fixture
def session():
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        return SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))


def action(dossier, today):
    return funding_guide.next_action(dossier, today, now=paris(today.year, today.month, today.day, 10))


@pytest.mark.parametrize(
    "state, funding_state, extra, today, kind, due",
    [
        (DossierState.DRAFT, S.TODO, {}, D(2027, 3, 1), "send", D(2027, 3, 4)),
        (DossierState.DRAFT, S.TODO, {}, D(2027, 3, 5), None, None),
        (DossierState.SUBMITTED, S.TODO, {}, D(2027, 3, 1), "mcf_request", D(2027, 3, 4)),
        (DossierState.ACCEPTED, S.TODO, {}, D(2027, 3, 4), "mcf_request", D(2027, 3, 4)),
        (DossierState.ACCEPTED, S.TODO, {}, D(2027, 3, 5), "too_late", None),
        (
            DossierState.ACCEPTED,
            S.REQUESTED,
            {"mcf_requested_at": paris(2027, 3, 4, 18)},
            D(2027, 3, 4),
            "wait_proposal",
            D(2027, 3, 8),
        ),
        (
            DossierState.ACCEPTED,
            S.REQUESTED,
            {"mcf_requested_at": paris(2027, 3, 1, 18)},
            D(2027, 3, 9),
            "wait_proposal",
            None,
        ),
        (
            DossierState.ACCEPTED,
            S.TO_VALIDATE,
            {"proposal_sent_on": D(2027, 3, 5)},
            D(2027, 3, 6),
            "validate",
            D(2027, 3, 11),
        ),
        (DossierState.ACCEPTED, S.TO_VALIDATE, {"proposal_sent_on": D(2027, 3, 1)}, D(2027, 3, 8), "too_late", None),
        (
            DossierState.ACCEPTED,
            S.TO_VALIDATE,
            {"proposal_sent_on": D(2027, 2, 22)},
            D(2027, 3, 2),
            "mcf_request",
            D(2027, 3, 4),
        ),
        (DossierState.ACCEPTED, S.VALIDATED, {}, D(2027, 3, 10), "come", FIRST_DAY),
        (DossierState.ACCEPTED, S.IN_TRAINING, {}, D(2027, 3, 16), "come", None),
        # Ends Tuesday 16 March: the AMIL declares "service fait" by Friday 19 March.
        (DossierState.ATTENDED, S.IN_TRAINING, {}, D(2027, 3, 17), "wait_service", D(2027, 3, 19)),
        (DossierState.ATTENDED, S.IN_TRAINING, {}, D(2027, 3, 22), "wait_service", None),
        (DossierState.ATTENDED, S.SERVICE_DECLARED, {}, D(2027, 3, 18), "rate", None),
        (DossierState.ATTENDED, S.SERVICE_VALIDATED, {}, D(2027, 3, 30), "done", None),
        (DossierState.ACCEPTED, S.EXPIRED, {}, D(2027, 3, 3), "mcf_request", D(2027, 3, 4)),
        (DossierState.ACCEPTED, S.CANCELLED, {}, D(2027, 3, 5), "too_late", None),
        (DossierState.ACCEPTED, S.REFUSED, {}, D(2027, 3, 3), "refused", None),
        (DossierState.REFUSED, S.TODO, {}, D(2027, 3, 1), None, None),
    ],
)
def test_the_next_action_and_its_date(session, state, funding_state, extra, today, kind, due):
    dossier = DossierFactory(session=session, state=state, funding_state=funding_state, **extra)
    result = action(dossier, today)
    assert (result.kind if result else None, result.due if result else None) == (kind, due)
    if result and result.due:
        assert result.due >= today  # never a past date as an instruction


def test_too_late_says_what_the_amil_can_still_do(session):
    dossier = DossierFactory(session=session, accepted=True)
    result = action(dossier, D(2027, 3, 5))
    assert not result.elu_acts and "trop tard" in result.text
    assert "une autre session ou une prise en charge par votre collectivité" in result.text


def test_a_running_seat_offer_is_the_next_action(session):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        dossier = DossierFactory(session=session, offered=True)
        result = funding_guide.next_action(dossier)
    assert result.kind == "confirm_offer" and result.due == D(2027, 3, 3)


def test_the_guide_is_given_only_while_a_request_is_to_make(session):
    dossier = DossierFactory(session=session, accepted=True, user=UserFactory(verified_by_document=True))
    guide = funding_guide.guide(dossier, D(2027, 3, 4))
    assert guide["identity_path"] == "document" and guide["is_last_day"]
    assert (guide["request_last_day"], guide["answer_day"], guide["validation_day"]) == (
        D(2027, 3, 4),
        D(2027, 3, 8),  # Thursday 4 → Friday 5, Monday 8
        D(2027, 3, 12),
    )
    assert funding_guide.guide(dossier, D(2027, 3, 5)) is None
    dossier.funding_state = S.REQUESTED
    assert funding_guide.guide(dossier, D(2027, 3, 1)) is None
    dossier.funding_state, dossier.state = S.TODO, DossierState.WAITLISTED
    assert funding_guide.guide(dossier, D(2027, 3, 1)) is None


def test_the_search_words_follow_the_modality():
    remote = SessionFactory(training=TrainingFactory(remote=True, title="Urbanisme"), city="", postal_code="")
    assert funding_guide.search_words(remote) == {"what": "Urbanisme", "modality": "Formation à distance", "where": ""}
    here = SessionFactory(training=TrainingFactory(title="Budget"), city="Loches", postal_code="37600")
    assert funding_guide.search_words(here)["where"] == "37600 Loches"


def test_the_link_leads_to_the_training_for_a_request_and_to_the_elus_space_otherwise(session, settings):
    dossier = DossierFactory(session=session, accepted=True)
    assert action(dossier, D(2027, 3, 1)).url == settings.MCF_SEARCH_URL
    dossier.funding_state, dossier.proposal_sent_on = S.TO_VALIDATE, D(2027, 3, 1)
    assert action(dossier, D(2027, 3, 1)).url == settings.MCF_LOGIN_URL
    dossier.funding_state = S.VALIDATED
    assert not action(dossier, D(2027, 3, 1)).on_mcf


def test_nothing_to_do_on_mcf_for_a_cancelled_session(session):
    dossier = DossierFactory(session=session, accepted=True)
    session.status = session.Status.CANCELLED
    assert action(dossier, D(2027, 3, 1)) is None
    assert funding_guide.guide(dossier, D(2027, 3, 1)) is None
