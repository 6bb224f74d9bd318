import pytest
from django.db import IntegrityError, transaction

from enrolment.models import DossierState
from tests.factories import DossierFactory, SessionFactory, ThemeFactory, TrainingFactory
from trainings.models import Session, Training


@pytest.mark.django_db
class TestSeats:
    def test_only_seat_holding_dossiers_take_a_seat(self):
        session = SessionFactory(seats=5)
        for state in DossierState.values:
            DossierFactory(session=session, state=state)
        annotated = Session.objects.with_availability().get(pk=session.pk)
        # submitted, accepted, attended, absent
        assert annotated.seats_taken == 4
        assert annotated.availability.free == 1
        # The waiting-list dossier (no offer yet) gets that seat before any new request.
        assert annotated.seats_waiting == 1 and annotated.seats_left == 0 and annotated.is_full

    def test_full_session(self):
        session = SessionFactory(seats=2, taken=2)
        annotated = Session.objects.with_availability().get(pk=session.pk)
        assert annotated.is_full and annotated.seats_left == 0
        assert not annotated.can_create_dossier

    def test_overbooked_session_shows_zero_seats_left(self):
        session = SessionFactory(seats=1, taken=2)
        assert Session.objects.with_availability().get(pk=session.pk).seats_left == 0

    def test_a_session_without_dossiers_has_zero_seats_taken(self):
        session = SessionFactory()
        assert Session.objects.with_availability().get(pk=session.pk).seats_taken == 0

    def test_without_annotation_the_count_is_queried(self, django_assert_num_queries):
        session = Session.objects.get(pk=SessionFactory(seats=3, taken=1).pk)
        with django_assert_num_queries(1):
            assert session.seats_left == 2

    def test_annotation_costs_no_extra_query_per_session(self, django_assert_num_queries):
        for _ in range(5):
            SessionFactory(taken=1)
        with django_assert_num_queries(1):
            assert [s.seats_left for s in Session.objects.with_availability()] == [14] * 5


@pytest.mark.django_db
class TestSessionRegistration:
    def test_open_session(self):
        session = SessionFactory(days_ahead=30)
        assert session.is_registration_open and session.can_create_dossier

    def test_closed_session(self):
        session = SessionFactory(registration_closed=True)
        assert not session.is_registration_open and not session.can_create_dossier

    def test_cancelled_session_is_never_open(self):
        assert not SessionFactory(cancelled=True, days_ahead=30).is_registration_open

    def test_registration_open_queryset_agrees_with_the_property(self):
        sessions = [SessionFactory(days_ahead=days) for days in (5, 10, 11, 12, 30)]
        SessionFactory(days_ahead=30, cancelled=True)
        open_ids = set(Session.objects.registration_open().values_list("pk", flat=True))
        assert open_ids == {s.pk for s in sessions if s.is_registration_open}
        assert len(open_ids) == 3  # 11, 12 and 30 days ahead


@pytest.mark.django_db
class TestSearchText:
    def test_search_text_is_folded_and_kept_up_to_date(self):
        training = TrainingFactory(title="Marchés publics", summary="Résumé", objectives="Sécuriser")
        assert "marches publics" in training.search_text
        training.title = "Commande publique"
        training.save(update_fields=["title"])
        training.refresh_from_db()
        assert "commande publique" in training.search_text and "marches" not in training.search_text

    def test_renaming_a_theme_updates_its_trainings(self):
        theme = ThemeFactory(name="Finances")
        training = TrainingFactory(theme=theme)
        theme.name = "Fiscalité locale"
        theme.save()
        training.refresh_from_db()
        assert "fiscalite locale" in training.search_text


@pytest.mark.django_db
def test_slug_and_canonical_url():
    training = TrainingFactory(title="Le maire employeur : gérer le personnel")
    assert training.slug == "le-maire-employeur-gerer-le-personnel"
    assert training.get_absolute_url() == f"/formations/{training.pk}-le-maire-employeur-gerer-le-personnel/"


@pytest.mark.django_db
def test_database_refuses_a_negative_price():
    training = TrainingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Training.objects.filter(pk=training.pk).update(price=-1)
