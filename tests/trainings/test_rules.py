from decimal import Decimal

import pytest

from trainings import rules


@pytest.mark.parametrize(
    "price, hours, expected",
    [
        ("150.00", "7", "21.43"),
        ("560.00", "7", "80.00"),
        ("0", "3.5", "0.00"),
        ("100", "0", None),
        ("100", None, None),
    ],
)
def test_hourly_cost(price, hours, expected):
    cost = rules.hourly_cost(Decimal(price), None if hours is None else Decimal(hours))
    assert cost == (None if expected is None else Decimal(expected))


def test_exactly_80_euros_an_hour_is_allowed_one_cent_more_is_not():
    assert not rules.exceeds_hourly_cap(Decimal("560.00"), Decimal("7"))
    assert rules.exceeds_hourly_cap(Decimal("560.01"), Decimal("7"))


def test_the_cap_comes_from_the_setting(settings):
    settings.HOURLY_COST_CAP_EUROS = 20
    assert rules.exceeds_hourly_cap(Decimal("150"), Decimal("7"))


def test_unknown_duration_is_not_flagged():
    assert not rules.exceeds_hourly_cap(Decimal("1000"), Decimal("0"))
    assert not rules.exceeds_hourly_cap(None, Decimal("7"))


def test_seat_limit_is_fifteen():
    assert not rules.exceeds_seat_limit(15)
    assert rules.exceeds_seat_limit(16)
    assert not rules.exceeds_seat_limit(None)


def test_training_warnings_in_french():
    warnings = rules.training_warnings(Decimal("700"), Decimal("7"), [12, 20, 18, 20])
    assert len(warnings) == 2
    assert "100,00 €" in warnings[0] and "80 € HT par heure" in warnings[0]
    assert "plus de 15 places (20, 18)" in warnings[1]


def test_no_warning_for_a_training_within_the_rules():
    assert rules.training_warnings(Decimal("150"), Decimal("7"), [15, 8]) == []
