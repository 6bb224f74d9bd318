"""The free MCF links staff typed before become identifiers (trainings/migrations/0004_mcf_identifiers.py)."""

import importlib

import pytest
from django.apps import apps as global_apps

from tests.factories import SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("trainings.migrations.0004_mcf_identifiers")
ADDRESS = "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/{}/{}?contexteFormation=X"


class OldRow:
    """A row as the migration reads it: with its former free link; what it sets goes to today's row."""

    def __init__(self, row, link):
        object.__setattr__(self, "row", row)
        object.__setattr__(self, "moncompteformation_url", link)

    def __setattr__(self, name, value):
        setattr(self.row, name, value)

    def save(self, **kwargs):
        self.row.save(**kwargs)


class HistoricalApps:
    def __init__(self, links):
        self.links = links

    def get_model(self, app_label, name):
        model, links = global_apps.get_model(app_label, name), self.links

        class Manager:
            @staticmethod
            def exclude(**kwargs):
                pks = [pk for (kind, pk) in links if kind == name]
                return [OldRow(row, links[(name, row.pk)]) for row in model.objects.filter(pk__in=pks)]

        return type("Historical", (), {"objects": Manager})


def test_training_addresses_become_identifiers_and_other_links_are_dropped():
    exact = TrainingFactory()
    generic = TrainingFactory()
    session = SessionFactory(training=exact)
    links = {
        ("Training", exact.pk): ADDRESS.format("12345678900012_BUDGET", "12345678900012_BUDGET-TOURS"),
        ("Training", generic.pk): "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche",
        ("Session", session.pk): ADDRESS.format("12345678900012_BUDGET", "12345678900012_BUDGET-LOCHES"),
    }
    migration.identifiers_from_addresses(HistoricalApps(links), None)
    exact.refresh_from_db()
    generic.refresh_from_db()
    session.refresh_from_db()
    assert (exact.mcf_training_id, exact.mcf_action_id) == ("12345678900012_BUDGET", "12345678900012_BUDGET-TOURS")
    assert (generic.mcf_training_id, generic.mcf_action_id) == ("", "")
    assert session.mcf_action_id == "12345678900012_BUDGET-LOCHES"
