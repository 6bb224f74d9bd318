import datetime

import pytest
from django.utils import timezone

from tests.factories import DossierFactory, SessionFactory, ThemeFactory, TrainingFactory
from trainings.models import Modality
from trainings.search import run_search, search_trainings

pytestmark = pytest.mark.django_db


def titles(criteria, **kwargs):
    return [training.title for training in search_trainings(criteria, **kwargs)]


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_only_published_trainings_with_upcoming_open_sessions():
    SessionFactory(training__title="Publiée")
    SessionFactory(training__title="Brouillon", training__unpublished=True)
    SessionFactory(training__title="Passée", days_ahead=-3)
    SessionFactory(training__title="Annulée", cancelled=True)
    TrainingFactory(title="Sans session")
    assert titles({}) == ["Publiée"]


def test_a_session_closed_for_registration_still_lists_its_training_after_the_open_ones():
    SessionFactory(training__title="Close", registration_closed=True)
    SessionFactory(training__title="Ouverte", days_ahead=60)
    assert titles({}) == ["Ouverte", "Close"]


def test_trainings_are_ordered_by_their_next_session_one_can_enrol_in():
    late = SessionFactory(training__title="Plus tard", days_ahead=50).training
    SessionFactory(training__title="Bientôt", days_ahead=20)
    full = SessionFactory(training__title="Complète d'abord", days_ahead=15, seats=1, taken=1).training
    SessionFactory(training=full, days_ahead=70)
    SessionFactory(training=late, registration_closed=True)
    assert titles({}) == ["Bientôt", "Plus tard", "Complète d'abord"]


class TestKeywords:
    @pytest.fixture(autouse=True)
    def catalogue(self):
        finances = ThemeFactory(name="Finances locales", slug="finances")
        SessionFactory(training__title="Budget communal niveau confirmé", training__theme=finances)
        SessionFactory(
            training__title="Urbanisme : faire évoluer le PLU", training__summary="Le plan local d'urbanisme."
        )
        SessionFactory(training__title="Marchés publics", training__objectives="Acheter en sécurité.")

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("budget", ["Budget communal niveau confirmé"]),
            ("BUDGET", ["Budget communal niveau confirmé"]),
            ("marches publics", ["Marchés publics"]),
            ("marché", ["Marchés publics"]),
            ("plu", ["Urbanisme : faire évoluer le PLU"]),
            ("finances", ["Budget communal niveau confirmé"]),  # the theme
            ("plan local", ["Urbanisme : faire évoluer le PLU"]),  # the summary
            ("sécurité", ["Marchés publics"]),  # the objectives
            ("budget urbanisme", []),  # every word must match
            ("zzz", []),
        ],
    )
    def test_keywords(self, query, expected):
        assert titles({"q": query}) == expected

    def test_when_no_training_has_every_word_the_search_offers_those_with_one(self):
        outcome = run_search({"q": "budget urbanisme"})
        assert outcome.any_word
        assert {t.title for t in outcome.page} == {
            "Budget communal niveau confirmé",
            "Urbanisme : faire évoluer le PLU",
        }

    def test_a_single_unknown_word_finds_nothing_without_retrying(self):
        outcome = run_search({"q": "zzz"})
        assert not outcome.any_word and outcome.page.paginator.count == 0


class TestModality:
    @pytest.fixture(autouse=True)
    def catalogue(self):
        SessionFactory(training__title="En centre", training__modality=Modality.IN_PERSON)
        SessionFactory(training__title="À distance", training__remote=True, remote=True)
        SessionFactory(training__title="Mixte", training__blended=True)

    def test_in_person_includes_blended(self):
        assert sorted(titles({"modalite": "centre"})) == ["En centre", "Mixte"]

    def test_remote_includes_blended(self):
        assert sorted(titles({"modalite": "distance"})) == ["Mixte", "À distance"]


class TestLocation:
    @pytest.fixture(autouse=True)
    def catalogue(self):
        SessionFactory(training__title="Tours", city="Tours", postal_code="37000")
        SessionFactory(training__title="Joué", city="Joué-lès-Tours", postal_code="37300")
        SessionFactory(training__title="Chinon", city="Chinon", postal_code="37500")
        SessionFactory(training__title="Saint-Cyr", city="Saint-Cyr-sur-Loire", postal_code="37540")
        SessionFactory(training__title="Bourges", city="Bourges", postal_code="18000")
        SessionFactory(training__title="Distance", remote=True)

    @pytest.mark.parametrize(
        "location, expected",
        [
            ("Tours", ["Tours"]),  # the exact town, not every town whose name contains it
            ("tours", ["Tours"]),
            ("joue les tours", ["Joué"]),
            ("Joué-lès-Tours", ["Joué"]),
            ("saint cyr", ["Saint-Cyr"]),  # part of a name when no town has exactly that name
            ("37500", ["Chinon"]),
            ("37500 Chinon", ["Chinon"]),
            ("37", ["Chinon", "Joué", "Saint-Cyr", "Tours"]),  # the département
            ("18", ["Bourges"]),
            ("Amboise", []),
        ],
    )
    def test_town_or_postal_code(self, location, expected):
        assert sorted(titles({"lieu": location})) == expected


def test_date_range_applies_to_the_first_day():
    SessionFactory(training__title="Décembre", days_ahead=20)
    SessionFactory(training__title="Janvier", days_ahead=50)
    assert titles({"du": in_days(30)}) == ["Janvier"]
    assert titles({"au": in_days(20)}) == ["Décembre"]
    assert titles({"du": in_days(20), "au": in_days(20)}) == ["Décembre"]
    assert titles({"du": in_days(21), "au": in_days(49)}) == []


def test_matching_sessions_are_only_those_meeting_the_criteria():
    training = SessionFactory(training__title="Budget", city="Tours", days_ahead=20).training
    SessionFactory(training=training, city="Chinon", postal_code="37500", days_ahead=40)
    [result] = run_search({"lieu": "Chinon"}).page
    assert result.featured_session.city == "Chinon"
    assert result.matching_count == 1 and result.other_dates == 0


def test_theme():
    finances = ThemeFactory(name="Finances", slug="finances")
    SessionFactory(training__title="Budget", training__theme=finances)
    SessionFactory(training__title="Urbanisme")
    assert titles({"theme": finances}) == ["Budget"]


def test_pages_and_page_beyond_the_end():
    for index in range(12):
        SessionFactory(training__title=f"Formation {index:02d}", days_ahead=20 + index)
    first = run_search({}, 1, per_page=5)
    assert first.page.paginator.num_pages == 3 and len(first.page) == 5 and not first.notices
    assert [t.title for t in first.page] == [f"Formation {index:02d}" for index in range(5)]
    second = run_search({}, 2, per_page=5)
    assert second.page.paginator.count == 12 and second.page.has_next() and second.page.has_previous()
    assert [t.title for t in second.page] == [f"Formation {index:02d}" for index in range(5, 10)]
    beyond = run_search({}, 9, per_page=5)
    assert beyond.page.number == 3 and len(beyond.page) == 2 and beyond.page.paginator.count == 12
    assert beyond.notices == ["La page 9 n'existe pas : voici la dernière page des résultats."]
    assert [t.title for t in beyond.page] == ["Formation 10", "Formation 11"]
    assert beyond.page[0].featured_session.training_id == beyond.page[0].pk


@pytest.mark.parametrize("page_number", [1, 4])
def test_nothing_found_is_one_empty_page_without_notice(page_number):
    SessionFactory(training__title="Budget")
    outcome = run_search({"q": "zzz"}, page_number)
    assert outcome.page.number == 1 and list(outcome.page) == [] and outcome.page.paginator.count == 0
    assert not outcome.notices and not outcome.any_word


def test_featured_session_is_the_first_one_still_open():
    training = SessionFactory(training__title="Budget", registration_closed=True).training
    later = SessionFactory(training=training, days_ahead=40)
    [result] = run_search({}).page
    assert result.featured_session == later
    assert result.matching_count == 2 and result.other_dates == 1


def test_featured_session_skips_full_sessions_and_takes_the_first_of_a_same_start():
    training = SessionFactory(training__title="Budget", days_ahead=20, seats=1, taken=1).training
    first, second = (SessionFactory(training=training, days_ahead=40) for _ in range(2))
    SessionFactory(training=training, days_ahead=60)
    [result] = run_search({}).page
    assert result.featured_session == first
    assert result.featured_session.seats_left == 15 and not result.featured_session.is_full
    assert result.other_dates == 3
    DossierFactory.create_batch(15, session=first, accepted=True)
    [result] = run_search({}).page
    assert result.featured_session == second


def test_without_a_session_one_can_enrol_in_the_first_matching_one_is_featured_with_its_seats():
    full = SessionFactory(training__title="Budget", registration_closed=True, seats=1, taken=1)
    SessionFactory(training=full.training, days_ahead=40, seats=1, taken=1)
    [result] = run_search({}).page
    assert result.featured_session == full and result.featured_session.is_full
    assert result.other_dates == 1


def test_the_first_running_seat_offer_of_any_matching_session_is_known_not_only_the_featured_ones():
    featured = SessionFactory(training__title="Budget", days_ahead=20)
    later = SessionFactory(training=featured.training, days_ahead=40)
    elsewhere = SessionFactory(training=featured.training, days_ahead=50, city="Chinon", postal_code="37500")
    soon, sooner = (timezone.now() + datetime.timedelta(hours=hours) for hours in (10, 5))
    DossierFactory(session=later, offered=True, offer_expires_at=soon)
    DossierFactory(session=elsewhere, offered=True, offer_expires_at=sooner)
    DossierFactory(session=featured, offered=True, offer_expires_at=timezone.now() - datetime.timedelta(hours=1))
    [result] = run_search({"lieu": "Tours"}).page
    assert result.featured_session == featured
    assert result.matching_offers_end == soon
    [without_offer] = run_search({"lieu": "Tours"}, now=timezone.now() + datetime.timedelta(hours=11)).page
    assert without_offer.matching_offers_end is None
