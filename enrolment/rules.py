"""Pure rules of the enrolment journey: no database writes, no request."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from trainings import deadlines

from .models import DossierState

# States from which each actor may cancel.
CANCELLABLE_STATES = (
    DossierState.DRAFT,
    DossierState.AWAITING_IDENTITY,
    DossierState.SUBMITTED,
    DossierState.WAITLISTED,
    DossierState.ACCEPTED,
)


def remaining_cost(price, balance):
    """The "reste à charge": what the DIFE balance does not cover, or None when it covers everything.

    An unknown balance (never recorded) covers nothing: the whole price is shown as remaining.
    """
    covered = balance if balance is not None else Decimal("0")
    if price > covered:
        return price - covered
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


def elu_can_cancel(dossier, now=None):
    """The élu cancels online only before the first day of the session."""
    return dossier.state in CANCELLABLE_STATES and not session_started(dossier.session, now)


def format_address(user):
    """One line for the street part of the élu's recorded home address."""
    number = " ".join(filter(None, [user.street_number, user.get_street_repetition_display()]))
    street = " ".join(filter(None, [number, user.get_street_type_display(), user.street_name]))
    return ", ".join(filter(None, [street, user.address_complement, user.lieu_dit]))


def current_mandates(mandates, today):
    return [m for m in mandates if m.end_date is None or m.end_date >= today]
