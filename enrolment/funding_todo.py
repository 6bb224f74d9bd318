"""What the funding track on Mon Compte Formation asks of the association's team: the admin home's to-do items,
the dossier list's filter they link to, and the reminders command. Each is a condition on the dossier table
(dates turned into bounds computed once in Python), so counting costs one query whatever the number of dossiers.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from trainings import deadlines
from trainings.models import Session

from . import funding_rules
from .models import Dossier, DossierState, FundingState

PARAM = "financement"
NO_REQUEST = "sans_demande"
PROPOSAL_EXPIRING = "proposition_expire"
ENTRY = "entree_a_declarer"
ENTRY_LATE = "entree_en_retard"
SERVICE = "service_fait_a_declarer"
SERVICE_LATE = "service_fait_en_retard"

# A cancelled session asks nothing more of anyone on MCF.
SESSION_HELD = Q(session__status=Session.Status.OPEN)

# How far back a bound search goes: far more than any MCF deadline in working days.
_SEARCH_DAYS = 60


def _latest_day_with_deadline_on_or_before(last, deadline_of):
    """The latest day d such that deadline_of(d) <= last (deadlines grow with d)."""
    day = last
    for _ in range(_SEARCH_DAYS):
        if deadline_of(day) <= last:
            return day
        day -= datetime.timedelta(days=1)
    return day


def _earliest_day_with_deadline_on_or_after(first, deadline_of):
    """The earliest day d such that deadline_of(d) >= first."""
    day = first
    for _ in range(_SEARCH_DAYS):
        previous = day - datetime.timedelta(days=1)
        if deadline_of(previous) < first:
            return day
        day = previous
    return day


def accepted_without_request(now):
    """Accepted by the AMIL for more than MCF_REQUEST_REMINDER_DAYS days, and still no request on MCF."""
    since = now - datetime.timedelta(days=settings.MCF_REQUEST_REMINDER_DAYS)
    return SESSION_HELD & Q(state=DossierState.ACCEPTED, funding_state=FundingState.TODO, decided_at__lt=since)


def proposals_expiring(today):
    """Proposals waiting for the élu's "Valider" whose last day is today or the next working day."""
    until = deadlines.add_working_days(today, 1)
    return SESSION_HELD & Q(
        funding_state=FundingState.TO_VALIDATE,
        proposal_sent_on__gte=_earliest_day_with_deadline_on_or_after(today, funding_rules.proposal_deadline),
        proposal_sent_on__lte=_latest_day_with_deadline_on_or_before(until, funding_rules.proposal_deadline),
    )


def entries_to_declare(today):
    """Paid by the DIFE, session started: the AMIL declares the entry into training in EDOF."""
    return SESSION_HELD & Q(
        funding_state=FundingState.VALIDATED,
        session__starts_at__lt=deadlines.paris_midnight(today + datetime.timedelta(1)),
    )


def entries_late(today):
    """Entries to declare whose last day (first day + MCF_ENTRY_DECLARATION_WORKING_DAYS) is today or past."""
    last_first_day = _latest_day_with_deadline_on_or_before(today, funding_rules.entry_declaration_deadline)
    return entries_to_declare(today) & Q(
        session__starts_at__lt=deadlines.paris_midnight(last_first_day + datetime.timedelta(1))
    )


def services_to_declare(today):
    """Paid by the DIFE (entry declared or not), session over: the AMIL declares the "service fait" in EDOF."""
    return SESSION_HELD & Q(
        funding_state__in=[FundingState.VALIDATED, FundingState.IN_TRAINING],
        session__ends_at__lt=deadlines.paris_midnight(today + datetime.timedelta(1)),
    )


def services_late(today):
    last_last_day = _latest_day_with_deadline_on_or_before(today, funding_rules.service_declaration_deadline)
    return services_to_declare(today) & Q(
        session__ends_at__lt=deadlines.paris_midnight(last_last_day + datetime.timedelta(1))
    )


def condition(bucket, now):
    """The dossier condition of one of the buckets above (PARAM's values), or None for an unknown one."""
    today = deadlines.paris_today(now)
    conditions = {
        NO_REQUEST: lambda: accepted_without_request(now),
        PROPOSAL_EXPIRING: lambda: proposals_expiring(today),
        ENTRY: lambda: entries_to_declare(today),
        ENTRY_LATE: lambda: entries_late(today),
        SERVICE: lambda: services_to_declare(today),
        SERVICE_LATE: lambda: services_late(today),
    }
    build = conditions.get(bucket)
    return build() if build else None


LABELS = {
    NO_REQUEST: "Dossiers validés sans demande sur Mon Compte Formation depuis plus de {days} jours",
    PROPOSAL_EXPIRING: "Propositions Mon Compte Formation à valider par l'élu au plus tard le jour ouvré suivant",
    ENTRY: "Entrées en formation à déclarer sur EDOF",
    ENTRY_LATE: "dont à déclarer aujourd'hui ou en retard ({days} jours ouvrés après le début)",
    SERVICE: "Services faits à déclarer sur EDOF",
    SERVICE_LATE: "dont à déclarer aujourd'hui ou en retard ({days} jours ouvrés après la fin)",
}


def filter_choices():
    """The dossier list's filter: the same buckets, named for a list."""
    return [
        (NO_REQUEST, f"Validés, sans demande MCF depuis {settings.MCF_REQUEST_REMINDER_DAYS} jours"),
        (PROPOSAL_EXPIRING, "Proposition expirant d'ici un jour ouvré"),
        (ENTRY, "Entrée en formation à déclarer"),
        (ENTRY_LATE, "Entrée à déclarer : dernier jour ou en retard"),
        (SERVICE, "Service fait à déclarer"),
        (SERVICE_LATE, "Service fait à déclarer : dernier jour ou en retard"),
    ]


def items(now):
    """The to-do items of the funding track (see enrolment.todo.Item), counted in one query."""
    from .todo import Item

    buckets = [NO_REQUEST, PROPOSAL_EXPIRING, ENTRY, ENTRY_LATE, SERVICE, SERVICE_LATE]
    counts = Dossier.objects.aggregate(**{bucket: Count("pk", filter=condition(bucket, now)) for bucket in buckets})
    url = reverse("admin:enrolment_dossier_changelist")
    days = {
        NO_REQUEST: settings.MCF_REQUEST_REMINDER_DAYS,
        ENTRY_LATE: settings.MCF_ENTRY_DECLARATION_WORKING_DAYS,
        SERVICE_LATE: settings.MCF_SERVICE_DECLARATION_WORKING_DAYS,
    }
    sub = {ENTRY_LATE, SERVICE_LATE}
    urgent = {PROPOSAL_EXPIRING, ENTRY_LATE, SERVICE_LATE}
    return [
        Item(
            LABELS[bucket].format(days=days.get(bucket)),
            counts[bucket],
            f"{url}?{PARAM}={bucket}",
            sub=bucket in sub,
            urgent=bucket in urgent and counts[bucket] > 0,
        )
        for bucket in buckets
    ]
