import datetime

import pytest
from django.urls import reverse

from enrolment import todo
from tests.enrolment.conftest import paris, staff_in
from tests.factories import DossierFactory, IdentityDocumentFactory, SessionFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def counts(items):
    return {item.label: item.count for item in items}


def test_sessions_closing_within_seven_days(time_machine):
    time_machine.move_to(paris(2027, 3, 1, 10), tick=False)
    # Calendar mode: the last registration day is 11 days before the first day.
    closes_today = SessionFactory(starts_at=paris(2027, 3, 12, 9), ends_at=paris(2027, 3, 12, 17))
    closes_in_7 = SessionFactory(starts_at=paris(2027, 3, 19, 9), ends_at=paris(2027, 3, 19, 17))
    SessionFactory(starts_at=paris(2027, 3, 20, 9), ends_at=paris(2027, 3, 20, 17))  # closes in 8 days
    SessionFactory(starts_at=paris(2027, 3, 11, 9), ends_at=paris(2027, 3, 11, 17))  # closed yesterday
    SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17), cancelled=True)
    assert set(todo.sessions_closing_soon()) == {closes_today, closes_in_7}


def test_sessions_closing_soon_in_business_mode(settings, time_machine):
    settings.REGISTRATION_DAYS_MODE = "business"
    time_machine.move_to(paris(2027, 3, 1, 10), tick=False)  # Monday
    found = set(todo.sessions_closing_soon())
    for session in found:
        assert 0 <= (session.last_registration_day - datetime.date(2027, 3, 1)).days <= 7
    inside = SessionFactory(starts_at=paris(2027, 3, 22, 9), ends_at=paris(2027, 3, 22, 17))
    outside = SessionFactory(starts_at=paris(2027, 3, 31, 9), ends_at=paris(2027, 3, 31, 17))
    assert inside.last_registration_day <= datetime.date(2027, 3, 8) < outside.last_registration_day
    assert set(todo.sessions_closing_soon()) == {inside}


def test_full_sessions_are_upcoming_and_open():
    full = SessionFactory(seats=2, taken=2)
    SessionFactory(seats=2, taken=1)
    SessionFactory(seats=1, taken=1, days_ahead=-3)  # over
    SessionFactory(seats=1, taken=1, cancelled=True)
    assert list(todo.full_sessions()) == [full]


def test_items_count_what_needs_doing(time_machine):
    time_machine.move_to(paris(2027, 3, 11, 10), tick=False)  # Thursday
    DossierFactory(submitted=True, submitted_at=paris(2027, 3, 8, 9))  # overdue
    DossierFactory(submitted=True, submitted_at=paris(2027, 3, 10, 9))
    DossierFactory(accepted=True, submitted_at=paris(2027, 3, 1, 9))
    IdentityDocumentFactory()
    IdentityDocumentFactory(accepted=True)
    items = todo.items_for(UserFactory(superuser=True))
    assert counts(items) == {
        "Dossiers en attente de réponse": 2,
        "dont en attente depuis plus de 2 jours ouvrés": 1,
        "Dossiers validés sans demande sur Mon Compte Formation depuis plus de 2 jours": 0,
        "Propositions Mon Compte Formation à valider par l'élu au plus tard le jour ouvré suivant": 0,
        "Entrées en formation à déclarer sur EDOF": 0,
        "dont à déclarer aujourd'hui ou en retard (3 jours ouvrés après le début)": 0,
        "Services faits à déclarer sur EDOF": 0,
        "dont à déclarer aujourd'hui ou en retard (3 jours ouvrés après la fin)": 0,
        "Pièces d'identité à vérifier": 1,
        "Formations publiées sans identifiants Mon Compte Formation": 3,
        URGENT_IDENTITY: 0,
        "Sessions dont les inscriptions ferment dans les 7 jours": 0,
        "Sessions à venir complètes": 0,
    }
    overdue = next(item for item in items if item.sub)
    assert overdue.urgent and overdue.url == reverse("admin:enrolment_dossier_changelist") + "?attente=en_retard"


URGENT_IDENTITY = "dont à vérifier en priorité : inscriptions bientôt closes"


def test_an_identity_document_sent_too_late_for_the_usual_review_is_urgent(client, time_machine):
    # Tuesday 1 December 2026; a session on 14 December closes on 3 December (calendar mode), so the document
    # should have been sent by 30 November (3 working days before): it is late.
    time_machine.move_to(paris(2026, 12, 1, 10), tick=False)
    late = DossierFactory(session=SessionFactory(starts_at=paris(2026, 12, 14, 9), ends_at=paris(2026, 12, 14, 17)))
    IdentityDocumentFactory(user=late.user)
    in_time = DossierFactory(session=SessionFactory(starts_at=paris(2027, 1, 20, 9), ends_at=paris(2027, 1, 20, 17)))
    IdentityDocumentFactory(user=in_time.user)
    closed = DossierFactory(session=SessionFactory(starts_at=paris(2026, 12, 10, 9), ends_at=paris(2026, 12, 10, 17)))
    IdentityDocumentFactory(user=closed.user)
    DossierFactory(session=late.session)  # no identity document: nothing to review
    item = next(i for i in todo.items_for(UserFactory(superuser=True)) if i.label == URGENT_IDENTITY)
    assert item.count == 1 and item.urgent and item.sub
    assert item.url == reverse("admin:enrolment_dossier_changelist") + "?attente=identite_urgente"
    client.force_login(UserFactory(superuser=True))
    listed = client.get(item.url).context["cl"].result_list
    assert list(listed) == [late]


def test_items_follow_the_staff_members_permissions():
    checker = staff_in("Vérification d'identité")
    labels = [item.label for item in todo.items_for(checker)]
    assert "Pièces d'identité à vérifier" in labels and "Sessions à venir complètes" not in labels
    assert todo.items_for(UserFactory(staff=True)) == []


def test_the_admin_home_shows_the_to_do_with_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(UserFactory(superuser=True))
    DossierFactory(submitted=True)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("admin:index"))
    for _ in range(10):
        DossierFactory(submitted=True, submitted_at=paris(2026, 1, 5))
        IdentityDocumentFactory()
        SessionFactory(seats=1, taken=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("admin:index"))
    page = page_text(response)
    assert "À faire" in page
    assert '<span class="count">11</span>Dossiers en attente de réponse' in page
    assert '<span class="count">10</span>dont en attente depuis plus de 2 jours ouvrés' in page
    assert '<span class="count">10</span>Pièces d\'identité à vérifier' in page
    for item_url in (
        "/admin/enrolment/dossier/?attente=toutes",
        "/admin/accounts/identitydocument/?status__exact=pending",
        "/admin/trainings/session/?situation=cloture_proche",
        "/admin/trainings/session/?situation=complete",
    ):
        assert item_url in page
