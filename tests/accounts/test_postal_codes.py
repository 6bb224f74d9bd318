"""accounts/postal_codes.py: the national postal code table and the town check."""

import gzip

import pytest

from accounts import postal_codes


def test_table_header_states_its_sources_versions_and_date():
    with gzip.open(postal_codes.TABLE_PATH, "rt", encoding="utf-8") as handle:
        header = [next(handle) for _ in range(4)]
    text = "".join(header)
    assert "Généré le 20" in text
    assert "@etalab/decoupage-administratif version" in text and "codes-postaux version" in text
    assert "La Poste" in text


@pytest.mark.parametrize(
    "postal_code, city",
    [
        ("37000", "Tours"),
        ("37100", "TOURS"),
        ("37540", "St Cyr sur Loire"),  # abbreviation and no hyphens
        ("37540", "saint-cyr-sur-loire"),
        ("37300", "Joue les Tours"),  # no accent
        ("37350", "Grand-Pressigny"),  # without its article
        ("37130", "Les Essards"),  # a delegated commune of Langeais
        ("75001", "Paris"),
        ("97400", "Saint-Denis"),  # overseas
        ("20000", "Ajaccio"),
    ],
)
def test_towns_match_their_postal_code_whatever_the_spelling(postal_code, city):
    assert postal_codes.find_town(postal_code, city) is not None


@pytest.mark.parametrize("postal_code, city", [("37000", "Amboise"), ("37400", "Tours"), ("75001", "Lyon")])
def test_towns_of_another_postal_code_do_not_match(postal_code, city):
    assert postal_codes.find_town(postal_code, city) is None


def test_official_spelling_and_lists():
    assert postal_codes.find_town("37540", "st cyr sur loire").name == "Saint-Cyr-sur-Loire"
    assert postal_codes.towns_for("37400") == ["Amboise", "Lussault-sur-Loire"]
    assert postal_codes.exists("37000") and not postal_codes.exists("37999")
    assert postal_codes.is_well_formed("01000") and not postal_codes.is_well_formed("1000")


def test_the_whole_country_is_covered():
    table = postal_codes._table()
    departments = {code[:2] for code in table}
    assert len(table) > 6000 and {"01", "20", "37", "75", "97", "98"} <= departments
