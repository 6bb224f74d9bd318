"""The back-office search looks for the first words only (dife_portal/admin_search.py)."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dife_portal.admin_search import MAX_SEARCH_WORDS, BoundedSearchMixin, bounded
from enrolment.admin import DossierAdmin
from tests.factories import DossierFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_every_admin_with_a_search_box_bounds_it():
    searchable = [model_admin for model_admin in admin.site._registry.values() if model_admin.search_fields]
    assert len(searchable) >= 10
    assert all(isinstance(model_admin, BoundedSearchMixin) for model_admin in searchable), [
        type(model_admin).__name__ for model_admin in searchable if not isinstance(model_admin, BoundedSearchMixin)
    ]


def test_bounded_keeps_the_first_words_and_quoted_phrases():
    assert bounded("Durand  Tours") == "Durand Tours"
    assert bounded('"Saint-Cyr sur Loire" Martin') == '"Saint-Cyr sur Loire" Martin'
    assert bounded(" ".join(f"mot{i}" for i in range(3000))) == " ".join(f"mot{i}" for i in range(MAX_SEARCH_WORDS))
    assert len(bounded("x" * 100_000)) == 200


def test_a_page_pasted_in_the_dossier_search_runs_a_small_query_and_says_so(client):
    client.force_login(UserFactory(staff=True, superuser=True))
    pasted = " ".join(["budget"] * 3000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:enrolment_dossier_changelist"), {"q": pasted})
    assert response.status_code == 200
    assert "Recherche limitée aux 10 premiers mots" in page_text(response)
    conditions = max(len(re.findall(r"\bLIKE\b", query["sql"], re.IGNORECASE)) for query in queries.captured_queries)
    assert 0 < conditions <= MAX_SEARCH_WORDS * len(DossierAdmin.search_fields)


def test_a_short_search_still_finds_the_dossier(client):
    dossier = DossierFactory(user__birth_name="Vaucanson")
    DossierFactory(user__birth_name="Durand")
    client.force_login(UserFactory(staff=True, superuser=True))
    response = client.get(reverse("admin:enrolment_dossier_changelist"), {"q": "vaucanson"})
    text = page_text(response)
    assert "Recherche limitée" not in text
    assert response.context["cl"].result_count == 1 and response.context["cl"].result_list[0] == dossier
