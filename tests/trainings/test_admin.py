from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import SessionFactory, ThemeFactory, TrainingFactory, UserFactory
from trainings.models import Modality, Training

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:trainings_training_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def listed_titles(response):
    return [training.title for training in response.context["cl"].result_list]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_changelist_flags_costly_trainings_and_big_sessions(staff_client):
    SessionFactory(
        training__title="Trop chère", training__price=Decimal("700"), training__duration_hours=7, training__mcf=True
    )
    SessionFactory(training__title="Trop de places", seats=20, training__mcf=True)
    SessionFactory(
        training__title="Conforme", training__price=Decimal("560"), training__duration_hours=7, training__mcf=True
    )
    response = staff_client.get(CHANGELIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "⚠ plus de 80 € de l&#x27;heure" in content
    assert "⚠ session de plus de 15 places" in content
    assert content.count("⚠") == 2
    assert "700,00\xa0€ (100,00\xa0€/h)" in content


def test_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(30):
        SessionFactory(taken=1)
    with django_assert_max_num_queries(12):
        assert staff_client.get(CHANGELIST).status_code == 200


def test_filters(staff_client):
    finances = ThemeFactory(name="Finances", slug="finances")
    SessionFactory(training__title="À venir", training__theme=finances)
    SessionFactory(training__title="Passée", training__remote=True, days_ahead=-20)
    TrainingFactory(title="Brouillon", unpublished=True)
    assert listed_titles(staff_client.get(CHANGELIST, {"a_venir": "oui"})) == ["À venir"]
    assert sorted(listed_titles(staff_client.get(CHANGELIST, {"a_venir": "non"}))) == ["Brouillon", "Passée"]
    assert listed_titles(staff_client.get(CHANGELIST, {"is_published__exact": "0"})) == ["Brouillon"]
    assert listed_titles(staff_client.get(CHANGELIST, {"modality__exact": Modality.REMOTE})) == ["Passée"]
    assert listed_titles(staff_client.get(CHANGELIST, {"theme__id__exact": finances.pk})) == ["À venir"]


def test_search_by_title_reference_and_theme(staff_client):
    TrainingFactory(title="Budget communal", reference="AMIL-FIN-02")
    TrainingFactory(title="Urbanisme", theme=ThemeFactory(name="Aménagement", slug="amenagement"))
    assert listed_titles(staff_client.get(CHANGELIST, {"q": "budget"})) == ["Budget communal"]
    assert listed_titles(staff_client.get(CHANGELIST, {"q": "AMIL-FIN"})) == ["Budget communal"]
    assert listed_titles(staff_client.get(CHANGELIST, {"q": "Aménagement"})) == ["Urbanisme"]


def test_change_page_warns_with_messages(staff_client):
    training = TrainingFactory(price=Decimal("900"), duration_hours=Decimal("7"))
    SessionFactory(training=training, seats=18, taken=2)
    response = staff_client.get(reverse("admin:trainings_training_change", args=[training.pk]))
    messages = messages_of(response)
    assert response.status_code == 200
    assert any("128,57 € de l'heure" in message and "80 € HT par heure" in message for message in messages)
    assert any("plus de 15 places (18)" in message for message in messages)
    content = response.content.decode()
    assert "Places occupées" in content and "Dernier jour d&#x27;inscription" in content


def test_change_page_without_warning(staff_client):
    training = TrainingFactory(price=Decimal("150"), duration_hours=Decimal("7"))
    SessionFactory(training=training)
    response = staff_client.get(reverse("admin:trainings_training_change", args=[training.pk]))
    assert messages_of(response) == []


def form_data(training, sessions):
    data = {
        "title": training.title,
        "slug": training.slug,
        "reference": training.reference,
        "organiser": training.organiser_id,
        "theme": training.theme_id,
        "is_published": "on",
        "duration_hours": "7",
        "modality": Modality.IN_PERSON,
        "price": "150.00",
        "financing_aids": "",
        "accessibility": "",
        "summary": "Résumé",
        "strengths": "",
        "objectives": "Objectifs",
        "content": "Contenu",
        "audience": "",
        "prerequisites": "",
        "contact": "",
        "place": "",
        "transport": "",
        "mcf_training_id": "",
        "mcf_action_id": "",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, seats in enumerate(sessions):
        data.update(
            {
                f"sessions-{index}-starts_at_0": "15/03/2030",
                f"sessions-{index}-starts_at_1": "09:00",
                f"sessions-{index}-ends_at_0": "15/03/2030",
                f"sessions-{index}-ends_at_1": "17:00",
                f"sessions-{index}-venue": "Mairie",
                f"sessions-{index}-postal_code": "37400",
                f"sessions-{index}-city": "Amboise",
                f"sessions-{index}-seats": str(seats),
                f"sessions-{index}-status": "open",
            }
        )
    return data


def test_saving_with_a_big_session_warns_after_the_sessions_are_saved(staff_client):
    training = TrainingFactory()
    url = reverse("admin:trainings_training_change", args=[training.pk])
    response = staff_client.post(url, form_data(training, sessions=[20]), follow=True)
    assert response.status_code == 200
    assert training.sessions.get().seats == 20
    assert any("plus de 15 places (20)" in message for message in messages_of(response))


def test_actions_publish_and_unpublish(staff_client):
    draft = TrainingFactory(unpublished=True)
    published = TrainingFactory()
    staff_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk, published.pk]})
    assert Training.objects.filter(is_published=True).count() == 2
    staff_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    published.refresh_from_db()
    assert not draft.is_published and published.is_published


def test_session_admin_lists_seats_and_deadline(staff_client):
    session = SessionFactory(seats=10, taken=3)
    response = staff_client.get(reverse("admin:trainings_session_changelist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert session.last_registration_day.strftime("%d/%m/%Y") in content
    assert response.context["cl"].result_list[0].seats_taken == 3


def test_non_staff_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(CHANGELIST).status_code == 302
