"""What the funding track asks of the team (enrolment/funding_todo.py): to-do items, list filter, bounds in
working days across weekends and public holidays."""

import datetime

import pytest
from django.urls import reverse

from enrolment import funding_todo, todo
from enrolment.models import Dossier, FundingState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def matching(bucket, now):
    return set(Dossier.objects.filter(funding_todo.condition(bucket, now)))


def session_on(first, last=None):
    last = last or first
    return SessionFactory(starts_at=paris(*first, 9), ends_at=paris(*last, 17))


def test_accepted_without_an_mcf_request_for_more_than_n_days(settings):
    settings.MCF_REQUEST_REMINDER_DAYS = 2
    now = paris(2027, 3, 10, 10)
    late = DossierFactory(accepted=True, decided_at=paris(2027, 3, 8, 9))
    DossierFactory(accepted=True, decided_at=paris(2027, 3, 9, 11))  # not yet 2 days
    DossierFactory(mcf_requested=True, decided_at=paris(2027, 3, 1, 9))  # request made
    DossierFactory(submitted=True, submitted_at=paris(2027, 3, 1, 9))  # not accepted yet
    assert matching(funding_todo.NO_REQUEST, now) == {late}


def test_proposals_expiring_within_one_working_day_across_a_weekend():
    # Friday 12 March 2027: the next working day is Monday 15.
    now = paris(2027, 3, 12, 10)
    due_today = DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 8))  # +4 → Fri 12
    due_monday = DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 9))  # +4 → Mon 15
    DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 10))  # Tue 16
    DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 5))  # Thu 11: past
    assert matching(funding_todo.PROPOSAL_EXPIRING, now) == {due_today, due_monday}


def test_a_public_holiday_moves_the_proposal_deadline():
    # Sent Tuesday 4 May 2027; Thursday 6 May is Ascension: Wed 5, Fri 7, Mon 10, Tue 11 is the last day.
    now = paris(2027, 5, 10, 10)  # Monday: the last day is tomorrow
    expiring = DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 5, 4))
    assert matching(funding_todo.PROPOSAL_EXPIRING, now) == {expiring}
    assert matching(funding_todo.PROPOSAL_EXPIRING, paris(2027, 5, 7, 10)) == set()


def test_entries_and_services_to_declare_with_their_late_part():
    now = paris(2027, 3, 17, 10)  # Wednesday
    started_monday = DossierFactory(mcf_validated=True, session=session_on((2027, 3, 15)))  # last day Thu 18
    started_last_week = DossierFactory(mcf_validated=True, session=session_on((2027, 3, 12)))  # last day Wed 17
    DossierFactory(mcf_validated=True, session=session_on((2027, 3, 18)))  # not started
    in_training = DossierFactory(
        mcf_validated=True, funding_state=FundingState.IN_TRAINING, session=session_on((2027, 3, 8))
    )
    assert matching(funding_todo.ENTRY, now) == {started_monday, started_last_week}
    assert matching(funding_todo.ENTRY_LATE, now) == {started_last_week}
    assert matching(funding_todo.SERVICE, now) == {started_monday, started_last_week, in_training}
    assert matching(funding_todo.SERVICE_LATE, now) == {started_last_week, in_training}


def test_a_cancelled_session_asks_for_no_entry_into_training():
    from trainings.models import Session

    now = paris(2027, 3, 17, 10)
    cancelled = SessionFactory(
        starts_at=paris(2027, 3, 12, 9), ends_at=paris(2027, 3, 12, 17), status=Session.Status.CANCELLED
    )
    DossierFactory(mcf_validated=True, session=cancelled)
    for bucket in (funding_todo.ENTRY, funding_todo.ENTRY_LATE, funding_todo.SERVICE, funding_todo.SERVICE_LATE):
        assert matching(bucket, now) == set(), bucket


def test_the_admin_home_lists_the_funding_items_linked_to_the_filtered_list(client, time_machine):
    time_machine.move_to(paris(2027, 3, 12, 10), tick=False)
    DossierFactory(mcf_to_validate=True, proposal_sent_on=datetime.date(2027, 3, 8))
    DossierFactory(mcf_validated=True, session=session_on((2027, 3, 8)))
    staff = UserFactory(superuser=True)
    items = {item.label: item for item in todo.items_for(staff)}
    expiring = items["Propositions Mon Compte Formation à valider par l'élu au plus tard le jour ouvré suivant"]
    assert expiring.count == 1 and expiring.urgent
    assert items["Entrées en formation à déclarer sur EDOF"].count == 1
    assert items["dont à déclarer aujourd'hui ou en retard (3 jours ouvrés après le début)"].count == 1
    assert items["Services faits à déclarer sur EDOF"].count == 1
    client.force_login(staff)
    listed = client.get(expiring.url).context["cl"].result_list
    assert [dossier.funding_state for dossier in listed] == [FundingState.TO_VALIDATE]
    assert "Propositions Mon Compte Formation" in client.get(reverse("admin:index")).content.decode()
