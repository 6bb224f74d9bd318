"""Exact Mon Compte Formation addresses per training and session (trainings/mcf.py), their admin and the search
steps shown without them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrolment import todo
from tests.factories import SessionFactory, TrainingFactory, UserFactory
from tests.utils import page_text
from trainings import mcf
from trainings.models import Modality

pytestmark = pytest.mark.django_db

BASE = "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/"
PASTED = BASE + "12345678900012_BUDGET/12345678900012_BUDGET-TOURS?contexteFormation=ACTIVITE_PROFESSIONNELLE"


def test_the_exact_address_is_built_from_the_training_and_its_action():
    training = TrainingFactory(mcf_training_id="12345678900012_BUDGET", mcf_action_id="12345678900012_BUDGET-TOURS")
    assert mcf.exact_url(training) == BASE + "12345678900012_BUDGET/12345678900012_BUDGET-TOURS"
    assert training.moncompteformation_url == mcf.exact_url(training)


def test_a_session_of_another_action_opens_that_action():
    session = SessionFactory(training__mcf=True, mcf_action_id="12345678900012_BUDGET-LOCHES")
    training = session.training
    assert mcf.exact_url(training, session) == f"{BASE}{training.mcf_training_id}/12345678900012_BUDGET-LOCHES"
    other = SessionFactory(training=training)
    assert mcf.exact_url(training, other) == mcf.exact_url(training)


def test_the_address_pattern_is_a_setting(settings):
    settings.MCF_TRAINING_URL = "https://mcf.example/{training_id}/{action_id}"
    training = TrainingFactory(mcf=True)
    assert mcf.exact_url(training) == f"https://mcf.example/{training.mcf_training_id}/{training.mcf_action_id}"


def test_without_identifiers_the_link_goes_to_the_sign_in_page_with_the_words_to_search(settings):
    session = SessionFactory(training__title="Budget communal", city="Loches", postal_code="37600")
    link = mcf.mcf_link(session.training, session)
    assert not link.is_exact and link.url == settings.MCF_LOGIN_URL
    assert (link.keywords, link.modality, link.location) == ("Budget communal", "Formation en centre", "37600 Loches")
    assert mcf.mcf_link(session.training).location == "Indre-et-Loire"  # no session: the department
    assert (
        mcf.mcf_link(session.training, towns=["Tours", "Amboise"]).location == "Amboise ou Tours, selon votre session"
    )
    remote = TrainingFactory(modality=Modality.REMOTE)
    assert (mcf.mcf_link(remote).modality, mcf.mcf_link(remote).location) == ("Formation à distance", "")
    assert session.training.moncompteformation_url == "" and session.moncompteformation_url == ""


@pytest.mark.parametrize(
    "value", ["12345678900012", "1234567890001_X", "12345678900012_", "12345678900012_a b", "https://x/y"]
)
def test_malformed_identifiers_are_refused(value):
    with pytest.raises(ValidationError):
        mcf.validate_identifier(value)


def test_a_pasted_address_is_split_into_its_identifiers():
    assert mcf.split_address(PASTED) == ("12345678900012_BUDGET", "12345678900012_BUDGET-TOURS")
    assert mcf.split_address(BASE + "results?q=x") is None
    assert mcf.split_address("12345678900012_BUDGET") is None


# --- the training page ------------------------------------------------------------------------------------------


def test_the_training_page_opens_the_training_on_mcf(client):
    training = TrainingFactory(mcf=True)
    response = client.get(training.get_absolute_url())
    assert f'href="{mcf.exact_url(training)}"' in response.content.decode()
    assert "Voir cette formation sur Mon Compte Formation" in page_text(response)
    assert "Formation, métier, etc." not in page_text(response)


def test_without_identifiers_the_training_page_teaches_the_mcf_search(client, settings):
    session = SessionFactory(training__title="Urbanisme et PLU", city="Amboise", postal_code="37400")
    response = client.get(session.training.get_absolute_url())
    page = page_text(response)
    assert "Chercher les formations liées à l'exercice de mon mandat" in page
    words = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "« Formation, métier, etc. » : tapez Urbanisme et PLU" in words
    assert "« Localisation » : tapez Amboise" in words
    assert "choisissez Formation en centre" in words
    assert f'href="{settings.MCF_LOGIN_URL}"' in response.content.decode()


def test_a_session_with_its_own_action_has_its_own_link(client):
    session = SessionFactory(training__mcf=True, mcf_action_id="12345678900012_AUTRE")
    SessionFactory(training=session.training, days_ahead=40)
    content = client.get(session.training.get_absolute_url()).content.decode()
    assert content.count("Voir cette session sur Mon Compte Formation") == 1
    assert f'href="{mcf.exact_url(session.training, session)}"' in content


# --- admin ------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def training_form(training, **mcf_fields):
    from tests.trainings.test_admin import form_data

    return {**form_data(training, sessions=[]), **mcf_fields}


def test_staff_paste_the_mcf_address_and_get_both_identifiers(staff_client):
    training = TrainingFactory()
    url = reverse("admin:trainings_training_change", args=[training.pk])
    response = staff_client.post(url, training_form(training, mcf_training_id=PASTED, mcf_action_id=""))
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.mcf_training_id, training.mcf_action_id) == (
        "12345678900012_BUDGET",
        "12345678900012_BUDGET-TOURS",
    )
    page = page_text(staff_client.get(url))
    assert mcf.exact_url(training) in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"mcf_training_id": "12345678900012_BUDGET", "mcf_action_id": ""}, "Renseignez les deux identifiants"),
        ({"mcf_training_id": BASE + "results?q=budget", "mcf_action_id": ""}, "n'est pas celle d'une formation"),
        ({"mcf_training_id": "BUDGET", "mcf_action_id": "12345678900012_B"}, "n'a pas la forme attendue"),
    ],
)
def test_wrong_identifiers_get_a_french_error_and_nothing_is_saved(staff_client, fields, error):
    training = TrainingFactory()
    url = reverse("admin:trainings_training_change", args=[training.pk])
    response = staff_client.post(url, training_form(training, **fields))
    assert response.status_code == 200 and error in page_text(response)
    training.refresh_from_db()
    assert training.mcf_training_id == "" and training.mcf_action_id == ""


def test_the_training_list_flags_and_filters_published_trainings_without_identifiers(staff_client):
    TrainingFactory(title="Sans", mcf_training_id="", mcf_action_id="")
    TrainingFactory(title="Avec", mcf=True)
    TrainingFactory(title="Brouillon", unpublished=True)
    changelist = reverse("admin:trainings_training_changelist")
    response = staff_client.get(changelist)
    assert page_text(response).count("⚠ sans identifiants Mon Compte Formation") == 1
    listed = staff_client.get(changelist, {"is_published__exact": "1", "mcf": "sans"}).context["cl"].result_list
    assert [training.title for training in listed] == ["Sans"]


def test_the_admin_to_do_counts_published_trainings_without_identifiers(staff_client):
    TrainingFactory()
    TrainingFactory(mcf_training_id="12345678900012_X")  # half-entered: still no address
    TrainingFactory(mcf=True)
    TrainingFactory(unpublished=True)
    label = "Formations publiées sans identifiants Mon Compte Formation"
    item = next(item for item in todo.items_for(UserFactory(superuser=True)) if item.label == label)
    assert item.count == 2
    assert staff_client.get(item.url).context["cl"].result_count == 2
    assert "Formations publiées sans identifiants Mon Compte Formation" in page_text(
        staff_client.get(reverse("admin:index"))
    )
