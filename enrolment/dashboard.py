"""The figures of the staff dashboard ("Tableau de bord") for one year: pure functions of the database, each
returning a `Table` (its columns, its rows, the chart drawn from it). The page, the charts and the CSV files are
all drawn from these tables, so that what is downloaded is what is shown.

How a year is counted (Paris time):
- a session belongs to the year of its first day; it is *held* when it is not cancelled and has begun;
- a dossier belongs to the year of its session; trainees and hours come from the presence marks
  (`attendance.hours_attended`: an élu marked present followed the training's duration);
- an invitation belongs to the year it was created; the AMIL's answer to the year the dossier was sent.

Adding a section is writing a function `(period) -> Table` and listing it in SECTIONS.
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Collectivite
from dife_portal.french import pluriel
from trainings import deadlines
from trainings.models import Invitation, Session

from . import funding_rules, satisfaction
from .attendance import ENROLLED_STATES
from .models import Dossier, DossierState, FundingState

# How many rows a chart shows at most (the table always has them all).
CHART_ROWS = 15
NO_COLLECTIVITE = "Collectivité non renseignée"


@dataclass(frozen=True)
class Period:
    """A calendar year in Paris time, and the moment the figures are computed (what is "held" by now)."""

    year: int
    now: datetime.datetime

    @classmethod
    def of(cls, year, now=None):
        return cls(year, now or timezone.now())

    @property
    def start(self):
        return datetime.datetime(self.year, 1, 1, tzinfo=deadlines.PARIS)

    @property
    def end(self):
        return datetime.datetime(self.year + 1, 1, 1, tzinfo=deadlines.PARIS)

    def sessions(self):
        """The sessions whose first day falls in the year."""
        return Session.objects.filter(starts_at__gte=self.start, starts_at__lt=self.end)

    def held_sessions(self):
        """Not cancelled and begun by `now`."""
        return self.sessions().filter(status=Session.Status.OPEN, starts_at__lte=self.now)

    def dossiers(self):
        """The dossiers of the year's sessions."""
        return Dossier.objects.filter(session__starts_at__gte=self.start, session__starts_at__lt=self.end)

    def attended(self):
        """The presence marks "present" of the held sessions: what trainees and hours are counted from."""
        return Dossier.objects.filter(session__in=self.held_sessions(), state=DossierState.ATTENDED)


@dataclass
class Chart:
    """A horizontal bar chart of one column of the table, labelled by another."""

    value_column: int
    label_column: int = 0
    unit: str = ""
    maximum: Decimal | int | None = None  # the bars' full length (100 for a rate), else the largest value
    rows: list | None = None  # what the bars show when it is not the table's rows (a funnel of its totals)


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    chart: Chart | None = None
    chart_title: str = ""
    note: str = ""
    # Key figures shown above the table: (label, value).
    figures: list[tuple[str, object]] = field(default_factory=list)
    key: str = ""  # set from SECTIONS: the anchor and the CSV file's name
    text_columns: int = 1  # the leading columns that hold words, not figures

    def body(self):
        """The rows as the page shows them."""
        return [[format_cell(value) for value in row] for row in self.rows]

    def footer(self):
        """The total row as the page shows it, or None."""
        return [format_cell(value) for value in self.total] if self.total else None

    def csv_rows(self):
        """What the CSV file holds: the rows and the total, exactly as the page shows them."""
        return self.body() + ([self.footer()] if self.total else [])


def format_cell(value):
    """ "7", "10,5", "—": one way of writing a number, on the page and in the CSV (French decimal comma)."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        text = f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}"
        return text.removesuffix(".0").replace(".", ",")
    return str(value)


def rate(part, whole):
    """`part` out of `whole` in percent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Sessions ----------------------------------------------------------------------------------------------------


def sessions_fill(period):
    """Sessions held (and cancelled) per training, their seats and how many were filled."""
    sessions = period.sessions().values("training__title", "status", "starts_at", "seats")
    sessions = sessions.annotate(
        enrolled=Count("dossiers", filter=Q(dossiers__state__in=ENROLLED_STATES)),
        present=Count("dossiers", filter=Q(dossiers__state=DossierState.ATTENDED)),
    )
    by_training = {}
    for session in sessions.order_by("training__title", "starts_at"):
        row = by_training.setdefault(session["training__title"], [session["training__title"], 0, 0, 0, 0, 0])
        if session["status"] == Session.Status.CANCELLED:
            row[2] += 1
        elif session["starts_at"] <= period.now:
            row[1] += 1
            row[3] += session["seats"]
            row[4] += session["enrolled"]
            row[5] += session["present"]
    rows = [[*row, rate(row[4], row[3])] for row in by_training.values() if row[1] or row[2]]
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    return Table(
        title="Sessions tenues et taux de remplissage",
        columns=[
            "Formation",
            "Sessions tenues",
            "Sessions annulées",
            "Places offertes",
            "Inscrits",
            "Présents",
            "Taux de remplissage (%)",
        ],
        rows=rows,
        total=["Total", *totals, rate(totals[3], totals[2])],
        chart=Chart(value_column=6, unit=" %", maximum=100),
        chart_title="Taux de remplissage des sessions tenues, par formation",
        note="Une session est tenue quand elle n'est pas annulée et qu'elle a commencé. Inscrits : demandes "
        "validées (présents, absents ou présence pas encore notée) ; taux de remplissage : inscrits / places.",
        figures=[
            ("Sessions tenues", totals[0]),
            ("Taux de remplissage", f"{format_cell(rate(totals[3], totals[2]))} %"),
        ],
    )


# --- Dossiers ----------------------------------------------------------------------------------------------------


def dossiers_by(dossiers, field_name, choices, title):
    """`dossiers` counted by the value of one of their choice fields, in the order of its choices."""
    counts = dict(dossiers.order_by().values_list(field_name).annotate(count=Count("pk")))
    rows = [[label, counts.get(value, 0)] for value, label in choices]
    return Table(
        title=title,
        columns=["État", "Dossiers"],
        rows=rows,
        total=["Total", sum(counts.values())],
        chart=Chart(value_column=1, rows=[row for row in rows if row[1]]),
        chart_title=f"{title} (les états sans dossier ne sont pas dessinés)",
        note="Les dossiers sont comptés dans l'année de leur session, dans leur état d'aujourd'hui.",
    )


def dossiers_by_state(period):
    return dossiers_by(period.dossiers(), "state", DossierState.choices, "Dossiers par état")


def dossiers_by_funding_state(period):
    """The funding track on Mon Compte Formation of the dossiers that have one (sent, accepted, then marked)."""
    table = dossiers_by(
        period.dossiers().filter(state__in=funding_rules.FUNDABLE_DOSSIER_STATES),
        "funding_state",
        FundingState.choices,
        "Dossiers par état du financement sur Mon Compte Formation",
    )
    table.note = (
        "Les dossiers envoyés, validés par l'AMIL, puis présents ou absents, sont comptés dans l'année de leur "
        "session, dans l'état de leur financement d'aujourd'hui."
    )
    return table


# --- Trainees ----------------------------------------------------------------------------------------------------


def _trainees(period, *group_by):
    """{group: (élus, hours)} of the élus marked present, grouped by the dossier fields `group_by`."""
    marks = period.attended().values_list("user_id", "session__training__duration_hours", *group_by)
    users, hours = {}, {}
    for user_id, duration, *key in marks:
        users.setdefault(tuple(key), set()).add(user_id)
        hours[tuple(key)] = hours.get(tuple(key), Decimal(0)) + duration
    return {key: (len(users[key]), hours[key]) for key in users}


def trainees_by_training(period):
    groups = _trainees(period, "session__training__title", "session__training_id")  # two trainings may share a title
    rows = [[title, elus, hours] for (title, _), (elus, hours) in sorted(groups.items())]
    marks = period.attended()
    return Table(
        title="Élus formés et heures-stagiaires, par formation",
        columns=["Formation", "Élus formés", "Heures-stagiaires"],
        rows=rows,
        total=[
            "Total",
            marks.values("user").distinct().count(),
            sum((row[2] for row in rows), Decimal(0)),
        ],
        chart=Chart(value_column=2, unit=" h"),
        chart_title="Heures-stagiaires par formation",
        note="Un élu est formé quand sa présence est notée ; chaque présence compte la durée de la formation. "
        "Un élu formé à plusieurs formations compte une fois dans le total.",
    )


def trainees_by_collectivite(period):
    groups = _trainees(period, "mandate__collectivite__name", "mandate__collectivite__kind", "mandate__collectivite_id")
    kinds = dict(Collectivite.Kind.choices)
    rows = [
        [name or NO_COLLECTIVITE, kinds.get(kind, "—") if name else "—", elus, hours]
        for (name, kind, _), (elus, hours) in sorted(groups.items(), key=lambda item: (-item[1][1], item[0][0] or "~"))
    ]
    return Table(
        title="Élus formés et heures-stagiaires, par collectivité",
        columns=["Collectivité", "Type", "Élus formés", "Heures-stagiaires"],
        text_columns=2,
        rows=rows,
        total=["Total", "", sum(row[2] for row in rows), sum((row[3] for row in rows), Decimal(0))],
        chart=Chart(value_column=3, unit=" h"),
        chart_title=f"Heures-stagiaires par collectivité (les {CHART_ROWS} premières)",
        note="La collectivité est celle du mandat choisi par l'élu dans son dossier (commune ou EPCI). "
        "Un élu formé pour deux collectivités compte dans chacune.",
    )


# --- Invitations -------------------------------------------------------------------------------------------------


def invitation_funnel(period):
    """Invitations created in the year → openings of their links → dossiers created → sent → accepted."""
    invitations = Invitation.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    links = (
        invitations.order_by()
        .values("collectivite_id", "collectivite__name")
        .annotate(count=Count("pk"), opened=Sum("open_count"))
    )
    dossiers = (
        Dossier.objects.filter(invitation__in=invitations)
        .order_by()
        .values("invitation__collectivite_id")
        .annotate(
            created=Count("pk"),
            sent=Count("pk", filter=Q(submitted_at__isnull=False)),
            accepted=Count("pk", filter=Q(state__in=ENROLLED_STATES)),
        )
    )
    by_collectivite = {
        row["collectivite_id"]: [row["collectivite__name"], row["count"], row["opened"] or 0, 0, 0, 0] for row in links
    }
    for row in dossiers:
        by_collectivite[row["invitation__collectivite_id"]][3:] = [row["created"], row["sent"], row["accepted"]]
    # By name, the links for every collectivité last.
    rows = sorted(by_collectivite.values(), key=lambda row: (row[0] is None, row[0] or ""))
    for row in rows:
        row[0] = row[0] or "Toutes les collectivités (lien général)"
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    columns = ["Collectivité", "Invitations", "Ouvertures du lien", "Dossiers créés", "Dossiers envoyés", "Validés"]
    return Table(
        title="Des invitations aux inscriptions, par collectivité",
        columns=columns,
        rows=rows,
        total=["Total", *totals],
        chart=Chart(value_column=1, rows=[[column, value] for column, value in zip(columns[1:], totals, strict=True)]),
        chart_title="Des invitations aux inscriptions validées (total de l'année)",
        note="Invitations créées dans l'année ; un lien ouvert plusieurs fois compte chaque ouverture. "
        "Validés : dossiers validés par l'AMIL (y compris présents et absents).",
    )


# --- The AMIL's answer -------------------------------------------------------------------------------------------

DELAY_BUCKETS = 6  # 0, 1, … 4 working days, then "5 and more"


def response_delays(period):
    """Working days between the sending of each dossier sent in the year and the AMIL's decision (accepted or
    refused, whatever became of the dossier since: `decided_at` is set by those two decisions only)."""
    answered = Dossier.objects.filter(
        submitted_at__gte=period.start, submitted_at__lt=period.end, decided_at__isnull=False
    ).values_list("submitted_at", "decided_at")
    return [
        deadlines.working_days_between(deadlines.paris_today(sent), deadlines.paris_today(decided))
        for sent, decided in answered
    ]


def response_times(period):
    delays = response_delays(period)
    allowed = settings.AMIL_RESPONSE_WORKING_DAYS
    late = sum(1 for delay in delays if delay > allowed)
    waiting = Dossier.objects.filter(
        submitted_at__gte=period.start, submitted_at__lt=period.end, state=DossierState.SUBMITTED
    ).count()
    counts = [0] * DELAY_BUCKETS
    for delay in delays:
        counts[min(delay, DELAY_BUCKETS - 1)] += 1
    labels = [f"{days} jour{pluriel(days)} ouvré{pluriel(days)}" for days in range(DELAY_BUCKETS)]
    labels[-1] = f"{DELAY_BUCKETS - 1} jours ouvrés ou plus"
    median = Decimal(str(statistics.median(delays))) if delays else None
    return Table(
        title="Délai de réponse de l'AMIL",
        columns=["Délai entre l'envoi et la décision", "Dossiers"],
        rows=[[label, count] for label, count in zip(labels, counts, strict=True)],
        total=["Total", len(delays)],
        chart=Chart(value_column=1),
        chart_title="Dossiers par délai de réponse (jours ouvrés)",
        note="Dossiers envoyés dans l'année et validés ou refusés (même annulés depuis) ; jours ouvrés (du lundi au "
        f"vendredi, hors jours fériés) après le jour de l'envoi. L'AMIL répond en {allowed} jours ouvrés au plus.",
        figures=[
            ("Délai médian", f"{format_cell(median)} jour(s) ouvré(s)" if median is not None else "—"),
            (f"Réponses au-delà de {allowed} jours ouvrés", late),
            ("Demandes encore sans réponse", waiting),
        ],
    )


def satisfaction_by_training(period):
    """The satisfaction questionnaire's averages per training, for the sessions of the year."""
    rows = [
        [
            row.title,
            row.answers,
            row.overall_average,
            row.usefulness_average,
            row.objectives_met_rate,
            row.recommend_rate,
        ]
        for row in satisfaction.averages_by_training(period.sessions())
    ]
    return Table(
        title="Satisfaction des participants, par formation",
        columns=[
            "Formation",
            "Réponses",
            "Note globale (sur 5)",
            "Utilité (sur 5)",
            "Objectifs atteints (%)",
            "Recommanderaient (%)",
        ],
        rows=rows,
        chart=Chart(value_column=2, maximum=5, rows=[row for row in rows if row[2] is not None]),
        chart_title="Note globale moyenne par formation (sur 5)",
        note="Réponses anonymes au questionnaire du portail, comptées dans l'année de la session.",
    )


# The dashboard's sections, in the order shown, by the key of their anchor and CSV file. A new section is a function
# (period) -> Table added here.
SECTIONS = {
    "sessions": sessions_fill,
    "dossiers": dossiers_by_state,
    "financement": dossiers_by_funding_state,
    "satisfaction": satisfaction_by_training,
    "formations": trainees_by_training,
    "collectivites": trainees_by_collectivite,
    "invitations": invitation_funnel,
    "reponses": response_times,
}


def section(key, period):
    """The table of the section `key` (KeyError when there is none)."""
    table = SECTIONS[key](period)
    table.key = key
    return table


def sections(period):
    return [section(key, period) for key in SECTIONS]
