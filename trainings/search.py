"""The catalogue search of step 2: which published trainings match the visitor's criteria.

A training is listed when it is published and has at least one upcoming, non-cancelled session that
matches the session criteria (place, dates). Whatever the number of trainings and sessions, a search
costs a fixed number of queries: one for the towns (only when a place is given), one count, one page of
trainings and one for the session each training of that page features (plus one count when several keywords
find nothing together and the search retries with any of them).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from . import availability
from .forms import SearchModality
from .models import Modality, Session, Training
from .normalization import fold, search_words, word_pattern

RESULTS_PER_PAGE = 10

_MODALITIES = {
    SearchModality.IN_PERSON: [Modality.IN_PERSON, Modality.BLENDED],
    SearchModality.REMOTE: [Modality.REMOTE, Modality.BLENDED],
}
_POSTAL_CODE_PREFIX = re.compile(r"\d{2,5}")
_POSTAL_CODE_IN_TEXT = re.compile(r"\b(\d{5})\b")


def _towns_matching(location, sessions):
    """The towns (as stored) that `location` designates among those of `sessions`.

    A town whose folded name equals the folded input wins ("joue les tours" → "Joué-lès-Tours");
    otherwise every town containing it ("saint cyr" → "Saint-Cyr-sur-Loire").
    """
    wanted = fold(location)
    towns = set(sessions.exclude(city="").order_by().values_list("city", flat=True).distinct())
    exact = [town for town in towns if fold(town) == wanted]
    return exact or [town for town in towns if wanted and wanted in fold(town)]


def _location_filter(location, sessions):
    """A Q on sessions for a town or a postal code (or its first digits: "37" is the département); None if none."""
    compact = location.replace(" ", "")
    if _POSTAL_CODE_PREFIX.fullmatch(compact):
        return Q(postal_code__startswith=compact)
    code = _POSTAL_CODE_IN_TEXT.search(location)
    if code:
        return Q(postal_code=code.group(1))
    towns = _towns_matching(location, sessions)
    return Q(city__in=towns) if towns else None


def matching_sessions(criteria, now=None):
    """Upcoming, non-cancelled sessions matching the place and dates of `criteria`; None if none can match."""
    sessions = Session.objects.open().upcoming(now)
    if criteria.get("du"):
        sessions = sessions.filter(starts_at__date__gte=criteria["du"])
    if criteria.get("au"):
        sessions = sessions.filter(starts_at__date__lte=criteria["au"])
    if criteria.get("lieu"):
        location = _location_filter(criteria["lieu"], sessions)
        if location is None:
            return None
        sessions = sessions.filter(location)
    return sessions


# What the result list shows of a training (with its organiser's and theme's names).
LISTED_FIELDS = ("title", "slug", "modality", "duration_hours", "price", "organiser__name", "theme__name")
# What it shows of the featured session.
FEATURED_FIELDS = ("training_id", "starts_at", "ends_at", "city", "seats", "status")


def _first(of_training, field):
    """Subquery: `field` of the first of `of_training` (sessions of the outer training), by start."""
    return Subquery(of_training.order_by("starts_at").values(field)[:1])


def _over_all(of_training, aggregate):
    """Subquery: `aggregate` over `of_training` (sessions of the outer training)."""
    return Subquery(of_training.order_by().values("training").annotate(value=aggregate).values("value"))


def search_trainings(criteria, now=None, any_word=False, sessions=None):
    """Published trainings matching `criteria` (as cleaned by TrainingSearchForm); `sessions` are its
    `matching_sessions`, when already read.

    Keywords must all match (or, with `any_word`, at least one). Trainings with a session one can still
    enrol in come first, by the date of that session (`next_bookable_start`, None without one), then by the date of
    their first matching session (`next_start`). Each training also carries `matching_count` (its matching
    sessions) and `matching_offers_end` (when the first waiting-list offer still running for one of them ends, None
    without one). Only what the result list shows of a training is read.
    """
    now = now or timezone.now()
    if sessions is None:
        sessions = matching_sessions(criteria, now)
    if sessions is None:
        return Training.objects.none()
    trainings = Training.objects.published()
    words = [Q(search_text__contains=word_pattern(word)) for word in search_words(criteria.get("q", ""))]
    if words and any_word:
        trainings = trainings.filter(reduce(or_, words))
    else:
        for word in words:
            trainings = trainings.filter(word)
    if criteria.get("modalite") in _MODALITIES:
        trainings = trainings.filter(modality__in=_MODALITIES[criteria["modalite"]])
    if criteria.get("theme"):
        trainings = trainings.filter(theme=criteria["theme"])

    of_training = sessions.filter(training=OuterRef("pk"))
    bookable = of_training.registration_open(now).having_seats_left(now)
    offers_end = availability.annotations(now, ["seats_offers_end"])["seats_offers_end"]
    return (
        trainings.filter(Exists(of_training))
        .annotate(
            next_start=_first(of_training, "starts_at"),
            next_bookable_start=_first(bookable, "starts_at"),
            # Not sort keys: PostgreSQL computes them for the trainings of the page only.
            matching_count=_over_all(of_training, Count("*")),
            matching_offers_end=_over_all(of_training, Min(offers_end)),
        )
        .select_related("organiser", "theme")
        .only(*LISTED_FIELDS)
        .order_by(F("next_bookable_start").asc(nulls_last=True), "next_start", "title", "pk")
    )


def feature_sessions(trainings, sessions, now=None):
    """Set on each training of a page (from `search_trainings`, `sessions` being its matching sessions)
    `featured_session` — its first matching session one can still create a dossier for, else its first matching
    session —, with its seats counted, and `other_dates`, the number of its other matching sessions. One query."""
    if not trainings:
        return trainings
    # The featured session starts at its training's next bookable start, else at its next start: only sessions
    # starting then are read.
    starts = {training.pk: training.next_bookable_start or training.next_start for training in trainings}
    unavailable = availability.annotations(now or timezone.now(), ["seats_unavailable"])
    candidates = defaultdict(list)
    for session in (
        sessions.filter(training__in=starts, starts_at__in=set(starts.values()))
        .only(*FEATURED_FIELDS)
        .annotate(**unavailable)
        .order_by("starts_at", "pk")
    ):
        if session.starts_at == starts[session.training_id]:
            candidates[session.training_id].append(session)
    for training in trainings:
        found = candidates[training.pk]
        training.featured_session = next((session for session in found if session.can_create_dossier), found[0])
        training.other_dates = training.matching_count - 1
    return trainings


@dataclass
class SearchOutcome:
    page: Page
    # True when no training had every keyword and the page lists those with at least one.
    any_word: bool = False
    notices: list = field(default_factory=list)


def run_search(criteria, page_number=1, now=None, per_page=RESULTS_PER_PAGE):
    """The page `page_number` of the search; the last page (with a French notice) when it is beyond the end."""
    now = now or timezone.now()
    sessions = matching_sessions(criteria, now)
    paginator = Paginator(search_trainings(criteria, now, sessions=sessions), per_page)
    outcome = SearchOutcome(page=None)
    if paginator.count == 0 and len(search_words(criteria.get("q", ""))) > 1:
        paginator = Paginator(search_trainings(criteria, now, any_word=True, sessions=sessions), per_page)
        outcome.any_word = paginator.count > 0
    if page_number > paginator.num_pages:
        if paginator.count:
            outcome.notices.append(f"La page {page_number} n'existe pas : voici la dernière page des résultats.")
        page_number = paginator.num_pages
    outcome.page = paginator.page(page_number)
    outcome.page.object_list = feature_sessions(list(outcome.page.object_list), sessions, now)
    return outcome
