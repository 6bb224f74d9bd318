"""The satisfaction questionnaire (enrolment/satisfaction.py, satisfaction_views.py, admin_satisfaction.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from enrolment import dashboard, satisfaction
from enrolment.models import SatisfactionAnswer, SatisfactionReceipt
from tests.enrolment.conftest import paris, staff_in
from tests.factories import DossierFactory, SessionFactory, TrainingFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

GOOD = {"overall": "5", "objectives_met": "oui", "usefulness": "4", "would_recommend": "oui", "comment": "Très clair."}


@pytest.fixture
def participant():
    return DossierFactory(attended=True, session__days_ahead=-3)


def answer(dossier, overall=4, objectives_met="oui", usefulness=4, would_recommend=True, comment=""):
    return satisfaction.record_answer(
        dossier,
        by=dossier.user,
        overall=overall,
        objectives_met=objectives_met,
        usefulness=usefulness,
        would_recommend=would_recommend,
        comment=comment,
    )


# --- who may answer, once -----------------------------------------------------------------------------------------


def test_a_participant_answers_once_and_the_answer_does_not_say_who(participant):
    stored = answer(participant, comment="  Merci  ")
    assert stored.session == participant.session and stored.comment == "Merci"
    assert not {field.name for field in SatisfactionAnswer._meta.get_fields()} & {"dossier", "user", "created_at"}
    assert SatisfactionReceipt.objects.get().dossier == participant
    with pytest.raises(satisfaction.AlreadyAnswered):
        answer(participant)
    assert SatisfactionAnswer.objects.count() == 1


def test_the_database_refuses_a_second_receipt_for_a_dossier(participant):
    SatisfactionReceipt.objects.create(dossier=participant, answered_on=datetime.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionReceipt.objects.create(dossier=participant, answered_on=datetime.date(2027, 1, 2))


def test_the_database_refuses_a_rating_out_of_range(participant):
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionAnswer.objects.create(
            session=participant.session, overall=6, objectives_met="oui", usefulness=3, would_recommend=True
        )


@pytest.mark.parametrize(
    "dossier_kwargs",
    [
        {"accepted": True, "session__days_ahead": -3},  # presence not noted
        {"state": "absent", "session__days_ahead": -3},
        {"attended": True, "session__days_ahead": 0},  # the session ends tonight
    ],
)
def test_only_a_participant_marked_present_of_an_ended_session_may_answer(dossier_kwargs, time_machine):
    dossier = DossierFactory(**dossier_kwargs)
    time_machine.move_to(dossier.session.ends_at - datetime.timedelta(minutes=1), tick=False)
    with pytest.raises(satisfaction.NotYetOpen):
        answer(dossier)
    assert not SatisfactionAnswer.objects.exists()


def test_another_elu_cannot_answer_for_the_participant(participant):
    with pytest.raises(satisfaction.NotAllowed):
        satisfaction.record_answer(
            participant, by=UserFactory(), overall=1, objectives_met="non", usefulness=1, would_recommend=False
        )


# --- the portal page ----------------------------------------------------------------------------------------------


def test_the_questionnaire_is_offered_on_my_dossiers_then_thanked(client, participant):
    client.force_login(participant.user)
    dossiers = page_text(client.get(reverse("enrolment:list")))
    assert (
        "Votre avis nous intéresse" in dossiers and reverse("enrolment:satisfaction", args=[participant.pk]) in dossiers
    )
    form = client.get(reverse("enrolment:satisfaction", args=[participant.pk]))
    assert form.status_code == 200 and "anonymes" in page_text(form)
    response = client.post(reverse("enrolment:satisfaction", args=[participant.pk]), GOOD)
    assert response.url == reverse("enrolment:satisfaction", args=[participant.pk])
    thanks = page_text(client.get(response.url))
    assert "Merci pour votre avis" in thanks
    stored = SatisfactionAnswer.objects.get()
    assert (stored.overall, stored.objectives_met, stored.usefulness, stored.would_recommend) == (5, "oui", 4, True)
    detail = page_text(client.get(reverse("enrolment:detail", args=[participant.pk])))
    assert "vous avez donné votre avis" in detail and "Votre avis nous intéresse" not in detail
    # Posting again (back button, double click) records nothing more.
    client.post(reverse("enrolment:satisfaction", args=[participant.pk]), GOOD)
    assert SatisfactionAnswer.objects.count() == 1


def test_missing_answers_get_french_errors_and_keep_what_was_typed(client, participant):
    client.force_login(participant.user)
    response = client.post(
        reverse("enrolment:satisfaction", args=[participant.pk]), {"overall": "9", "comment": "Bien"}
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "<title>Erreur : " in page and 'class="alert alert-danger error-summary"' in page
    assert "Choisissez une des réponses." in page and "Choisissez une réponse." in page
    assert 'href="#id_objectives_met_0"' in page and 'id="id_objectives_met_0"' in page
    assert "\nBien</textarea>" in page
    assert not SatisfactionAnswer.objects.exists() and not SatisfactionReceipt.objects.exists()


def test_the_questionnaire_is_closed_before_the_end_and_to_others(client):
    upcoming = DossierFactory(accepted=True)
    client.force_login(upcoming.user)
    response = client.get(reverse("enrolment:satisfaction", args=[upcoming.pk]))
    assert response.url == reverse("enrolment:detail", args=[upcoming.pk])
    assert "Votre avis nous intéresse" not in page_text(client.get(reverse("enrolment:list")))
    other = DossierFactory(attended=True, session__days_ahead=-3)
    assert client.get(reverse("enrolment:satisfaction", args=[other.pk])).status_code == 404
    assert client.post(reverse("enrolment:satisfaction", args=[other.pk]), GOOD).status_code == 404
    assert not SatisfactionAnswer.objects.exists()


def test_my_dossiers_checks_the_answers_without_a_query_per_dossier(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    DossierFactory(user=user, attended=True, session__days_ahead=-3)
    with django_assert_max_num_queries(30) as baseline:
        client.get(reverse("enrolment:list"))
    for _ in range(5):
        answer(DossierFactory(user=user, attended=True, session__days_ahead=-3))
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("enrolment:list"))


# --- results --------------------------------------------------------------------------------------------------


@pytest.fixture
def answered_session():
    session = SessionFactory(days_ahead=-3, training__title="Budget communal", training__reference="AMIL-FIN-02")
    dossiers = [DossierFactory(session=session, attended=True) for _ in range(4)]
    answer(dossiers[0], overall=5, objectives_met="oui", usefulness=5, would_recommend=True, comment="Excellent")
    answer(dossiers[1], overall=4, objectives_met="en_partie", usefulness=3, would_recommend=True, comment="Trop court")
    answer(dossiers[2], overall=2, objectives_met="non", usefulness=2, would_recommend=False)
    return session


def test_results_count_average_and_list_the_comments(answered_session):
    results = satisfaction.results(answered_session)
    assert (results.participants, results.answers, results.response_rate) == (4, 3, 75)
    assert results.overall_average == Decimal("3.7") and results.usefulness_average == Decimal("3.3")
    assert dict(results.overall_counts) == {
        "5 — Très satisfait": 1,
        "4 — Satisfait": 1,
        "3 — Moyennement satisfait": 0,
        "2 — Peu satisfait": 1,
        "1 — Pas du tout satisfait": 0,
    }
    assert dict(results.objectives_counts) == {"Oui": 1, "En partie": 1, "Non": 1}
    assert (results.recommend_count, results.recommend_rate) == (2, 67)
    assert results.comments == ["Excellent", "Trop court"]


def test_staff_read_the_anonymous_results_and_download_them(client, answered_session):
    manager = staff_in("Gestionnaire formations")
    client.force_login(manager)
    response = client.get(reverse("admin:trainings_session_satisfaction", args=[answered_session.pk]))
    page = page_text(response)
    assert response.status_code == 200
    assert "3 sur 4 participants présents (75 %)" in page and "3,7 sur 5" in page and "Trop court" in page
    for dossier in answered_session.dossiers.all():
        assert dossier.user.email not in page and dossier.user.birth_name not in page
    csv = client.get(reverse("admin:trainings_session_satisfaction_csv", args=[answered_session.pk]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert csv["Content-Disposition"].startswith('attachment; filename="satisfaction-AMIL-FIN-02-')
    assert lines[0].startswith("Formation;Session;Appréciation générale (1 à 5);Objectifs atteints")
    assert len(lines) == 4 and any(line.endswith(";2;Non;2;Non;") for line in lines)
    participants = page_text(client.get(reverse("admin:trainings_session_participants", args=[answered_session.pk])))
    assert "Questionnaire de satisfaction" in participants


def test_staff_without_the_permission_cannot_read_the_results(client, answered_session):
    client.force_login(staff_in("Vérification d'identité"))
    assert client.get(reverse("admin:trainings_session_satisfaction", args=[answered_session.pk])).status_code == 403
    url = reverse("admin:trainings_session_satisfaction_csv", args=[answered_session.pk])
    assert client.get(url).status_code == 403


def test_the_answers_list_is_read_only(client, answered_session):
    client.force_login(UserFactory(superuser=True))
    response = client.get(reverse("admin:enrolment_satisfactionanswer_changelist"))
    assert response.status_code == 200 and "Trop court" in page_text(response)
    assert client.get(reverse("admin:enrolment_satisfactionanswer_add")).status_code == 403


def test_averages_by_training_over_the_dashboards_year():
    budget = TrainingFactory(title="Budget communal")
    urbanism = TrainingFactory(title="Urbanisme")
    in_2026 = SessionFactory(training=budget, starts_at=paris(2026, 12, 31, 9), ends_at=paris(2026, 12, 31, 17))
    in_2027 = SessionFactory(training=budget, starts_at=paris(2027, 1, 1, 9), ends_at=paris(2027, 1, 1, 17))
    other = SessionFactory(training=urbanism, starts_at=paris(2027, 5, 3, 9), ends_at=paris(2027, 5, 3, 17))
    TrainingFactory(title="Sans réponse")
    for session, overall, objectives, recommend in [
        (in_2026, 1, "non", False),
        (in_2027, 5, "oui", True),
        (in_2027, 4, "en_partie", False),
        (other, 3, "oui", True),
    ]:
        SatisfactionAnswer.objects.create(
            session=session, overall=overall, objectives_met=objectives, usefulness=overall, would_recommend=recommend
        )
    rows = satisfaction.averages_by_training(dashboard.Period.of(2027).sessions())
    assert [(row.title, row.answers, row.overall_average) for row in rows] == [
        ("Budget communal", 2, Decimal("4.5")),
        ("Urbanisme", 1, Decimal("3.0")),
    ]
    assert (rows[0].objectives_met_rate, rows[0].recommend_rate, rows[0].training_id) == (50, 50, budget.pk)
    assert [row.answers for row in satisfaction.averages_by_training(dashboard.Period.of(2026).sessions())] == [1]


def test_the_results_pages_do_not_query_per_answer(client, django_assert_max_num_queries):
    session = SessionFactory(days_ahead=-3)
    client.force_login(UserFactory(superuser=True))
    urls = [
        reverse("admin:trainings_session_satisfaction", args=[session.pk]),
        reverse("admin:trainings_session_satisfaction_csv", args=[session.pk]),
        reverse("admin:enrolment_satisfactionanswer_changelist"),
    ]
    for value in (5, 4, 3, 2, 1, 5, 4, 3, 2, 1):
        SatisfactionAnswer.objects.create(
            session=SessionFactory(days_ahead=-3, training=session.training) if value == 1 else session,
            overall=value,
            objectives_met="oui",
            usefulness=value,
            would_recommend=True,
            comment=f"Commentaire {value}",
        )
    for url in urls:
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
