"""The funding track on Mon Compte Formation (MCF): dated facts and pure date rules (no database writes).

Facts of the MCF general conditions and help pages, as of 2026 (each number is a setting, see settings.py):
- the holder sends a "demande d'inscription"; the organisation (the AMIL, in its EDOF space) answers within
  MCF_ORGANISATION_ANSWER_WORKING_DAYS working days, otherwise MCF cancels the request;
- the holder validates the organisation's proposal within MCF_PROPOSAL_VALIDATION_WORKING_DAYS working days,
  otherwise MCF cancels it; once validated, the training is paid with the holder's rights (the DIFE);
- the organisation declares the entry into training within MCF_ENTRY_DECLARATION_WORKING_DAYS working days of
  the start, and the end ("service fait") within MCF_SERVICE_DECLARATION_WORKING_DAYS of the end; the holder is
  then asked to declare attendance and rate the training;
- buying a training requires FranceConnect+ since MCF_FRANCECONNECT_PLUS_SINCE (25 October 2022), or the copy
  of an identity document sent to the Caisse des Dépôts;
- at most MCF_MAX_REQUESTS_PER_ACTION requests for the same training action;
- a request made on MCF later than the registration rule (11 days before the first day, see
  trainings.deadlines) is refused there: the portal's own deadline is that rule.

The chain, worked backwards from the session's first day. The élu goes to MCF right after sending the portal
dossier, not after the AMIL's answer: the last day to make the MCF request is the portal's last registration
day, so an élu who sends the portal dossier on its last day can still make the MCF request the same day. The
AMIL answers both (its decision in the portal, the proposal in EDOF) within its own 2 working days.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from trainings import deadlines, mcf

from .models import DossierState, FundingState

# The AMIL's decision lets the funding go on: the dossier is sent (the élu goes to MCF right after sending), accepted,
# or the session attended (or not).
FUNDABLE_DOSSIER_STATES = frozenset(
    {DossierState.SUBMITTED, DossierState.ACCEPTED, DossierState.ATTENDED, DossierState.ABSENT}
)


def shows_funding(dossier):
    """Whether the dossier's pages show its funding track: the AMIL's decision lets it go on, or it has begun."""
    return dossier.state in FUNDABLE_DOSSIER_STATES or dossier.funding_state != FundingState.TODO


# MCF validated the élu's dossier: the training is paid by the DIFE (what the activity report counts as DIFE).
PAID_BY_DIFE_STATES = frozenset(
    {FundingState.VALIDATED, FundingState.IN_TRAINING, FundingState.SERVICE_DECLARED, FundingState.SERVICE_VALIDATED}
)

# An MCF dossier number as MCF shows it ("Dossier de formation n° 1234567890"): digits only. We accept 6 to 12
# digits, typed with spaces, dots or dashes between groups, and an optional "n°" in front.
MCF_NUMBER_MIN_DIGITS = 6
MCF_NUMBER_MAX_DIGITS = 12
_MCF_NUMBER_PREFIX = re.compile(r"^\s*(dossier\s*(de\s*formation)?\s*)?(n\s*°|no\.?|n°|#)?\s*", re.IGNORECASE)
_MCF_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")
MCF_NUMBER_ERROR = (
    "Le numéro de dossier Mon Compte Formation est fait de {min} à {max} chiffres "
    "(il figure en haut de votre dossier sur Mon Compte Formation, après « Dossier n° »). "
    "Vérifiez ce que vous avez tapé."
)


def normalize_mcf_number(value):
    """The MCF dossier number typed by someone, reduced to its digits; ValidationError (French) if it is not one."""
    text = _MCF_NUMBER_PREFIX.sub("", str(value or ""), count=1)
    digits = _MCF_NUMBER_SEPARATORS.sub("", text)
    if not (digits.isascii() and digits.isdigit() and MCF_NUMBER_MIN_DIGITS <= len(digits) <= MCF_NUMBER_MAX_DIGITS):
        raise ValidationError(
            MCF_NUMBER_ERROR.format(min=MCF_NUMBER_MIN_DIGITS, max=MCF_NUMBER_MAX_DIGITS), code="mcf_number"
        )
    return digits


# --- Dates, in working days (trainings.deadlines: Monday–Friday, French public holidays excluded) ----------------


def organisation_answer_deadline(requested_on):
    """The last day for the AMIL to answer, in EDOF, an MCF request made on `requested_on`."""
    return deadlines.add_working_days(requested_on, settings.MCF_ORGANISATION_ANSWER_WORKING_DAYS)


def proposal_deadline(sent_on):
    """The last day for the élu to validate ("Valider") a proposal the AMIL sent on `sent_on`."""
    return deadlines.add_working_days(sent_on, settings.MCF_PROPOSAL_VALIDATION_WORKING_DAYS)


def proposal_mail_due(sent_on, today=None):
    """Whether the élu is told by e-mail of a proposal sent on `sent_on`: not once its last day to validate has
    passed (news that came late, from an import or noted late by staff)."""
    return proposal_deadline(sent_on) >= (today or deadlines.paris_today())


def earliest_day(dossier, step):
    """The first day on which the EDOF `step` (a transition of enrolment.funding) can have happened: the MCF request
    for the proposal, the session's first day for the entry, its last day for the "service fait" (None for another
    step, or a proposal before any request)."""
    if step == "proposal_sent":
        return requested_on(dossier)
    if step == "entry_declared":
        return dossier.session.first_day
    if step == "service_declared":
        return dossier.session.last_day
    return None


def entry_declaration_deadline(first_day):
    """The last day for the AMIL to declare, in EDOF, the entry into training of a session starting on `first_day`."""
    return deadlines.add_working_days(first_day, settings.MCF_ENTRY_DECLARATION_WORKING_DAYS)


def service_declaration_deadline(last_day):
    """The last day for the AMIL to declare, in EDOF, the end ("service fait") of a session ending on `last_day`."""
    return deadlines.add_working_days(last_day, settings.MCF_SERVICE_DECLARATION_WORKING_DAYS)


def mcf_request_last_day(session):
    """The last day on which MCF takes the élu's request ("Créer mon dossier d'inscription") for the session: the
    portal's own last day, since the élu goes to MCF right after sending the portal dossier."""
    return deadlines.last_registration_day(session.first_day)


def is_mcf_request_open(session, today=None):
    """Whether MCF still takes a request for the session today (Paris)."""
    today = today or deadlines.paris_today()
    return today <= mcf_request_last_day(session)


def requested_on(dossier):
    """The Paris day the MCF request was recorded (None before)."""
    if dossier.mcf_requested_at is None:
        return None
    return deadlines.paris_today(dossier.mcf_requested_at)


# --- Where the élu goes on MCF ----------------------------------------------------------------------------------


def mcf_url(dossier_or_session):
    """The MCF page to open for a dossier or a session: the training (and the session's action) itself when staff
    entered its MCF identifiers (trainings.mcf), otherwise the MCF search (where the guide says what to type)."""
    session = getattr(dossier_or_session, "session", dossier_or_session)
    return mcf.exact_url(session.training, session) or settings.MCF_SEARCH_URL


def identity_path(user):
    """How the élu proves their identity on MCF: "franceconnect" (FranceConnect+) for an élu who uses FranceConnect
    with the portal, "document" (the ID copy to the Caisse des Dépôts) for the others."""
    from accounts.models.user import IdentityMethod

    return "franceconnect" if user.identity_method == IdentityMethod.FRANCECONNECT else "document"
