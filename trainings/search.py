"""The catalogue search of step 2: which published trainings match the visitor's criteria.

A training is listed when it is published and has at least one upcoming, non-cancelled session that
matches the session criteria (place, dates). Whatever the number of trainings and sessions, a search
costs a fixed number of queries: one for the towns (only when a place is given), one count, one page of
trainings and one for the matching sessions of that page (plus one count when several keywords find
nothing together and the search retries with any of them).
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Q, Subquery

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


def search_trainings(criteria, now=None, any_word=False):
    """Published trainings matching `criteria` (as cleaned by TrainingSearchForm).

    Keywords must all match (or, with `any_word`, at least one). Trainings with a session one can still
    enrol in come first, by the date of that session. Each training carries `next_start` and
    `matching_sessions` (its matching sessions, with seats taken).
    """
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

    def first_start(of_sessions):
        return Subquery(of_sessions.filter(training=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1])

    bookable = sessions.registration_open(now).having_seats_left(now)
    return (
        trainings.annotate(next_start=first_start(sessions), next_bookable_start=first_start(bookable))
        .filter(next_start__isnull=False)
        .select_related("organiser", "theme")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=sessions.with_seats_left(now).order_by("starts_at", "pk"),
                to_attr="matching_sessions",
            )
        )
        .order_by(F("next_bookable_start").asc(nulls_last=True), "next_start", "title", "pk")
    )


def feature_sessions(trainings):
    """Set `featured_session` on each training of a page: its first session still open for dossiers, or else its
    first matching session."""
    for training in trainings:
        sessions = training.matching_sessions
        training.featured_session = next((s for s in sessions if s.can_create_dossier), sessions[0])
    return trainings


@dataclass
class SearchOutcome:
    page: Page
    # True when no training had every keyword and the page lists those with at least one.
    any_word: bool = False
    notices: list = field(default_factory=list)


def run_search(criteria, page_number=1, now=None, per_page=RESULTS_PER_PAGE):
    """The page `page_number` of the search; the last page (with a French notice) when it is beyond the end."""
    results = search_trainings(criteria, now)
    paginator = Paginator(results, per_page)
    outcome = SearchOutcome(page=None)
    if paginator.count == 0 and len(search_words(criteria.get("q", ""))) > 1:
        paginator = Paginator(search_trainings(criteria, now, any_word=True), per_page)
        outcome.any_word = paginator.count > 0
    if page_number > paginator.num_pages:
        if paginator.count:
            outcome.notices.append(f"La page {page_number} n'existe pas : voici la dernière page des résultats.")
        page_number = paginator.num_pages
    outcome.page = paginator.page(page_number)
    outcome.page.object_list = feature_sessions(list(outcome.page.object_list))
    return outcome
