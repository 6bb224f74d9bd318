"""Every change of a dossier's funding track on Mon Compte Formation (MCF), one function per transition.

The track is separate from the AMIL's decision (`Dossier.state`, enrolment.services): it mirrors the élu's
dossier on MCF, which the DIFE pays through. Each function runs in a transaction, locks the dossier row, re-checks
the transition once the lock is held (`ALLOWED`), writes a `FundingLog` row (who, when, from, to, source, note)
and, where the élu must act or learns of a failure, queues its e-mail in the outbox (delivered after the commit).
An illegal transition raises `FundingError`, whose message is French. A transition to the state the dossier is
already in changes nothing and writes no log row (a double click, an import run twice).

`source` says where the news came from: the élu (who typed the MCF number), the staff (admin), the import of
the list exported from the AMIL's EDOF space, or the system (a scheduled command).
"""

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from trainings import deadlines

from . import emails, funding_rules, seats, services
from .exceptions import EnrolmentError, NotAllowed
from .models import Dossier, FundingLog, FundingSource, FundingState


class FundingError(EnrolmentError):
    """A funding transition that is not possible: `str(error)` is a French sentence fit for the élu or staff."""

    message = "Cette étape du financement Mon Compte Formation n'est pas possible."


class Transition(NamedTuple):
    sources: frozenset
    target: str
    verb: str  # "Impossible de <verb> : …"


S = FundingState
# The allowed transitions, declared once: name → (states it may start from, state it leads to, French verb).
ALLOWED = {
    # A new request is possible after MCF cancelled or expired the previous one (up to MCF_MAX_REQUESTS_PER_ACTION);
    # from REQUESTED the number is corrected.
    "record_mcf_request": Transition(
        frozenset({S.TODO, S.REQUESTED, S.CANCELLED, S.EXPIRED}),
        S.REQUESTED,
        "enregistrer la demande faite sur Mon Compte Formation",
    ),
    "proposal_sent": Transition(frozenset({S.REQUESTED}), S.TO_VALIDATE, "noter la proposition envoyée"),
    # The export of the EDOF space may show a dossier already validated, without the proposal step in between.
    "proposal_validated": Transition(
        frozenset({S.REQUESTED, S.TO_VALIDATE}), S.VALIDATED, "noter la proposition validée"
    ),
    "entry_declared": Transition(frozenset({S.VALIDATED}), S.IN_TRAINING, "déclarer l'entrée en formation"),
    "service_declared": Transition(
        frozenset({S.VALIDATED, S.IN_TRAINING}), S.SERVICE_DECLARED, "déclarer le service fait"
    ),
    "service_validated": Transition(
        frozenset({S.SERVICE_DECLARED}), S.SERVICE_VALIDATED, "noter le service fait validé"
    ),
    "cancel": Transition(
        frozenset({S.TODO, S.REQUESTED, S.TO_VALIDATE, S.VALIDATED, S.IN_TRAINING}),
        S.CANCELLED,
        "annuler le dossier Mon Compte Formation",
    ),
    "refuse": Transition(frozenset({S.REQUESTED, S.TO_VALIDATE}), S.REFUSED, "refuser la demande"),
    "expire": Transition(frozenset({S.TODO, S.REQUESTED, S.TO_VALIDATE}), S.EXPIRED, "noter le délai dépassé"),
}

# Forward transitions need a dossier the AMIL holds (funding_rules.FUNDABLE_DOSSIER_STATES); stopping ones (cancel,
# refuse, expire) are possible whatever its decision.
FUNDABLE_DOSSIER_STATES = funding_rules.FUNDABLE_DOSSIER_STATES
STOPPING_TRANSITIONS = frozenset({"cancel", "refuse", "expire"})
# What the élu may do themselves; everything else is the AMIL's (staff, import) or the scheduler's.
ELU_TRANSITIONS = frozenset({"record_mcf_request"})


def can(dossier, transition):
    """Whether `transition` (a key of ALLOWED) may start from the dossier as it is (the service checks again)."""
    rule = ALLOWED[transition]
    if dossier.funding_state not in rule.sources:
        return False
    return transition in STOPPING_TRANSITIONS or dossier.state in FUNDABLE_DOSSIER_STATES


def _refuse_transition(dossier, transition):
    verb = ALLOWED[transition].verb
    if dossier.funding_state in ALLOWED[transition].sources:
        raise FundingError(
            f"Impossible de {verb} : la demande d'inscription à l'AMIL est à l'état « {dossier.get_state_display()} »."
        )
    raise FundingError(
        f"Impossible de {verb} : le dossier Mon Compte Formation est à l'état "
        f"« {dossier.get_funding_state_display()} »."
    )


def _lock(dossier):
    return services.lock_dossier(dossier.pk)


def _check_actor(dossier, transition, by, source):
    if source not in FundingSource.values:
        raise ValueError(f"Unknown funding source {source!r}")
    if source == FundingSource.ELU and (transition not in ELU_TRANSITIONS or by is None or by.pk != dossier.user_id):
        raise NotAllowed()
    if source == FundingSource.STAFF and not (by is not None and by.is_staff):
        raise NotAllowed()


def _check_day(on, *, earliest=None, earliest_label=""):
    today = deadlines.paris_today()
    if on > today:
        raise FundingError(f"La date du {_day(on)} est dans le futur : indiquez le jour où c'est arrivé.")
    if earliest is not None and on < earliest:
        raise FundingError(f"La date du {_day(on)} est avant {earliest_label} ({_day(earliest)}).")


def _day(value):
    return formats.date_format(value, "l j F Y")


def _move(dossier, transition, *, by, source, note="", fields=()):
    """Set the target state on the locked dossier, save it with `fields`, write the log row."""
    from_state = dossier.funding_state
    dossier.funding_state = ALLOWED[transition].target
    dossier.funding_state_since = timezone.now()
    dossier.save(update_fields=["funding_state", "funding_state_since", *fields])
    return FundingLog.objects.create(
        dossier=dossier, by=by, source=source, from_state=from_state, to_state=dossier.funding_state, note=note
    )


def _start(dossier, transition, by, source):
    """Lock the dossier, check who acts and whether the transition may start. Returns the locked dossier, or None
    when it is already in the transition's target state (nothing to do). Call inside `seats.locking_transaction()`."""
    locked = _lock(dossier)
    _check_actor(locked, transition, by, source)
    if locked.funding_state == ALLOWED[transition].target:
        return None
    if not can(locked, transition):
        _refuse_transition(locked, transition)
    return locked


def _mail(kind, dossier, **extra):
    """Queue the e-mail; `mcf_url` is where its button leads (the training on MCF unless said otherwise)."""
    extra.setdefault("mcf_url", funding_rules.mcf_url(dossier))
    emails.dossier_email(kind, dossier, **extra)


# --- The élu's request on MCF -----------------------------------------------------------------------------------


def record_mcf_request(dossier, mcf_number, *, by, source):
    """The MCF dossier number of the élu's request ("Créer mon dossier d'inscription" on MCF): → REQUESTED.

    The number is checked (`funding_rules.normalize_mcf_number`) and must not belong to another dossier. Typing
    the same number again changes nothing; another number while REQUESTED corrects it (logged). After MCF
    cancelled or expired a request, a new one may be recorded, up to MCF_MAX_REQUESTS_PER_ACTION in all.
    """
    try:
        number = funding_rules.normalize_mcf_number(mcf_number)
    except ValidationError as error:
        raise FundingError(error.messages[0]) from None
    with seats.locking_transaction():
        locked = _lock(dossier)
        _check_actor(locked, "record_mcf_request", by, source)
        if locked.funding_state == S.REQUESTED and locked.mcf_number == number:
            return locked
        if not can(locked, "record_mcf_request"):
            _refuse_transition(locked, "record_mcf_request")
        if Dossier.objects.filter(mcf_number=number).exclude(pk=locked.pk).exists():
            raise _number_taken(number)
        note = ""
        if locked.funding_state == S.REQUESTED:
            note = f"Numéro corrigé (était {locked.mcf_number})."
        else:
            requests_made = locked.funding_logs.filter(to_state=S.REQUESTED).exclude(from_state=S.REQUESTED).count()
            if requests_made >= settings.MCF_MAX_REQUESTS_PER_ACTION:
                raise FundingError(
                    f"Mon Compte Formation n'accepte pas plus de {settings.MCF_MAX_REQUESTS_PER_ACTION} demandes pour "
                    "la même formation. Contactez l'AMIL."
                )
        correction = locked.funding_state == S.REQUESTED
        locked.mcf_number = number
        if not correction:  # a corrected number keeps the day the request was made, hence the AMIL's answer day
            locked.mcf_requested_at = timezone.now()
        locked.proposal_sent_on = None
        try:
            with transaction.atomic():
                _move(
                    locked,
                    "record_mcf_request",
                    by=by,
                    source=source,
                    note=note or f"Dossier Mon Compte Formation n° {number}.",
                    fields=["mcf_number", "mcf_requested_at", "proposal_sent_on"],
                )
        except IntegrityError:  # the same number saved for another dossier at the same moment
            raise _number_taken(number) from None
    return locked


def _number_taken(number):
    return FundingError(
        f"Le numéro de dossier Mon Compte Formation {number} est déjà enregistré pour un autre dossier. "
        "Vérifiez-le ; en cas de doute, contactez l'AMIL."
    )


# --- What the AMIL does in its EDOF space (staff, import) --------------------------------------------------------


def _step(dossier, transition, *, by, source, apply=None, after=None):
    """Run one forward transition: lock, check, `apply(locked)` (checks the date, sets the fields; returns the fields
    to save and the log note), move, log, then `after(locked)` (its e-mail). Returns the dossier as saved."""
    with seats.locking_transaction():
        locked = _start(dossier, transition, by, source)
        if locked is None:
            return _lock(dossier)
        fields, note = apply(locked) if apply else ((), "")
        _move(locked, transition, by=by, source=source, note=note, fields=fields)
        if after:
            after(locked)
    return locked


def proposal_sent(dossier, *, on, by, source):
    """The AMIL accepted the MCF request and sent its proposal on `on`: → TO_VALIDATE. The élu has
    MCF_PROPOSAL_VALIDATION_WORKING_DAYS working days to "Valider": they get an e-mail with the last day (unless
    that day is already past, when the news comes late from an import)."""

    def apply(locked):
        _check_day(
            on,
            earliest=funding_rules.earliest_day(locked, "proposal_sent"),
            earliest_label="la demande sur Mon Compte Formation",
        )
        locked.proposal_sent_on = on
        return ["proposal_sent_on"], f"À valider au plus tard le {_day(funding_rules.proposal_deadline(on))}."

    def after(locked):
        if funding_rules.proposal_mail_due(on):
            last_day = funding_rules.proposal_deadline(on)
            _mail("funding_proposal_sent", locked, validation_last_day=last_day, mcf_url=settings.MCF_LOGIN_URL)

    return _step(dossier, "proposal_sent", by=by, source=source, apply=apply, after=after)


def proposal_validated(dossier, *, by, source):
    """The élu validated the proposal on MCF: the training is paid with their DIFE (→ VALIDATED)."""
    return _step(dossier, "proposal_validated", by=by, source=source)


def entry_declared(dossier, *, on, by, source):
    """The AMIL declared the élu's entry into training on `on` (not before the first day): → IN_TRAINING."""

    def apply(locked):
        _check_day(
            on,
            earliest=funding_rules.earliest_day(locked, "entry_declared"),
            earliest_label="le premier jour de la session",
        )
        locked.entry_declared_on = on
        return ["entry_declared_on"], ""

    return _step(dossier, "entry_declared", by=by, source=source, apply=apply)


def service_declared(dossier, *, on, by, source):
    """The AMIL declared the end of the training ("service fait") on `on` (not before the last day):
    → SERVICE_DECLARED. The élu is asked to declare attendance and rate the training on MCF."""

    def apply(locked):
        _check_day(
            on,
            earliest=funding_rules.earliest_day(locked, "service_declared"),
            earliest_label="le dernier jour de la session",
        )
        locked.service_declared_on = on
        return ["service_declared_on"], ""

    def after(locked):
        _mail("funding_service_declared", locked, mcf_url=settings.MCF_LOGIN_URL)

    return _step(dossier, "service_declared", by=by, source=source, apply=apply, after=after)


def service_validated(dossier, *, by, source):
    """MCF validated the "service fait": the track is complete (→ SERVICE_VALIDATED)."""
    return _step(dossier, "service_validated", by=by, source=source)


# --- When the track stops ----------------------------------------------------------------------------------------


def _stop(dossier, transition, *, by, source, note, mail, default_note=""):
    note = (note or "").strip() or default_note
    if not note:
        raise FundingError("Indiquez le motif : il est communiqué à l'élu.")
    with seats.locking_transaction():
        locked = _start(dossier, transition, by, source)
        if locked is None:
            return _lock(dossier)
        from_state = locked.funding_state
        _move(locked, transition, by=by, source=source, note=note)
        session = locked.session
        today = deadlines.paris_today()
        new_request_possible = (
            transition != "refuse"
            and locked.state in FUNDABLE_DOSSIER_STATES
            and funding_rules.is_mcf_request_open(session, today)
        )
        _mail(
            mail,
            locked,
            note=note,
            from_state_label=FundingState(from_state).label,
            new_request_possible=new_request_possible,
            mcf_request_last_day=funding_rules.mcf_request_last_day(session),
        )
    return locked


def cancel(dossier, *, by, source, note):
    """The MCF dossier was cancelled (by the élu or the AMIL on MCF, or by MCF itself): → CANCELLED, with why."""
    return _stop(dossier, "cancel", by=by, source=source, note=note, mail="funding_cancelled")


def refuse(dossier, *, by, source, note):
    """The AMIL refused the MCF request in its EDOF space: → REFUSED, with why."""
    return _stop(dossier, "refuse", by=by, source=source, note=note, mail="funding_refused")


def expire(dossier, *, by=None, source=FundingSource.SYSTEM, note=""):
    """A deadline passed (no request before MCF's last day, no answer or no validation in time): → EXPIRED."""
    return _stop(
        dossier,
        "expire",
        by=by,
        source=source,
        note=note,
        mail="funding_expired",
        default_note="Le délai de Mon Compte Formation est dépassé.",
    )
