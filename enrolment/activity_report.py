"""The year's activity report ("Bilan annuel d'activité"): trainees, trainee-hours, trainings and sessions, split by
funding, computed from the presence marks of the sessions held in the year (see `dashboard.Period`), with the list
of what could not be counted (held sessions whose enrolled élus have no presence mark)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from . import attendance, dashboard, funding_rules
from .models import DossierState

DIFE_MCF = "DIFE (Mon Compte Formation)"
OTHER = "Autre financement"
FUNDINGS = [DIFE_MCF, OTHER]


def funding_of(funding_state):
    """How a participation was funded: by the DIFE when its dossier on Mon Compte Formation was validated (paid)."""
    return DIFE_MCF if funding_state in funding_rules.PAID_BY_DIFE_STATES else OTHER


FUNDING_NOTE = (
    "Une présence compte « DIFE (Mon Compte Formation) » quand le dossier de l'élu sur Mon Compte Formation a été "
    "validé (payé par le DIFE), d'après le suivi du financement de chaque dossier ; toute autre « Autre financement »."
)


@dataclass(frozen=True)
class NotCounted:
    session: object
    enrolled: int
    unmarked: int


def figures(period):
    """The report's table: per funding, then in total, élus trained, trainee-hours, trainings and sessions."""
    marks = period.attended().values_list(
        "user_id",
        "session_id",
        "session__training_id",
        "session__training__duration_hours",
        "funding_state",
    )
    groups = {funding: (set(), set(), set(), [Decimal(0)]) for funding in [*FUNDINGS, None]}
    for user_id, session_id, training_id, hours, funding_state in marks:
        for funding in (funding_of(funding_state), None):  # None: the total
            users, sessions, trainings, total = groups[funding]
            users.add(user_id)
            sessions.add(session_id)
            trainings.add(training_id)
            total[0] += hours

    def row(label, funding):
        users, sessions, trainings, total = groups[funding]
        return [label, len(users), total[0], len(trainings), len(sessions)]

    return dashboard.Table(
        title="Bilan d'activité par financement",
        columns=["Financement", "Stagiaires (élus formés)", "Heures-stagiaires", "Formations", "Sessions"],
        rows=[row(funding, funding) for funding in FUNDINGS],
        total=row("Total", None),
        note="Comptés à partir des présences notées aux sessions tenues dans l'année (premier jour de la session) : "
        "chaque élu noté présent compte la durée de la formation. Un élu formé plusieurs fois compte une fois "
        "comme stagiaire ; une formation ou une session compte quand au moins un élu y est noté présent. "
        + FUNDING_NOTE,
        key="bilan",
    )


def not_counted(period):
    """The held sessions of the year with enrolled élus whose presence is not noted: their figures are missing."""
    sessions = (
        period.held_sessions()
        .select_related("training")
        .annotate(
            enrolled=Count("dossiers", filter=Q(dossiers__state__in=attendance.ENROLLED_STATES)),
            unmarked=Count("dossiers", filter=Q(dossiers__state=DossierState.ACCEPTED)),
        )
        .filter(unmarked__gt=0)
        .order_by("starts_at")
    )
    return [NotCounted(session, session.enrolled, session.unmarked) for session in sessions]


def not_counted_rows(items):
    """The sessions not counted as CSV rows (the same words as the page)."""
    return [
        [item.session.training.title, f"{item.session.first_day:%d/%m/%Y}", item.enrolled, item.unmarked]
        for item in items
    ]


NOT_COUNTED_COLUMNS = ["Session non comptée : formation", "Premier jour", "Inscrits", "Présence non notée"]
