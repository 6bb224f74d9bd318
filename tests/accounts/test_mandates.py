"""accounts/views/mandates.py and accounts/forms/mandates.py: "Mes mandats"."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Mandate
from tests.factories import CollectiviteFactory, MandateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elu(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_pages_need_sign_in(client):
    response = client.get(reverse("accounts:mandate_add") + "?next=/formations/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login") + "?next=")


def test_add_form_lists_communes_and_epci_in_a_plain_select(client, elu):
    CollectiviteFactory(name="Amboise", code="37003")
    CollectiviteFactory(epci=True, name="Tours Métropole Val de Loire", code="243700754")
    html = client.get(reverse("accounts:mandate_add")).content.decode()
    assert '<optgroup label="Communes">' in html and '<optgroup label="Intercommunalités (EPCI)">' in html
    assert "Amboise (37003)" in html and "Tours Métropole Val de Loire" in html
    assert 'data-filterable="true"' in html and "js/collectivite-filter.js" in html
    assert '<optgroup label="Dans une commune">' in html and "Conseiller communautaire" in html


def test_declare_a_mandate_then_go_on_to_next(client, elu):
    amboise = CollectiviteFactory(name="Amboise")
    response = client.post(
        reverse("accounts:mandate_add"),
        {"collectivite": amboise.pk, "function": "adjoint", "start_date": "2020-07-03", "next": "/formations/7-x/"},
    )
    assert response.url == "/formations/7-x/"
    mandate = Mandate.objects.get()
    assert (mandate.user, mandate.collectivite, mandate.function) == (elu, amboise, "adjoint")
    assert mandate.start_date == datetime.date(2020, 7, 3)


def test_declare_without_next_goes_to_the_list_and_off_site_next_is_ignored(client, elu):
    amboise = CollectiviteFactory()
    data = {"collectivite": amboise.pk, "function": "maire", "start_date": "2020-07-03"}
    assert client.post(reverse("accounts:mandate_add"), data).url == reverse("accounts:mandates")
    response = client.post(reverse("accounts:mandate_add"), {**data, "next": "https://evil.example/"})
    assert response.url == reverse("accounts:mandates")


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"collectivite": ""}, "collectivite", "Ce champ est obligatoire."),
        ({"function": "president_epci"}, "function", "Cette fonction n&#x27;existe pas dans une commune"),
        ({"start_date": "2099-01-01"}, "start_date", "ne peut pas être dans le futur"),
        ({"end_date": "2019-01-01"}, "end_date", "La fin du mandat doit suivre son début."),
    ],
)
def test_errors_are_shown_in_french_and_what_was_typed_is_kept(client, elu, change, field, message):
    commune = CollectiviteFactory()
    data = {"collectivite": commune.pk, "function": "maire", "start_date": "2020-07-03", **change}
    response = client.post(reverse("accounts:mandate_add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Mandate.objects.exists()
    assert f'href="#id_{field}"' in html and html.count(message) >= 2  # summary and next to the field
    if field != "start_date":
        assert 'value="2020-07-03"' in html


def test_epci_functions_need_an_epci(client, elu):
    epci = CollectiviteFactory(epci=True)
    data = {"collectivite": epci.pk, "function": "maire", "start_date": "2020-07-03"}
    assert (
        "n&#x27;existe pas dans une intercommunalité"
        in client.post(reverse("accounts:mandate_add"), data).content.decode()
    )
    data["function"] = "vice_president_epci"
    assert client.post(reverse("accounts:mandate_add"), data).status_code == 302


def test_edit_and_delete_own_mandate(client, elu):
    mandate = MandateFactory(user=elu)
    data = {"collectivite": mandate.collectivite.pk, "function": "adjoint", "start_date": "2021-01-01"}
    assert client.post(reverse("accounts:mandate_edit", args=[mandate.pk]), data).status_code == 302
    mandate.refresh_from_db()
    assert mandate.function == "adjoint" and mandate.start_date == datetime.date(2021, 1, 1)
    assert "Supprimer ce mandat" in client.get(reverse("accounts:mandate_delete", args=[mandate.pk])).content.decode()
    assert Mandate.objects.filter(pk=mandate.pk).exists()  # a GET only asks
    client.post(reverse("accounts:mandate_delete", args=[mandate.pk]))
    assert not Mandate.objects.filter(pk=mandate.pk).exists()


def test_an_elu_never_reaches_another_elus_mandates(client, elu):
    other = MandateFactory(collectivite=CollectiviteFactory(name="Chinon"))
    for name in ("accounts:mandate_edit", "accounts:mandate_delete"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
        assert client.post(reverse(name, args=[other.pk]), {"function": "adjoint"}).status_code == 404
    assert "Chinon" not in client.get(reverse("accounts:mandates")).content.decode()
    other.refresh_from_db()
    assert other.function == "maire"


def test_list_query_count_does_not_grow(client, elu, django_assert_max_num_queries):
    MandateFactory.create_batch(5, user=elu)
    with django_assert_max_num_queries(5):
        html = client.get(reverse("accounts:mandates")).content.decode()
    assert html.count("Modifier<span") == 5


def test_add_form_query_count_does_not_grow_with_collectivites(client, elu, django_assert_max_num_queries):
    CollectiviteFactory.create_batch(30)
    with django_assert_max_num_queries(5):
        client.get(reverse("accounts:mandate_add"))
