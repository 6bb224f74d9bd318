"""accounts/birthplaces.py: the COG codes FranceConnect sends, in words."""

import pytest

from accounts import birthplaces


@pytest.mark.parametrize(
    "place, country, expected",
    [
        ("37261", "99100", "Tours (37)"),
        ("37003", "99100", "Amboise (37)"),
        ("75107", "99100", "Paris 7e Arrondissement (75)"),
        ("37235", "99100", "Tours (37)"),  # a former commune's code: today's commune
        ("", "99352", "Algérie"),
        ("", "99109", "Allemagne"),
        ("", "99404", "États-Unis"),
        ("37261", "", "Tours (37)"),
        ("00000", "99100", ""),  # unknown: nothing invented
        ("", "99999", ""),
        ("", "", ""),
    ],
)
def test_label(place, country, expected):
    assert birthplaces.label(place, country) == expected


def test_every_country_code_is_a_five_digit_99_code():
    countries = birthplaces._countries()
    assert len(countries) > 200 and all(len(code) == 5 and code.startswith("99") for code in countries)
