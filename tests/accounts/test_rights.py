"""accounts/rights.py: the DIFE rules (400 € a year, ceiling 700 € then 800 €) and the CDC e-mail."""

import datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts import rights

D = datetime.date


def mandate(start, end=None):
    return SimpleNamespace(start_date=start, end_date=end)


@pytest.mark.parametrize(
    "day, ceiling", [(D(2022, 6, 1), 700), (D(2023, 3, 28), 700), (D(2023, 3, 29), 800), (D(2026, 1, 1), 800)]
)
def test_ceiling_was_raised_on_29_march_2023(day, ceiling):
    assert rights.ceiling_on(day) == ceiling


def test_whole_years_of_mandate_are_credited_400_euros():
    today = D(2022, 9, 1)
    assert rights.dife_estimate([], today).amount == 0
    assert rights.dife_estimate([mandate(D(2021, 9, 2))], today).amount == 0  # not yet a whole year
    assert rights.dife_estimate([mandate(D(2021, 9, 1))], today).amount == 400


def test_the_estimate_is_capped_by_the_ceiling_of_the_day():
    old = [mandate(D(2014, 3, 30))]
    assert rights.dife_estimate(old, D(2022, 12, 31)).amount == 700
    estimate = rights.dife_estimate(old, D(2024, 1, 1))
    assert estimate.amount == 800 and estimate.is_capped and estimate.ceiling == 800


def test_overlapping_mandates_count_once_and_gaps_do_not_count():
    today = D(2026, 7, 1)
    overlapping = [mandate(D(2024, 7, 1)), mandate(D(2025, 1, 1))]  # maire + conseiller communautaire
    assert rights.mandate_years(overlapping, today) == 2
    with_gap = [mandate(D(2020, 7, 1), D(2021, 7, 1)), mandate(D(2025, 7, 1))]
    assert rights.mandate_years(with_gap, today) == 2
    assert rights.mandate_years([mandate(D(2027, 1, 1))], today) == 0  # future start ignored


def test_cdc_mailto_is_addressed_and_prefilled(settings):
    user = SimpleNamespace(
        first_names="Marie", birth_name="Martin", usage_name="Durand", birth_date=D(1968, 4, 12), birth_place="Tours"
    )
    collectivite = SimpleNamespace(name="Amboise")
    m = SimpleNamespace(
        start_date=D(2020, 7, 3), end_date=None, collectivite=collectivite, get_function_display=lambda: "Maire"
    )
    url = rights.cdc_mailto(user, [m])
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.path == settings.DIFE_CDC_EMAIL
    query = parse_qs(parts.query)
    assert "Marie MARTIN" in query["subject"][0]
    body = query["body"][0]
    for expected in [
        "Nom de naissance : Martin",
        "Nom d'usage : Durand",
        "12/04/1968",
        "Maire, Amboise",
        "3 juillet 2020",
    ]:
        assert expected in body
    assert "\r\n" in body and " " not in parts.query  # encoded
