"""dife_portal/collation.py: names in French order on SQLite and PostgreSQL, and in Python."""

import re

import pytest
from django.urls import reverse

from accounts.models import Collectivite
from dife_portal.collation import french_order, sort_key
from tests.factories import CollectiviteFactory, UserFactory

NAMES = ["Chouzé", "Bridoré", "Château-Renault", "Brèches", "Ambillou", "Épeigné-les-Bois", "Esvres", "Abilly"]
FRENCH = ["Abilly", "Ambillou", "Brèches", "Bridoré", "Château-Renault", "Chouzé", "Épeigné-les-Bois", "Esvres"]


def test_python_order_ignores_accents_and_case_first():
    assert sorted(NAMES, key=sort_key) == FRENCH
    assert sorted(["côté", "Côte", "cote", "coter"], key=sort_key) == ["cote", "Côte", "côté", "coter"]


@pytest.mark.django_db
def test_the_database_orders_names_the_same_way():
    for index, name in enumerate(NAMES):
        CollectiviteFactory(name=name, code=f"37{index:03d}")
    assert [c.name for c in Collectivite.objects.all()] == FRENCH  # Meta.ordering
    assert list(Collectivite.objects.order_by(french_order("name")).values_list("name", flat=True)) == FRENCH


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["accounts:mandate_add", "franceconnect:complete"])
def test_both_collectivite_pickers_are_the_same_french_ordered_searchable_list(client, url_name):
    for index, name in enumerate(NAMES):
        CollectiviteFactory(name=name, code=f"37{index:03d}")
    CollectiviteFactory(name="CC Touraine-Est Vallées", code="200073161", kind="epci")
    user = UserFactory(franceconnect=True, phone_mobile="", street_name="", postal_code="", city="")
    client.force_login(user)
    html = client.get(reverse(url_name)).content.decode()
    select = re.search(r"<select[^>]*data-filterable[^>]*>.*?</select>", html, re.S).group(0)
    communes = re.findall(r'<option value="\d+">([^<(]+) \(37\d{3}\)</option>', select)
    assert [name.replace("&#x27;", "'") for name in communes] == FRENCH
    assert '<optgroup label="Intercommunalités (EPCI)">' in select and "---------" not in select
    assert "Choisissez votre commune ou votre intercommunalité" in select
    assert "js/collectivite-filter.js" in html
    assert "---------" not in html  # no Django placeholder anywhere on either form
