"""The satisfaction questionnaire a participant answers in the portal after the session.

Training organisations collect their participants' appreciation for their quality certification: the association
needs these figures. Only a participant marked present ("Formation suivie") may answer, once the session is over,
and only once (a `SatisfactionReceipt` per dossier, unique in the database). The answer itself records the session
only, never the élu: results are anonymous, per session (`results`) and per training over a year
(`averages_by_training`, for the staff dashboard).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from trainings import deadlines

from .exceptions import EnrolmentError, NotAllowed
from .models import DossierState, SatisfactionAnswer, SatisfactionReceipt

RATINGS = [
    (5, "5 — Très satisfait"),
    (4, "4 — Satisfait"),
    (3, "3 — Moyennement satisfait"),
    (2, "2 — Peu satisfait"),
    (1, "1 — Pas du tout satisfait"),
]
USEFULNESS = [
    (5, "5 — Très utile"),
    (4, "4 — Utile"),
    (3, "3 — Moyennement utile"),
    (2, "2 — Peu utile"),
    (1, "1 — Pas du tout utile"),
]


class AlreadyAnswered(EnrolmentError):
    message = "Vous avez déjà répondu au questionnaire de cette formation. Merci pour votre réponse."


class NotYetOpen(EnrolmentError):
    message = "Le questionnaire s'ouvre à la fin de la session, pour les participants notés présents."


def has_answered(dossier):
    """Whether the élu has answered (no query once the dossier is fetched with its "satisfaction_receipt")."""
    try:
        return dossier.satisfaction_receipt is not None
    except SatisfactionReceipt.DoesNotExist:
        return False


def is_open_for(dossier, now=None):
    """A participant marked present, of a session that is over."""
    return dossier.state == DossierState.ATTENDED and dossier.session.ends_at <= (now or timezone.now())


def can_answer(dossier, now=None):
    return is_open_for(dossier, now) and not has_answered(dossier)


@transaction.atomic
def record_answer(dossier, *, by, overall, objectives_met, usefulness, would_recommend, comment=""):
    """Records the élu's answer and that they answered, together or not at all."""
    if by.pk != dossier.user_id:
        raise NotAllowed()
    if not is_open_for(dossier):
        raise NotYetOpen()
    try:
        with transaction.atomic():
            receipt = SatisfactionReceipt.objects.create(dossier=dossier, answered_on=deadlines.paris_today())
    except IntegrityError:
        raise AlreadyAnswered() from None
    dossier.satisfaction_receipt = receipt
    return SatisfactionAnswer.objects.create(
        session_id=dossier.session_id,
        overall=overall,
        objectives_met=objectives_met,
        usefulness=usefulness,
        would_recommend=would_recommend,
        comment=comment.strip(),
    )


def _one_decimal(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Results:
    participants: int  # marked present: who may answer
    answers: int
    overall_average: Decimal | None
    usefulness_average: Decimal | None
    overall_counts: list  # (label, count) from 5 down to 1
    usefulness_counts: list
    objectives_counts: list  # (label, count) oui / en partie / non
    recommend_count: int
    comments: list

    @property
    def response_rate(self):
        return _percent(self.answers, self.participants)

    @property
    def recommend_rate(self):
        return _percent(self.recommend_count, self.answers)


def results(session):
    """The anonymous results of one session: counts, averages and comments (a fixed number of queries)."""
    answers = SatisfactionAnswer.objects.filter(session=session)
    figures = answers.aggregate(
        answers=Count("pk"),
        overall_average=Avg("overall"),
        usefulness_average=Avg("usefulness"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
        **{f"overall_{value}": Count("pk", filter=Q(overall=value)) for value, _ in RATINGS},
        **{f"usefulness_{value}": Count("pk", filter=Q(usefulness=value)) for value, _ in USEFULNESS},
        **{
            f"objectives_{value}": Count("pk", filter=Q(objectives_met=value))
            for value in SatisfactionAnswer.Objectives
        },
    )
    # Ordered by their text, not by when they came: the order says nothing about who wrote them.
    comments = list(answers.exclude(comment="").order_by("comment").values_list("comment", flat=True))
    return Results(
        participants=session.dossiers.filter(state=DossierState.ATTENDED).count(),
        answers=figures["answers"],
        overall_average=_one_decimal(figures["overall_average"]),
        usefulness_average=_one_decimal(figures["usefulness_average"]),
        overall_counts=[(label, figures[f"overall_{value}"]) for value, label in RATINGS],
        usefulness_counts=[(label, figures[f"usefulness_{value}"]) for value, label in USEFULNESS],
        objectives_counts=[
            (choice.label, figures[f"objectives_{choice.value}"]) for choice in SatisfactionAnswer.Objectives
        ],
        recommend_count=figures["recommend"],
        comments=comments,
    )


CSV_HEADER = [
    "Formation",
    "Session",
    "Appréciation générale (1 à 5)",
    "Objectifs atteints",
    "Utilité pour le mandat (1 à 5)",
    "Recommanderait la formation",
    "Commentaire",
]


def csv_rows(session):
    """One line per answer, without anything that says who answered (ordered by the answers' random keys)."""
    answers = SatisfactionAnswer.objects.filter(session=session).order_by("pk")
    first_day = f"{session.first_day:%d/%m/%Y}"
    for answer in answers:
        yield [
            session.training.title,
            first_day,
            answer.overall,
            answer.get_objectives_met_display(),
            answer.usefulness,
            "Oui" if answer.would_recommend else "Non",
            answer.comment,
        ]


@dataclass(frozen=True)
class TrainingAverages:
    training_id: int
    title: str
    answers: int
    overall_average: Decimal | None
    usefulness_average: Decimal | None
    objectives_met_rate: int | None  # % of "oui"
    recommend_rate: int | None


def averages_by_training(sessions):
    """Per training, the answers of its `sessions` (a queryset: the dashboard's year): how many, the average
    ratings (one decimal), the share who found the objectives met and who would recommend it. Trainings without any
    answer are left out; ordered by title. One query."""
    rows = (
        SatisfactionAnswer.objects.filter(session__in=sessions)
        .values("session__training_id", "session__training__title")
        .annotate(
            answers=Count("pk"),
            overall=Avg("overall"),
            usefulness=Avg("usefulness"),
            objectives_met=Count("pk", filter=Q(objectives_met=SatisfactionAnswer.Objectives.YES)),
            recommend=Count("pk", filter=Q(would_recommend=True)),
        )
        .order_by("session__training__title", "session__training_id")
    )
    return [
        TrainingAverages(
            training_id=row["session__training_id"],
            title=row["session__training__title"],
            answers=row["answers"],
            overall_average=_one_decimal(row["overall"]),
            usefulness_average=_one_decimal(row["usefulness"]),
            objectives_met_rate=_percent(row["objectives_met"], row["answers"]),
            recommend_rate=_percent(row["recommend"], row["answers"]),
        )
        for row in rows
    ]
