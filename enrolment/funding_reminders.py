"""Reminders of the funding track on Mon Compte Formation (MCF), sent by the `send_funding_reminders` command.

Run daily (it may run more often, or twice at once): each reminder is recorded in `FundingReminder`, unique per
dossier, kind and occurrence, in the same transaction as its e-mail, so it goes out once. E-mails go through the
outbox. What it does, for each dossier:

- the élu, when no MCF request is recorded MCF_REQUEST_REMINDER_DAYS days after the AMIL's acceptance while MCF
  still takes it (with MCF's last day);
- the élu, when a proposal waits for "Valider" and its last day is today or the next working day;
- a missed deadline: no MCF request by MCF's last day (session still to come), or a proposal not validated in
  time, ends the track (`funding.expire`, which tells the élu what the AMIL can still do); the AMIL's own
  deadlines (its answer in EDOF, the entry into training, the "service fait") are only the team's to act on.
  The team gets one e-mail per run listing every deadline newly missed (MCF_STAFF_ALERT_EMAIL);
- the élu, after a session they attended, is invited once to answer the satisfaction questionnaire.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone

from mailing.outbox import queue
from trainings import deadlines

from . import emails, funding, funding_rules, funding_todo
from .emails import absolute_url
from .exceptions import EnrolmentError
from .models import Dossier, DossierState, FundingReminder, FundingSource, FundingState

NO_REQUEST = "no_request"
PROPOSAL = "proposal_expiring"
MISSED_REQUEST = "missed_request"
MISSED_VALIDATION = "missed_validation"
ANSWER_LATE = "answer_late"
ENTRY_LATE = "entry_late"
SERVICE_LATE = "service_late"
SATISFACTION = "satisfaction"
# Sessions ended longer ago than this are not asked for the questionnaire (a first run after deployment stays quiet).
SATISFACTION_WITHIN_DAYS = 14


def _day(value):
    return formats.date_format(value, "l j F Y")


def _mark(dossier, kind, key=""):
    """Record the reminder; False when it was already sent (call inside the transaction of its e-mail)."""
    try:
        with transaction.atomic():
            FundingReminder.objects.create(dossier=dossier, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Missed:
    dossier: Dossier
    what: str

    @property
    def admin_url(self):
        return absolute_url(reverse("admin:enrolment_dossier_change", args=[self.dossier.pk]))


def _dossiers(*conditions, **lookups):
    return Dossier.objects.filter(*conditions, **lookups).select_related("user", "session__training").order_by("pk")


def _remind_no_request(now, today):
    sent = 0
    for dossier in _dossiers(funding_todo.accepted_without_request(now)):
        session = dossier.session
        if not funding_rules.is_mcf_request_open(session, today):
            continue  # too late: the "missed" part below ends the track
        with transaction.atomic():
            if _mark(dossier, NO_REQUEST):
                emails.dossier_email(
                    "funding_reminder_no_request",
                    dossier,
                    mcf_url=funding_rules.mcf_url(dossier),
                    mcf_request_last_day=funding_rules.mcf_request_last_day(session),
                )
                sent += 1
    return sent


def _remind_proposals(today):
    sent = 0
    for dossier in _dossiers(funding_todo.proposals_expiring(today)):
        with transaction.atomic():
            if _mark(dossier, PROPOSAL, dossier.proposal_sent_on.isoformat()):
                emails.dossier_email(
                    "funding_reminder_proposal",
                    dossier,
                    mcf_url=settings.MCF_LOGIN_URL,  # the élu's own space on MCF, where the proposal waits
                    validation_last_day=funding_rules.proposal_deadline(dossier.proposal_sent_on),
                )
                sent += 1
    return sent


def _expire_missed(now, today):
    """Ends the tracks whose élu missed an MCF deadline; returns what the team is told."""
    missed = []
    candidates = _dossiers(
        funding_todo.SESSION_HELD,
        funding_state=FundingState.TODO,
        state__in=[DossierState.SUBMITTED, DossierState.ACCEPTED],
        session__starts_at__gt=now,
    )
    for dossier in candidates:
        last_day = funding_rules.mcf_request_last_day(dossier.session)
        if today > last_day:
            note = f"Aucune demande enregistrée sur Mon Compte Formation au plus tard le {_day(last_day)}."
            missed += _expire(dossier, MISSED_REQUEST, note, "pas de demande sur Mon Compte Formation à temps")
    for dossier in _dossiers(
        funding_todo.SESSION_HELD, funding_state=FundingState.TO_VALIDATE, proposal_sent_on__isnull=False
    ):
        last_day = funding_rules.proposal_deadline(dossier.proposal_sent_on)
        if today > last_day:
            note = f"La proposition n'a pas été validée sur Mon Compte Formation au plus tard le {_day(last_day)}."
            missed += _expire(dossier, MISSED_VALIDATION, note, "proposition non validée par l'élu à temps")
    return missed


def _expire(dossier, kind, note, what):
    try:
        with transaction.atomic():
            if not _mark(dossier, kind):
                return []
            funding.expire(dossier, source=FundingSource.SYSTEM, note=note)
    except EnrolmentError:
        return []  # its state changed meanwhile: nothing missed any more
    return [Missed(dossier, f"{what} — {note}")]


def _team_deadlines(today):
    """The AMIL's own deadlines in EDOF that passed (its answer, the entry, the "service fait"), once each."""
    found = []
    for dossier in _dossiers(
        funding_todo.SESSION_HELD, funding_state=FundingState.REQUESTED, mcf_requested_at__isnull=False
    ):
        last_day = funding_rules.organisation_answer_deadline(funding_rules.requested_on(dossier))
        if today > last_day:
            found.append(
                (dossier, ANSWER_LATE, f"réponse de l'AMIL sur EDOF attendue au plus tard le {_day(last_day)}")
            )
    for dossier in _dossiers(funding_todo.entries_to_declare(today)):
        last_day = funding_rules.entry_declaration_deadline(dossier.session.first_day)
        if today > last_day:
            found.append((dossier, ENTRY_LATE, f"entrée en formation à déclarer au plus tard le {_day(last_day)}"))
    for dossier in _dossiers(funding_todo.services_to_declare(today)):
        last_day = funding_rules.service_declaration_deadline(dossier.session.last_day)
        if today > last_day:
            found.append((dossier, SERVICE_LATE, f"service fait à déclarer au plus tard le {_day(last_day)}"))
    missed = []
    for dossier, kind, what in found:
        with transaction.atomic():
            if _mark(dossier, kind):
                missed.append(Missed(dossier, f"délai de l'AMIL dépassé — {what}"))
    return missed


def _invite_to_questionnaire(now):
    from . import satisfaction

    since = now - datetime.timedelta(days=SATISFACTION_WITHIN_DAYS)
    sent = 0
    candidates = _dossiers(
        state=DossierState.ATTENDED, session__ends_at__lte=now, session__ends_at__gt=since
    ).select_related("satisfaction_receipt")
    for dossier in candidates:
        if not satisfaction.can_answer(dossier, now):
            continue
        with transaction.atomic():
            if _mark(dossier, SATISFACTION):
                url = absolute_url(reverse("enrolment:satisfaction", args=[dossier.pk]))
                emails.dossier_email("satisfaction_invitation", dossier, questionnaire_url=url)
                sent += 1
    return sent


def _tell_the_team(missed, today):
    if not missed or not settings.MCF_STAFF_ALERT_EMAIL:
        return
    queue(
        settings.MCF_STAFF_ALERT_EMAIL,
        "emails/enrolment/funding_staff_alert",
        {"missed": missed, "today": today},
        subject=f"Mon Compte Formation : {len(missed)} délai(s) dépassé(s) — {settings.ASSOCIATION['short_name']}",
    )


@dataclass(frozen=True)
class Sent:
    no_request: int
    proposals: int
    missed: int
    satisfaction: int


def send(now=None):
    """Send what is due now (see the module docstring). Returns how many of each kind went out."""
    now = now or timezone.now()
    today = deadlines.paris_today(now)
    no_request = _remind_no_request(now, today)
    proposals = _remind_proposals(today)
    with transaction.atomic():
        missed = _expire_missed(now, today) + _team_deadlines(today)
        _tell_the_team(missed, today)
    invited = _invite_to_questionnaire(now)
    return Sent(no_request, proposals, len(missed), invited)
