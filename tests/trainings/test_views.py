import datetime
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganiserFactory, SessionFactory, ThemeFactory, TrainingFactory, UserFactory
from trainings.models import Session

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("trainings:search")


def text_of(response):
    """The visible text of a page, whitespace collapsed, entities decoded."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return re.sub(r" ([,.])", r"\1", text)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_catalogue(trainings, sessions_each):
    theme = ThemeFactory(name="Finances locales", slug="finances-locales")
    for index in range(trainings):
        training = TrainingFactory(title=f"Budget {index}", theme=theme)
        for day in range(sessions_each):
            SessionFactory(training=training, days_ahead=15 + day * 7, taken=1)


class TestSearchPage:
    def test_lists_each_result_with_organiser_next_dates_town_and_price(self, client):
        training = TrainingFactory(
            title="Budget communal niveau confirmé",
            organiser=OrganiserFactory(name="Maison des Maires d'Indre-et-Loire"),
            price=Decimal("1150.00"),
        )
        session = SessionFactory(training=training, days_ahead=40, city="Amboise", postal_code="37400")
        response = client.get(SEARCH_URL, {"q": "budget"})
        page = text_of(response)
        assert response.status_code == 200
        assert response.context["step"] == 2
        assert "1 formation correspond à votre recherche" in page
        assert "Budget communal niveau confirmé" in page
        assert "par Maison des Maires d'Indre-et-Loire" in page
        assert f'href="{training.get_absolute_url()}"' in response.content.decode()
        assert "Amboise" in page
        assert "1 150,00 €" in page.replace("\xa0", " ")
        start = timezone.localtime(session.starts_at)
        assert f"{start.day} " in page and str(start.year) in page
        assert 'aria-current="step"' in response.content.decode()

    def test_the_step_bar_shows_se_connecter_done_only_to_someone_signed_in(self, client):
        def first_step(response):
            return re.search(r'<li class="stepper-item[^"]*"[^>]*>.*?</li>', response.content.decode(), re.S).group(0)

        anonymous = first_step(client.get(SEARCH_URL))
        assert "is-done" not in anonymous and "✓" not in anonymous and "étape terminée" not in anonymous
        client.force_login(UserFactory())
        signed_in = first_step(client.get(SEARCH_URL))
        assert "is-done" in signed_in and "✓" in signed_in and "étape terminée" in signed_in

    def test_shows_the_guide_fields_and_keeps_what_was_typed(self, client):
        response = client.get(SEARCH_URL, {"q": "budget 2027", "lieu": "Tours", "modalite": "distance"})
        content = response.content.decode()
        for label in ("Formation, métier, etc.", "Formation en centre / Formation à distance", "Localisation"):
            assert label in html.unescape(content)
        assert 'value="budget 2027"' in content and 'value="Tours"' in content
        assert '<option value="distance" selected>' in content

    def test_the_filters_fold_behind_one_filtrer_control_opened_when_one_is_set(self, client):
        make_catalogue(1, 1)
        content = client.get(SEARCH_URL).content.decode()
        folded = re.search(
            r'<details class="search-filters">\s*<summary[^>]*>Filtrer</summary>(.*?)</details>', content, re.S
        )
        assert folded, "no folded <details> with a 'Filtrer' summary"
        assert all(f'name="{name}"' in folded.group(1) for name in ("modalite", "lieu", "du", "au", "theme"))
        assert 'name="q"' not in folded.group(1) and 'name="q"' in content
        # A filter set (or wrong) keeps them open, with how many apply.
        content = client.get(SEARCH_URL, {"lieu": "Tours", "modalite": "distance"}).content.decode()
        assert '<details class="search-filters" open>' in content
        assert 'Filtrer <span class="filters-count">(2 filtres appliqués)</span>' in content
        assert '<details class="search-filters" open>' in client.get(SEARCH_URL, {"du": "31/02/2027"}).content.decode()
        assert '<details class="search-filters">' in client.get(SEARCH_URL, {"q": "budget"}).content.decode()

    @pytest.mark.parametrize(
        "params, title",
        [
            ({}, "Trouver une formation"),
            ({"q": "budget"}, "Résultats pour « budget » : 2 formations — Trouver une formation"),
            ({"q": "urbanisme"}, "Résultats pour « urbanisme » : aucune formation — Trouver une formation"),
            ({"lieu": "Tours"}, "Résultats pour votre recherche : 3 formations — Trouver une formation"),
        ],
    )
    def test_each_results_page_has_a_title_with_the_query_and_the_count(self, client, params, title):
        for name in ("Le budget communal", "Budget annexe", "Les marchés publics"):
            SessionFactory(training=TrainingFactory(title=name), city="Tours")
        content = client.get(SEARCH_URL, params).content.decode()
        assert re.search(r"<title>(.*?)</title>", content).group(1) == html.escape(
            f"{title} — Maison des Maires d'Indre-et-Loire"
        )

    def test_no_result_gives_advice_and_the_association_contact(self, client):
        page = text_of(client.get(SEARCH_URL, {"q": "astrophysique"}))
        assert "Aucune formation ne correspond à votre recherche" in page
        assert "02.47.33.37.00" in page

    def test_each_result_writes_its_featured_session_s_dates_place_and_registration(self, client):
        with time_machine.travel(datetime.datetime(2027, 9, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
            one_day = TrainingFactory(title="Budget sur un jour", duration_hours=Decimal("7"))
            SessionFactory(
                training=one_day,
                starts_at=datetime.datetime(2027, 9, 30, 7, 0, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2027, 9, 30, 15, 30, tzinfo=datetime.UTC),
                city="Amboise",
            )
            SessionFactory(training=one_day, days_ahead=60)
            SessionFactory(training=one_day, days_ahead=90)
            several_days = TrainingFactory(title="Budget sur deux jours", duration_hours=Decimal("10.5"), remote=True)
            SessionFactory(
                training=several_days,
                starts_at=datetime.datetime(2027, 9, 30, 7, 30, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2027, 10, 1, 15, 0, tzinfo=datetime.UTC),
                remote=True,
            )
            SessionFactory(training__title="Budget complet", seats=1, taken=1, days_ahead=40)
            SessionFactory(training__title="Budget clos", days_ahead=5)
            response = client.get(SEARCH_URL, {"q": "budget"})
        content, page = response.content.decode(), text_of(response).replace("\xa0", " ")
        assert (
            'Le <time datetime="2027-09-30T09:00:00+02:00">jeudi 30 septembre 2027</time>, de 9\xa0h à 17\xa0h\xa030'
            in content
        )
        assert (
            'Du <time datetime="2027-09-30T09:30:00+02:00">jeudi 30 septembre 2027</time> '
            'au <time datetime="2027-10-01T17:00:00+02:00">vendredi 1er octobre 2027</time>' in content
        )
        assert "(et 2 autres dates) Lieu : Amboise Durée : 7 h Prix : 150,00 €" in page
        assert "1er octobre 2027 Lieu : À distance Durée : 10,5 h" in page
        # The rule is 11 days: open until Sunday 19 September for a session on the 30th.
        assert page.count("Inscription : Possible jusqu'au dimanche 19 septembre 2027") == 2
        assert "Inscription : Complet" in page and "Inscription : Inscriptions closes pour cette date" in page

    def test_full_and_closed_sessions_are_labelled(self, client):
        SessionFactory(training__title="Pleine", seats=1, taken=1)
        SessionFactory(training__title="Close", registration_closed=True)
        page = text_of(client.get(SEARCH_URL))
        assert "Complet" in page
        assert "Inscriptions closes pour cette date" in page

    @pytest.mark.parametrize(
        "params, message",
        [
            ({"modalite": "avion"}, "Choisissez « Formation en centre » ou « Formation à distance »."),
            ({"du": "31/02/2027"}, "Saisissez une date valide"),
            ({"au": "demain"}, "Saisissez une date valide"),
            ({"du": "0001-01-01"}, "Saisissez une date entre le 01/01/2000 et le 31/12/2100."),
            ({"du": "2001-05-10", "au": "2001-05-01"}, "Cette date doit être postérieure ou égale"),
            ({"theme": "astrologie"}, "Ce thème n'existe pas"),
            ({"q": "x" * 201}, "au plus 200 caractères"),
        ],
    )
    def test_bad_criteria_are_reported_in_french_and_ignored(self, client, params, message):
        SessionFactory(training__title="Budget communal")
        response = client.get(SEARCH_URL, params)
        page = text_of(response)
        assert response.status_code == 200
        assert "Certains critères de recherche ne sont pas valides" in page
        assert message in page
        assert "Budget communal" in page  # the other criteria still apply
        content = response.content.decode()
        assert 'aria-invalid="true"' in content
        field = next(iter(params)) if len(params) == 1 else "au"
        assert f'href="#id_{field}"' in content
        assert f'id="id_{field}_error"' in content

    @pytest.mark.parametrize(
        "page_param, notice",
        [
            ("abc", "Le numéro de page demandé n'est pas valide : voici la première page."),
            ("-4", "Le numéro de page demandé n'est pas valide : voici la première page."),
            ("0", "Le numéro de page demandé n'est pas valide : voici la première page."),
            ("9" * 40, "Le numéro de page demandé n'est pas valide : voici la première page."),
            ("3.5", "Le numéro de page demandé n'est pas valide : voici la première page."),
            ("9000", "La page 9000 n'existe pas : voici la dernière page des résultats."),
        ],
    )
    def test_bad_page_numbers_give_a_normal_page_with_a_french_notice(self, client, page_param, notice):
        SessionFactory(training__title="Budget communal")
        response = client.get(SEARCH_URL, {"page": page_param})
        assert response.status_code == 200
        page = text_of(response)
        assert notice in page and "Budget communal" in page
        assert "Certains critères" not in page

    def test_null_bytes_and_odd_characters_never_crash(self, client):
        SessionFactory(training__title="Budget communal")
        for value in ("%", "_", "'; DROP TABLE", "é" * 50):
            params = {name: value for name in ("q", "modalite", "lieu", "du", "au", "theme", "page")}
            assert client.get(SEARCH_URL, params).status_code == 200
        for value in ("\x00", "37\x00000"):  # control characters: the French 400 page (dife_portal/middleware.py)
            params = {name: value for name in ("q", "modalite", "lieu", "du", "au", "theme", "page")}
            assert client.get(SEARCH_URL, params).status_code == 400

    def test_pagination_keeps_the_criteria(self, client, settings):
        for index in range(12):
            SessionFactory(training__title=f"Budget {index:02d}", days_ahead=20 + index)
        response = client.get(SEARCH_URL, {"q": "budget", "page": "2"})
        content = html.unescape(response.content.decode())
        assert response.context["page_obj"].number == 2
        assert len(response.context["trainings"]) == 2
        assert "Page 2 sur 2" in text_of(response)
        assert 'href="?page=1&q=budget"' in content  # the query normalised: parameters in name order
        assert 'aria-current="page"' in content

    def test_query_count_does_not_grow_with_trainings_and_sessions(self, client, django_assert_max_num_queries):
        make_catalogue(trainings=2, sessions_each=1)
        small = count_queries(client, SEARCH_URL + "?q=budget&lieu=Tours&theme=finances-locales")
        make_catalogue(trainings=25, sessions_each=4)
        large = count_queries(client, SEARCH_URL + "?q=budget&lieu=Tours&theme=finances-locales")
        assert small == large
        with django_assert_max_num_queries(6):
            client.get(SEARCH_URL + "?q=budget&lieu=Tours&theme=finances-locales&page=2")

    def test_query_count_when_several_words_are_retried_one_by_one(self, client):
        make_catalogue(trainings=2, sessions_each=1)
        small = count_queries(client, SEARCH_URL + "?q=budget+urbanisme")
        make_catalogue(trainings=15, sessions_each=3)
        assert count_queries(client, SEARCH_URL + "?q=budget+urbanisme") == small


def session_block(page, session):
    """The text of one session's card on the training page."""
    start = session.starts_at
    marker = f'datetime="{timezone.localtime(start).isoformat()}"'
    content = page.content.decode()
    index = content.index(marker)
    start_of_card = content.rindex('<li class="card session', 0, index)
    end_of_card = content.index("</li>", index)
    return text_of(type("R", (), {"content": content[start_of_card:end_of_card].encode()})())


class TestTrainingPage:
    @pytest.fixture
    def training(self):
        return TrainingFactory(
            title="Budget communal niveau confirmé",
            organiser=OrganiserFactory(name="Maison des Maires d'Indre-et-Loire"),
            summary="Approfondir le budget.",
            strengths="Formation animée par un intervenant expert.\nCas pratiques.",
            objectives="Maîtriser le cycle budgétaire.",
            content="Matin : principes. Après-midi : atelier.",
            audience="Maires et adjoints",
            prerequisites="Connaître les bases",
            duration_hours=Decimal("7"),
            price=Decimal("150"),
            financing_aids="Finançable par le DIFE.",
            accessibility="Bâtiment conforme aux normes d'accessibilité",
            contact="Mme Durand, 02 47 00 00 00",
            place="Maison des Maires, Tours",
            transport="Tram A, arrêt Préfecture",
            mcf_training_id="12345678900012_BUDGET",
            mcf_action_id="12345678900012_BUDGET-TOURS",
        )

    def test_shows_every_field_of_the_mon_compte_formation_page(self, client, training):
        SessionFactory(training=training, city="Tours")
        response = client.get(training.get_absolute_url())
        page = text_of(response)
        assert response.status_code == 200 and response.context["step"] == 2
        for expected in [
            "Budget communal niveau confirmé",
            "par Maison des Maires d'Indre-et-Loire",
            "Informations clés",
            "Durée : 7 h",
            "Lieu : Tours",
            "Bâtiment conforme aux normes d'accessibilité",
            "Prix de la formation 150,00 € Aides",
            "Aides au financement Finançable par le DIFE.",
            "Inscription à cette formation",
            "au moins 11 jours avant la formation",
            "Informations pratiques",
            "Contact : Mme Durand, 02 47 00 00 00",
            "Lieu de formation : Maison des Maires, Tours",
            "Transport : Tram A, arrêt Préfecture",
            "Les points forts de cette formation Formation animée par un intervenant expert. Cas pratiques.",
            "Description détaillée",
            "Objectifs Maîtriser le cycle budgétaire.",
            "Contenu Matin : principes. Après-midi : atelier.",
            "Public : Maires et adjoints",
            "Prérequis : Connaître les bases",
            "Voir cette formation sur Mon Compte Formation",
        ]:
            assert expected in page, expected
        assert (
            'href="https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/'
            '12345678900012_BUDGET/12345678900012_BUDGET-TOURS"' in response.content.decode()
        )

    def test_exam_fees_are_mentioned_only_for_a_training_with_an_exam(self, client, training):
        SessionFactory(training=training, city="Tours")
        assert "frais d'examen" not in text_of(client.get(training.get_absolute_url()))
        training.has_exam = True
        training.save()
        assert "150,00 € (frais d'examen non inclus)" in text_of(client.get(training.get_absolute_url()))

    def test_a_remote_training_does_not_describe_a_building(self, client, training):
        training.modality = "distance"
        training.save()
        SessionFactory(training=training, city="", venue="", postal_code="")
        page = text_of(client.get(training.get_absolute_url()))
        assert "Bâtiment conforme" not in page and "Accessibilité :" not in page
        assert "À distance" in page

    def test_each_session_shows_its_last_registration_day_and_a_button(self, client, training):
        with time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
            session = SessionFactory(
                training=training,
                starts_at=datetime.datetime(2027, 4, 8, 7, 0, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2027, 4, 8, 15, 0, tzinfo=datetime.UTC),
            )
            response = client.get(training.get_absolute_url())
        block = session_block(response, session)
        assert "Le jeudi 8 avril 2027, de 9 h à 17 h " in block and "h 00" not in block
        assert "Inscription possible jusqu'au dimanche 28 mars 2027 inclus" in block
        assert "15 places disponibles sur 15" in block
        url = reverse("enrolment:start", args=[session.pk])
        assert f'href="{url}"' in response.content.decode()
        assert "Créer mon dossier d'inscription" in block

    def test_the_last_day_itself_and_the_day_after(self, client, training):
        first_day = datetime.datetime(2027, 6, 12, 9, 0, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(datetime.datetime(2027, 5, 20, tzinfo=datetime.UTC), tick=False):
            session = SessionFactory(training=training, starts_at=first_day, ends_at=first_day)
        url = reverse("enrolment:start", args=[session.pk])
        with time_machine.travel(datetime.datetime(2027, 6, 1, 21, 59, tzinfo=datetime.UTC), tick=False):
            response = client.get(training.get_absolute_url())
            assert "Inscription possible jusqu'au mardi 1er juin 2027 inclus" in session_block(response, session)
            assert "Dernier jour aujourd'hui" in text_of(response)
            assert url in response.content.decode()
        with time_machine.travel(datetime.datetime(2027, 6, 1, 22, 0, tzinfo=datetime.UTC), tick=False):
            response = client.get(training.get_absolute_url())
            block = session_block(response, session)
            assert "Inscriptions closes" in block and "Inscription possible" not in block
            assert url not in response.content.decode()

    def test_business_mode_is_used_everywhere(self, client, training, settings):
        settings.REGISTRATION_DAYS_MODE = "business"
        with time_machine.travel(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC), tick=False):
            start = datetime.datetime(2026, 5, 15, 9, 0, tzinfo=timezone.get_current_timezone())
            session = SessionFactory(training=training, starts_at=start, ends_at=start)
            response = client.get(training.get_absolute_url())
        assert "au moins 11 jours ouvrés avant la formation" in text_of(response)
        assert "jusqu'au lundi 27 avril 2026 inclus" in session_block(response, session)

    def test_a_session_of_several_days_and_its_own_mcf_action(self, client, training):
        with time_machine.travel(datetime.datetime(2027, 9, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
            session = SessionFactory(
                training=training,
                starts_at=datetime.datetime(2027, 9, 30, 7, 30, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2027, 10, 1, 15, 0, tzinfo=datetime.UTC),
                seats=2,
                taken=1,
                mcf_action_id="12345678900012_BUDGET-AMBOISE",
            )
            response = client.get(training.get_absolute_url())
        content, block = response.content.decode(), session_block(response, session)
        assert (
            'Du <time datetime="2027-09-30T09:30:00+02:00">jeudi 30 septembre 2027</time> '
            'au <time datetime="2027-10-01T17:00:00+02:00">vendredi 1er octobre 2027</time>' in content
        )
        assert "1 place disponible sur 2" in block
        assert "pour la session du 30 septembre 2027 au 1er octobre 2027" in block
        assert "Voir cette session sur Mon Compte Formation" in block
        assert "12345678900012_BUDGET/12345678900012_BUDGET-AMBOISE" in content

    def test_full_session_offers_the_waiting_list(self, client, training):
        session = SessionFactory(training=training, seats=2, taken=2)
        response = client.get(training.get_absolute_url())
        block = session_block(response, session)
        assert "Complet" in block and "Rejoindre la liste d'attente" in block
        assert "Créer mon dossier d'inscription" not in block
        assert reverse("enrolment:start", args=[session.pk]) in response.content.decode()

    def test_full_and_closed_session_offers_nothing(self, client, training):
        session = SessionFactory(training=training, seats=2, taken=2, days_ahead=5)
        response = client.get(training.get_absolute_url())
        assert "Rejoindre la liste d'attente" not in session_block(response, session)
        assert reverse("enrolment:start", args=[session.pk]) not in response.content.decode()

    def test_cancelled_and_past_sessions(self, client, training):
        cancelled = SessionFactory(training=training, cancelled=True, days_ahead=40)
        past = SessionFactory(training=training, days_ahead=-10)
        response = client.get(training.get_absolute_url())
        assert "Session annulée" in session_block(response, cancelled)
        assert reverse("enrolment:start", args=[cancelled.pk]) not in response.content.decode()
        assert timezone.localtime(past.starts_at).isoformat() not in response.content.decode()

    def test_the_sessions_and_their_button_come_right_under_the_title(self, client, training):
        SessionFactory(training=training)
        page = text_of(client.get(training.get_absolute_url()))
        title, button = page.index("Budget communal niveau confirmé par"), page.index("Créer mon dossier d'inscription")
        assert title < button < page.index("Approfondir le budget.") < page.index("Informations clés")

    def test_no_upcoming_session(self, client, training):
        page = text_of(client.get(training.get_absolute_url()))
        assert "Aucune session n'est programmée pour le moment" in page

    def test_wrong_slug_redirects_permanently_to_the_canonical_url(self, client, training):
        response = client.get(reverse("trainings:detail", kwargs={"pk": training.pk, "slug": "ancien-titre"}))
        assert response.status_code == 301
        assert response["Location"] == training.get_absolute_url()

    def test_redirect_drops_a_query_string_the_page_does_not_read(self, client, training):
        url = reverse("trainings:detail", kwargs={"pk": training.pk, "slug": "x"})
        response = client.get(url, {"invitation": "abc"})
        assert response.status_code == 301 and response["Location"] == training.get_absolute_url()

    def test_unknown_training_is_a_404(self, client):
        response = client.get(reverse("trainings:detail", kwargs={"pk": 999999, "slug": "rien"}))
        assert response.status_code == 404

    def test_unpublished_training_is_a_404_for_visitors_and_elus(self, client):
        training = TrainingFactory(unpublished=True)
        assert client.get(training.get_absolute_url()).status_code == 404
        client.force_login(UserFactory())
        assert client.get(training.get_absolute_url()).status_code == 404
        wrong_slug = reverse("trainings:detail", kwargs={"pk": training.pk, "slug": "autre"})
        assert client.get(wrong_slug).status_code == 404

    def test_staff_preview_an_unpublished_training(self, client):
        training = TrainingFactory(unpublished=True)
        client.force_login(UserFactory(staff=True))
        response = client.get(training.get_absolute_url())
        assert response.status_code == 200
        assert "Aperçu réservé à l'équipe" in text_of(response)

    def test_anonymous_visitor_is_offered_to_log_in_for_financing(self, client, training):
        response = client.get(training.get_absolute_url())
        assert f"{reverse('accounts:login')}?next={training.get_absolute_url()}" in response.content.decode()

    def test_query_count_does_not_grow_with_sessions(self, client, training, django_assert_max_num_queries):
        SessionFactory(training=training, taken=2)
        small = count_queries(client, training.get_absolute_url())
        for days in range(20, 60, 2):
            SessionFactory(training=training, days_ahead=days, taken=3)
        assert Session.objects.filter(training=training).count() == 21
        assert count_queries(client, training.get_absolute_url()) == small
        with django_assert_max_num_queries(2):
            client.get(training.get_absolute_url())
