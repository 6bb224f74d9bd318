"""Who takes part in a session, on which days and half-days: what the session page, the attendance sheets
(feuilles d'émargement), the certificates (attestations de présence) and the convocations are built from.

A session runs every day from its first to its last day, from the start time of `starts_at` to the end
time of `ends_at` (Paris time). A day has a morning when it starts before noon and an afternoon when it
ends after 1 pm: 9h00–12h30 is a morning, 14h00–17h00 an afternoon, 9h00–17h00 both.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from dife_portal.collation import sort_key
from trainings import deadlines

from .models import Dossier, DossierState

MORNING_BEFORE = datetime.time(12, 0)
AFTERNOON_AFTER = datetime.time(13, 0)

# The groups of the session page, in the order shown, with the states they hold.
ENROLLED_STATES = [DossierState.ACCEPTED, DossierState.ATTENDED, DossierState.ABSENT]
GROUPS = [
    ("enrolled", "Inscrits (demandes validées)", ENROLLED_STATES),
    ("pending", "Demandes en attente de réponse", [DossierState.SUBMITTED]),
    ("waiting", "Liste d'attente", [DossierState.WAITLISTED]),
]
LISTED_STATES = [state for _, _, states in GROUPS for state in states]
IN_PROGRESS_STATES = [DossierState.DRAFT, DossierState.AWAITING_IDENTITY]


@dataclass(frozen=True)
class SessionDay:
    date: datetime.date
    start: datetime.time
    end: datetime.time

    @property
    def start_at(self):
        return datetime.datetime.combine(self.date, self.start, tzinfo=deadlines.PARIS)

    @property
    def end_at(self):
        return datetime.datetime.combine(self.date, self.end, tzinfo=deadlines.PARIS)


@dataclass(frozen=True)
class HalfDay:
    """`start`/`end` are None where the session's hours do not say them (the lunch break is not recorded)."""

    date: datetime.date
    period: str  # "morning" | "afternoon"
    start: datetime.time | None
    end: datetime.time | None

    @property
    def label(self):
        return "Matin" if self.period == "morning" else "Après-midi"


def session_days(session):
    """Each calendar day of the session with its hours (Paris time)."""
    start = timezone.localtime(session.starts_at, deadlines.PARIS).time()
    end = timezone.localtime(session.ends_at, deadlines.PARIS).time()
    count = (session.last_day - session.first_day).days + 1
    return [SessionDay(session.first_day + datetime.timedelta(days=i), start, end) for i in range(count)]


def half_days(session):
    """The half-days to sign for: morning and/or afternoon of each day of the session."""
    result = []
    for day in session_days(session):
        has_morning, has_afternoon = day.start < MORNING_BEFORE, day.end > AFTERNOON_AFTER
        if has_morning:
            result.append(HalfDay(day.date, "morning", day.start, None if has_afternoon else day.end))
        if has_afternoon:
            result.append(HalfDay(day.date, "afternoon", None if has_morning else day.start, day.end))
    return result


def display_name(dossier):
    """ "MARTIN Marie": the name used on lists and sheets, from the dossier (what was sent) or the account."""
    user = dossier.user
    last = dossier.usage_name or dossier.birth_name or user.usage_name or user.birth_name
    first = dossier.first_names or user.first_names
    return f"{last.upper()} {first}".strip() or user.email


def collectivite_label(dossier):
    """The mandate the élu enrolled with: "Maire — Amboise", or what they typed when no mandate is recorded."""
    if dossier.mandate_id:
        mandate = dossier.mandate
        return f"{mandate.get_function_display()} — {mandate.collectivite.name}"
    return dossier.mandate_label


def _with_relations(queryset):
    return queryset.select_related("user", "mandate__collectivite", "session__training")


def participants(session):
    """The session's dossiers grouped for the session page: one query, whatever their number.

    Returns {"enrolled": [...], "pending": [...], "waiting": [...], "in_progress": n}: the enrolled sorted by
    name, the pending in the order they were sent, the waiting list in its order.
    """
    groups = {key: [] for key, _, _ in GROUPS}
    state_group = {state: key for key, _, states in GROUPS for state in states}
    in_progress = 0
    for dossier in _with_relations(Dossier.objects.filter(session=session)).order_by("pk"):
        if dossier.state in state_group:
            groups[state_group[dossier.state]].append(dossier)
        elif dossier.state in IN_PROGRESS_STATES:
            in_progress += 1
    groups["enrolled"].sort(key=lambda d: display_name(d).casefold())
    groups["pending"].sort(key=lambda d: (d.submitted_at, d.pk))
    groups["waiting"].sort(key=lambda d: (d.waitlisted_at or d.submitted_at, d.pk))
    return {**groups, "in_progress": in_progress}


def enrolled(session):
    """The élus expected at the session (accepted, or already marked present or absent), sorted by name."""
    dossiers = list(_with_relations(Dossier.objects.filter(session=session, state__in=ENROLLED_STATES)))
    return sorted(dossiers, key=lambda d: sort_key(display_name(d)))


def attended(session):
    """The élus marked present: one certificate each."""
    return [d for d in enrolled(session) if d.state == DossierState.ATTENDED]


def hours_attended(dossier):
    """The hours of training the élu followed, from the presence mark: presence is noted for the whole session,
    so an élu marked present followed the training's duration, and any other élu none of it."""
    return dossier.session.training.duration_hours if dossier.state == DossierState.ATTENDED else Decimal(0)


def rows(dossiers):
    """What the printed documents show of each élu."""
    return [{"dossier": d, "name": display_name(d), "mandate": collectivite_label(d)} for d in dossiers]


def signing_place():
    """ "Tours" from the association's "37020 Tours Cedex 01": where its documents are signed."""
    city = re.sub(r"^\s*\d{5}\s*", "", settings.ASSOCIATION["postal_code_city"])
    return re.sub(r"\s+cedex\b.*$", "", city, flags=re.IGNORECASE).strip()
