"""dife_portal/french.py: hours and place names written the French way, in code and in every template."""

import datetime

import pytest
from django.template import Context, Template

from dife_portal.french import date_heure, heure, with_preposition
from trainings.deadlines import PARIS

NBSP = "\u00a0"


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime.time(9, 0), "9 h"),
        (datetime.time(9, 30), "9 h 30"),
        (datetime.time(14, 5), "14 h 05"),
        (datetime.time(0, 0), "0 h"),
        (None, ""),
    ],
)
def test_hours_follow_the_french_convention(value, expected):
    assert heure(value).replace(NBSP, " ") == expected


def test_an_aware_datetime_is_read_in_paris_time():
    # 8:30 UTC in winter is 9:30 in Paris.
    assert heure(datetime.datetime(2026, 12, 1, 8, 30, tzinfo=datetime.UTC)).replace(NBSP, " ") == "9 h 30"
    assert date_heure(paris(2026, 12, 1, 17)).replace(NBSP, " ") == "mardi 1 décembre 2026 à 17 h"
    assert date_heure(paris(2026, 12, 1, 17, 45), "d/m/Y").replace(NBSP, " ") == "01/12/2026 à 17 h 45"


@pytest.mark.parametrize(
    "preposition, name, expected",
    [
        ("de", "Amboise", "d'Amboise"),
        ("de", "Indre-et-Loire", "d'Indre-et-Loire"),
        ("de", "Huismes", "d'Huismes"),
        ("de", "Yzeures-sur-Creuse", "d'Yzeures-sur-Creuse"),
        ("de", "Écueillé", "d'Écueillé"),
        ("de", "Hommes", "de Hommes"),  # aspirate h
        ("de", "Tours", "de Tours"),
        ("de", "Le Grand-Pressigny", "du Grand-Pressigny"),
        ("de", "Les Hermites", "des Hermites"),
        ("de", "La Riche", "de La Riche"),
        ("de", "L'Île-Bouchard", "de L'Île-Bouchard"),
        ("à", "Le Louroux", "au Louroux"),
        ("à", "Les Hermites", "aux Hermites"),
        ("à", "Amboise", "à Amboise"),
        ("de", "Lerné", "de Lerné"),  # "Le" only as a word
    ],
)
def test_place_names_take_elision_and_contraction(preposition, name, expected):
    assert with_preposition(preposition, name) == expected


def test_filters_are_available_in_every_template_without_load():
    html = Template("{{ name|de }} · {{ other|a }} · {{ start|heure }}").render(
        Context({"name": "Le Grand-Pressigny", "other": "Les Hermites", "start": datetime.time(9, 30)})
    )
    assert html.replace(NBSP, " ") == "du Grand-Pressigny · aux Hermites · 9 h 30"


@pytest.mark.parametrize(
    "count, expected", [(0, ""), (1, ""), (2, "s"), (15, "s"), (None, ""), ([1], ""), ([1, 2], "s")]
)
def test_the_french_plural_starts_at_two(count, expected):
    assert Template("{{ n|pluriel }}").render(Context({"n": count})) == expected


def test_django_s_own_datetime_display_writes_hours_the_french_way():
    """Admin lists and read-only fields format datetimes themselves (dife_portal/formats/fr)."""
    from django.utils import formats

    assert formats.localize(paris(2026, 12, 1, 9, 30)).replace(NBSP, " ") == "1 décembre 2026 à 9 h 30"
    assert formats.date_format(datetime.time(14, 5), "TIME_FORMAT").replace(NBSP, " ") == "14 h 05"


def test_django_admin_strings_that_could_not_agree_are_reworded():
    """locale/fr: Django's French cannot know a model's gender or first letter ("Ajout de invitation")."""
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Add %s") % "invitation" == "Ajout : invitation"
        assert (
            translation.gettext("Delete selected %(verbose_name_plural)s")
            % {"verbose_name_plural": "pièces d'identité"}
            == "Supprimer la sélection (pièces d'identité)"
        )
        assert (
            translation.gettext("Select all %(total_count)s %(module_name)s")
            % {
                "total_count": 3,
                "module_name": "pièces d'identité",
            }
            == "Sélectionner les 3 pièces d'identité"
        )
        assert translation.gettext("None available") == "Rien pour le moment"
