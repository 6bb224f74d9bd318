"""Dates of the funding track on Mon Compte Formation, in working days (weekends and French public holidays)."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from enrolment import funding_rules
from tests.enrolment.conftest import paris
from tests.factories import SessionFactory
from trainings import deadlines

D = datetime.date


def session_on(first_day, last_day=None):
    return SimpleNamespace(first_day=first_day, last_day=last_day or first_day)


# --- The MCF dossier number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, number",
    [
        ("1234567890", "1234567890"),
        (" 12 34 56 78 90 ", "1234567890"),
        ("n° 1234567890", "1234567890"),
        ("Dossier n°123-456-789", "123456789"),
        ("123456", "123456"),
        ("123456789012", "123456789012"),
    ],
)
def test_an_mcf_number_is_reduced_to_its_digits(typed, number):
    assert funding_rules.normalize_mcf_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567890123", "12345ABC", "١٢٣٤٥٦٧", "https://x/1234567", "12/34/56"]
)
def test_anything_else_is_refused_with_a_french_message(typed):
    with pytest.raises(ValidationError) as error:
        funding_rules.normalize_mcf_number(typed)
    assert "de 6 à 12 chiffres" in error.value.messages[0]


# --- Deadlines in working days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent_on, last_day",
    [
        (D(2027, 3, 17), D(2027, 3, 23)),  # Wednesday: the weekend is skipped
        (D(2027, 3, 25), D(2027, 4, 1)),  # Thursday: the weekend and Easter Monday (29 March) are skipped
        (D(2027, 3, 27), D(2027, 4, 2)),  # sent on a Saturday: Tuesday 30 March to Friday 2 April
    ],
)
def test_proposal_deadline_is_four_working_days_after_sending(sent_on, last_day):
    assert funding_rules.proposal_deadline(sent_on) == last_day


@pytest.mark.parametrize(
    "requested_on, last_day",
    [
        (D(2027, 5, 5), D(2027, 5, 10)),  # Ascension Thursday (6 May) and the weekend are skipped
        (D(2027, 5, 14), D(2027, 5, 19)),  # Friday before Whit Monday (17 May)
        (D(2027, 3, 1), D(2027, 3, 3)),  # an ordinary Monday
    ],
)
def test_organisation_answers_within_two_working_days(requested_on, last_day):
    assert funding_rules.organisation_answer_deadline(requested_on) == last_day


def test_entry_is_declared_within_three_working_days_of_the_first_day():
    # Tuesday 13 July 2027; 14 July is a public holiday.
    assert funding_rules.entry_declaration_deadline(D(2027, 7, 13)) == D(2027, 7, 19)


@pytest.mark.parametrize(
    "last_day, deadline",
    [
        (D(2027, 11, 5), D(2027, 11, 10)),  # Friday: the weekend is skipped
        (D(2027, 11, 9), D(2027, 11, 15)),  # Tuesday: 11 November and the weekend are skipped
    ],
)
def test_service_fait_is_declared_within_three_working_days_of_the_last_day(last_day, deadline):
    assert funding_rules.service_declaration_deadline(last_day) == deadline


def test_the_numbers_are_settings(settings):
    settings.MCF_PROPOSAL_VALIDATION_WORKING_DAYS = 2
    settings.MCF_ORGANISATION_ANSWER_WORKING_DAYS = 1
    settings.MCF_SERVICE_DECLARATION_WORKING_DAYS = 1
    settings.MCF_ENTRY_DECLARATION_WORKING_DAYS = 1
    assert funding_rules.proposal_deadline(D(2027, 3, 25)) == D(2027, 3, 30)
    assert funding_rules.organisation_answer_deadline(D(2027, 5, 5)) == D(2027, 5, 7)
    assert funding_rules.service_declaration_deadline(D(2027, 11, 10)) == D(2027, 11, 12)
    assert funding_rules.entry_declaration_deadline(D(2027, 7, 13)) == D(2027, 7, 15)


# --- The chain backwards from the first day ----------------------------------------------------------------------


def test_the_mcf_request_closes_with_the_portal_registration(settings):
    session = session_on(D(2027, 3, 15))
    assert funding_rules.mcf_request_last_day(session) == D(2027, 3, 4)  # 11 calendar days before
    assert funding_rules.mcf_request_last_day(session) == deadlines.last_registration_day(session.first_day)
    settings.REGISTRATION_DAYS_MODE = "business"
    # 11 working days before Monday 15 March 2027: Monday 1 March... minus one more: Friday 26 February.
    assert funding_rules.mcf_request_last_day(session) == D(2027, 2, 26)
    assert deadlines.last_registration_day(session.first_day) == D(2027, 2, 26)


def test_a_request_on_the_last_day_can_still_be_validated_before_the_session():
    session = session_on(D(2027, 3, 15))
    # Request Thursday 4 March → answer by Monday 8 → validation by Friday 12, before the first day.
    answer_day = funding_rules.organisation_answer_deadline(funding_rules.mcf_request_last_day(session))
    assert funding_rules.proposal_deadline(answer_day) == D(2027, 3, 12)


def test_the_request_is_open_until_its_last_day_included():
    session = session_on(D(2027, 3, 15))
    assert funding_rules.is_mcf_request_open(session, D(2027, 3, 4))
    assert not funding_rules.is_mcf_request_open(session, D(2027, 3, 5))


@pytest.mark.django_db
def test_the_first_day_is_the_paris_date_of_the_start():
    # 00:30 in Paris on 15 March is still 14 March in UTC: the rule counts from the Paris date.
    session = SessionFactory(starts_at=paris(2027, 3, 15, 0, 30), ends_at=paris(2027, 3, 15, 17))
    assert funding_rules.mcf_request_last_day(session) == D(2027, 3, 4)


# --- Where the élu goes on MCF -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mcf_url_is_the_search_without_an_address_of_the_training(settings):
    session = SessionFactory()
    assert funding_rules.mcf_url(session) == settings.MCF_SEARCH_URL
    session.training.mcf_training_id = "12345678900012_BUDGET"
    session.training.mcf_action_id = "12345678900012_BUDGET-TOURS"
    assert funding_rules.mcf_url(session).endswith("/12345678900012_BUDGET/12345678900012_BUDGET-TOURS")
    session.mcf_action_id = "12345678900012_BUDGET-LOCHES"
    assert funding_rules.mcf_url(SimpleNamespace(session=session)).endswith(
        "/12345678900012_BUDGET/12345678900012_BUDGET-LOCHES"
    )


# --- When an EDOF step can have happened, and when the élu hears of a proposal ----------------------------------


def test_each_edof_step_has_its_earliest_day():
    dossier = SimpleNamespace(session=session_on(D(2027, 3, 15), D(2027, 3, 16)), mcf_requested_at=None)
    assert funding_rules.earliest_day(dossier, "proposal_sent") is None  # no request yet
    dossier.mcf_requested_at = paris(2027, 3, 1, 23, 30)  # 22:30 UTC: still the 1st in Paris
    assert funding_rules.earliest_day(dossier, "proposal_sent") == D(2027, 3, 1)
    assert funding_rules.earliest_day(dossier, "entry_declared") == D(2027, 3, 15)
    assert funding_rules.earliest_day(dossier, "service_declared") == D(2027, 3, 16)
    assert funding_rules.earliest_day(dossier, "cancel") is None


def test_the_elu_hears_of_a_proposal_until_its_last_day_to_validate():
    sent_on = D(2027, 3, 5)  # a Friday
    last_day = funding_rules.proposal_deadline(sent_on)
    assert funding_rules.proposal_mail_due(sent_on, today=last_day)
    assert not funding_rules.proposal_mail_due(sent_on, today=last_day + datetime.timedelta(days=1))
