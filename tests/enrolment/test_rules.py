import datetime

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from enrolment import rules, services
from enrolment.exceptions import EnrolmentError, TransitionNotAllowed
from enrolment.models import DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, UserFactory

# --- The AMIL's answer within 2 working days --------------------------------------------------------------


def test_a_dossier_sent_on_monday_is_due_on_wednesday_and_overdue_on_thursday():
    monday = paris(2027, 3, 1, 10)
    assert rules.response_due_day(monday) == datetime.date(2027, 3, 3)
    assert not rules.is_response_overdue(monday, paris(2027, 3, 3, 23, 59))
    assert rules.is_response_overdue(monday, paris(2027, 3, 4, 0, 1))


def test_weekends_and_public_holidays_are_not_working_days():
    tuesday = paris(2027, 7, 13, 16)  # Wednesday 14 July is the Fête nationale
    assert rules.response_due_day(tuesday) == datetime.date(2027, 7, 16)
    saturday = paris(2027, 3, 6, 11)
    assert rules.response_due_day(saturday) == datetime.date(2027, 3, 9)


def test_the_number_of_working_days_comes_from_the_settings(settings):
    settings.AMIL_RESPONSE_WORKING_DAYS = 5
    assert rules.response_due_day(paris(2027, 3, 1)) == datetime.date(2027, 3, 8)


def test_waiting_days_counts_calendar_and_working_days_on_paris_dates():
    # Sent on Friday at 23:30 Paris time (22:30 UTC): Friday is the sending day, not Saturday.
    sent = paris(2027, 3, 5, 23, 30)
    assert rules.waiting_days(sent, paris(2027, 3, 9, 9)) == (4, 2)
    assert rules.is_response_overdue(None) is False


@settings(max_examples=60, deadline=None)
@given(
    sent=st.datetimes(min_value=datetime.datetime(2026, 12, 1), max_value=datetime.datetime(2027, 6, 30)),
    later_hours=st.integers(min_value=0, max_value=24 * 20),
    working_days=st.integers(min_value=0, max_value=4),
)
def test_the_database_cutoff_agrees_with_the_rule(sent, later_hours, working_days):
    """`submitted_at < overdue_if_sent_before(now)` is exactly `is_response_overdue(submitted_at, now)`."""
    from django.conf import settings as django_settings

    previous = django_settings.AMIL_RESPONSE_WORKING_DAYS
    django_settings.AMIL_RESPONSE_WORKING_DAYS = working_days
    try:
        sent_at = sent.replace(tzinfo=datetime.UTC)
        now = sent_at + datetime.timedelta(hours=later_hours)
        assert (sent_at < rules.overdue_if_sent_before(now)) == rules.is_response_overdue(sent_at, now)
    finally:
        django_settings.AMIL_RESPONSE_WORKING_DAYS = previous


# --- What the dossier page offers the staff -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "started", "expected"),
    [
        (DossierState.SUBMITTED, False, ["accept", "refuse", "cancel"]),
        (DossierState.WAITLISTED, False, ["refuse", "cancel"]),
        (DossierState.ACCEPTED, False, ["convocation", "cancel"]),
        (DossierState.ACCEPTED, True, ["attended", "absent", "cancel"]),
        (DossierState.ATTENDED, True, ["absent"]),
        (DossierState.ABSENT, True, ["attended"]),
        (DossierState.DRAFT, False, ["cancel"]),
        (DossierState.REFUSED, False, []),
        (DossierState.CANCELLED, False, []),
    ],
)
def test_staff_actions_follow_the_state(state, started, expected):
    session = SessionFactory(days_ahead=-1 if started else 30)
    assert rules.staff_actions(DossierFactory(session=session, state=state)) == expected


# --- One declaration of the allowed transitions, read by the services, the admin and the élu's pages ----------

STAFF_SERVICES = {
    "accept": lambda dossier, staff: services.accept(dossier, by=staff),
    "refuse": lambda dossier, staff: services.refuse(dossier, by=staff, reason="Motif"),
    "cancel": lambda dossier, staff: services.cancel(dossier, by=staff, reason="Motif"),
    "attended": lambda dossier, staff: services.mark_attended(dossier, by=staff),
    "absent": lambda dossier, staff: services.mark_absent(dossier, by=staff),
}
TARGET = {
    "accept": DossierState.ACCEPTED,
    "refuse": DossierState.REFUSED,
    "cancel": DossierState.CANCELLED,
    "attended": DossierState.ATTENDED,
    "absent": DossierState.ABSENT,
}


@pytest.mark.django_db
@pytest.mark.parametrize("transition", sorted(STAFF_SERVICES))
@pytest.mark.parametrize("state", DossierState.values)
def test_the_service_and_the_admin_buttons_follow_the_declared_transitions(transition, state):
    staff = UserFactory(staff=True)
    dossier = DossierFactory(session=SessionFactory(days_ahead=-1), state=state)
    declared = rules.allows(transition, state)
    assert (transition in rules.staff_actions(dossier)) == declared
    if state == TARGET[transition]:
        return  # already there: the service changes nothing, whatever the table says
    try:
        STAFF_SERVICES[transition](dossier, staff)
    except TransitionNotAllowed:
        assert not declared
    else:
        assert declared


@pytest.mark.django_db
@pytest.mark.parametrize("state", DossierState.values)
@pytest.mark.parametrize("started", [False, True], ids=["before the session", "session started"])
def test_the_elu_pages_and_the_cancel_service_apply_one_rule(client, state, started):
    dossier = DossierFactory(session=SessionFactory(days_ahead=-1 if started else 30), state=state)
    shown = rules.elu_can_cancel(dossier)
    client.force_login(dossier.user)
    page = client.get(reverse("enrolment:detail", args=[dossier.pk])).content.decode()
    assert (reverse("enrolment:cancel", args=[dossier.pk]) in page) == shown
    if state == DossierState.CANCELLED:
        return
    try:
        services.cancel(dossier, by=dossier.user)
    except EnrolmentError:
        assert not shown
    else:
        assert shown


@pytest.mark.parametrize(
    "today, status",
    [
        (datetime.date(2026, 11, 27), "in_time"),
        (datetime.date(2026, 11, 30), "today"),
        (datetime.date(2026, 12, 1), "late"),
        (datetime.date(2026, 12, 3), "late"),
        (datetime.date(2026, 12, 4), "closed"),
    ],
)
def test_identity_upload_advice_never_gives_a_past_day(today, status):
    # First day Monday 14 December: last registration day Thursday 3 December, upload by Monday 30 November.
    advice = rules.identity_upload_advice(datetime.date(2026, 12, 14), now=paris(today.year, today.month, today.day))
    assert advice == {"status": status, "day": datetime.date(2026, 11, 30), "last_day": datetime.date(2026, 12, 3)}


def test_identity_late_before_is_the_first_first_day_still_in_time():
    now = paris(2026, 12, 1, 10)
    cutoff = rules.identity_late_before(now).date()
    assert rules.identity_upload_advice(cutoff, now)["status"] in ("in_time", "today")
    assert rules.identity_upload_advice(cutoff - datetime.timedelta(days=1), now)["status"] == "late"
