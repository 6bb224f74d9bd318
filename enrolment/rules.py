"""Pure rules of the enrolment journey: no database writes, no request."""

import datetime

from django.conf import settings
from django.utils import timezone

from trainings import deadlines

from .models import DossierState

# The states each transition may leave from, declared once: the services check it (again, under lock), the admin
# offers its buttons from it (`staff_actions`), the élu's pages their links (`elu_can_cancel`).
TRANSITIONS = {
    "submit": (DossierState.DRAFT,),
    "confirm_offer": (DossierState.WAITLISTED,),
    "accept": (DossierState.SUBMITTED,),
    "refuse": (DossierState.SUBMITTED, DossierState.WAITLISTED),
    "cancel": (
        DossierState.DRAFT,
        DossierState.AWAITING_IDENTITY,
        DossierState.SUBMITTED,
        DossierState.WAITLISTED,
        DossierState.ACCEPTED,
    ),
    "attended": (DossierState.ACCEPTED, DossierState.ABSENT),
    "absent": (DossierState.ACCEPTED, DossierState.ATTENDED),
}


def allows(transition, state):
    """Whether `transition` may leave from `state`."""
    return state in TRANSITIONS[transition]


def remaining_cost(price, balance):
    """The "reste à charge": what the DIFE balance does not cover, or None when it covers everything.

    An unknown balance (never recorded) is not a zero balance: nothing can be computed, None too (the pages
    then say that the amount is unknown and how to find it).
    """
    if balance is not None and price > balance:
        return price - balance
    return None


def missing_information(dossier):
    """French labels of what the AMIL needs and the dossier does not hold yet."""
    missing = []
    if not dossier.contact_email:
        missing.append("l'adresse mail")
    if not (dossier.phone_mobile or dossier.phone_landline):
        missing.append("un numéro de téléphone")
    if not (dossier.street_address and dossier.postal_code and dossier.city):
        missing.append("l'adresse postale")
    if not (dossier.mandate_id or dossier.mandate_label):
        missing.append("le mandat")
    return missing


def offer_expires_at(session, now):
    """A waiting-list offer lasts WAITING_LIST_OFFER_HOURS, never beyond the registration deadline."""
    offer_end = now + datetime.timedelta(hours=settings.WAITING_LIST_OFFER_HOURS)
    return min(offer_end, deadlines.registration_deadline(session.first_day))


def can_offer_seats(session, now):
    """Seats are offered from the waiting list only while the session still takes requests."""
    return session.status == session.Status.OPEN and deadlines.is_registration_open(session.first_day, now)


def session_started(session, now=None):
    return (now or timezone.now()) >= session.starts_at


def elu_cancel_ends_at(dossier):
    """The moment the élu can no longer cancel online: the start of the session."""
    return dossier.session.starts_at


def elu_can_cancel(dossier, now=None):
    """The élu cancels online only before the first day of the session (checked by `services.cancel` too)."""
    return allows("cancel", dossier.state) and not session_started(dossier.session, now)


def format_address(user):
    """One line for the street part of the élu's recorded home address."""
    number = " ".join(filter(None, [user.street_number, user.get_street_repetition_display()]))
    street = " ".join(filter(None, [number, user.get_street_type_display(), user.street_name]))
    return ", ".join(filter(None, [street, user.address_complement, user.lieu_dit]))


def current_mandates(mandates, today):
    return [m for m in mandates if m.end_date is None or m.end_date >= today]


# --- The AMIL's answer: within AMIL_RESPONSE_WORKING_DAYS working days of the sending ---------------------


def response_due_day(submitted_at):
    """The last Paris day on which the AMIL should answer a dossier sent at `submitted_at`."""
    return deadlines.add_working_days(deadlines.paris_today(submitted_at), settings.AMIL_RESPONSE_WORKING_DAYS)


def is_response_overdue(submitted_at, now=None):
    """Whether a dossier sent at `submitted_at` has waited more than the allowed working days."""
    return submitted_at is not None and deadlines.paris_today(now) > response_due_day(submitted_at)


def overdue_if_sent_before(now=None):
    """The instant such that `submitted_at < instant` is exactly `is_response_overdue(submitted_at, now)`.

    Lists filter on it in the database. `response_due_day` never decreases as the sending day moves
    later, so the sending days that are overdue today are exactly those before a cut-off day.
    """
    today = deadlines.paris_today(now)
    cutoff = today
    while deadlines.add_working_days(cutoff - datetime.timedelta(days=1), settings.AMIL_RESPONSE_WORKING_DAYS) >= today:
        cutoff -= datetime.timedelta(days=1)
    return deadlines.paris_midnight(cutoff)


def waiting_days(submitted_at, now=None):
    """(calendar days, working days) since a dossier was sent, counted on Paris dates."""
    sent_day = deadlines.paris_today(submitted_at)
    today = deadlines.paris_today(now)
    return (today - sent_day).days, deadlines.working_days_between(sent_day, today)


def staff_actions(dossier, now=None):
    """The buttons the dossier page offers the staff, in order (the services check again when clicked)."""
    started = session_started(dossier.session, now)
    state = dossier.state
    actions = [name for name in ("accept", "refuse") if allows(name, state)]
    if state == DossierState.ACCEPTED and not started:
        actions.append("convocation")
    # Presence is noted once the session has started.
    actions += [name for name in ("attended", "absent") if started and allows(name, state)]
    if allows("cancel", state):
        actions.append("cancel")
    return actions


# --- The identity document of an élu without FranceConnect: when to send it -------------------------------


def identity_upload_advice(first_day, now=None):
    """What the dossier pages tell an élu who still has an identity document to send, for a session starting on
    `first_day`. A day in the past is never given as an instruction:

    - "in_time": send it by `day` (the last registration day minus the usual review time);
    - "today": `day` is today;
    - "late": the usual review time no longer fits before `last_day`: send it today, the team reviews it first;
    - "closed": registration is closed, nothing to advise.
    """
    today = deadlines.paris_today(now)
    last_day = deadlines.last_registration_day(first_day)
    day = deadlines.recommended_upload_day(first_day)
    if today > last_day:
        status = "closed"
    elif day > today:
        status = "in_time"
    elif day == today:
        status = "today"
    else:
        status = "late"
    return {"status": status, "day": day, "last_day": last_day}


def identity_late_before(now=None):
    """The earliest first day whose recommended identity upload day is today or later.

    Sessions starting (Paris) before that day leave less than the usual review time to check an identity document
    sent now: the staff to-do lists those documents as urgent. `recommended_upload_day` never decreases as the
    first day moves later, so this cut-off is exact and databases can filter on it.
    """
    today = deadlines.paris_today(now)
    candidate = today
    while deadlines.recommended_upload_day(candidate) < today:
        candidate += datetime.timedelta(days=1)
    return deadlines.paris_midnight(candidate)
