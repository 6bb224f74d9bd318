"""accounts/phones.py: French numbers, mobile vs landline."""

import pytest
from django.core.exceptions import ValidationError

from accounts.phones import LANDLINE, MOBILE, clean_phone


@pytest.mark.parametrize(
    "value, kind, expected",
    [
        ("0612345678", MOBILE, "06 12 34 56 78"),
        ("+33 7 81 23 45 67", MOBILE, "07 81 23 45 67"),
        ("02.47.33.37.00", LANDLINE, "02 47 33 37 00"),
        ("09 12 34 56 78", LANDLINE, "09 12 34 56 78"),
        ("0692 12 34 56", MOBILE, "0692 12 34 56"),  # La Réunion
        ("", MOBILE, ""),
    ],
)
def test_valid_french_numbers_are_formatted(value, kind, expected):
    assert clean_phone(value, kind) == expected


@pytest.mark.parametrize(
    "value, kind, code",
    [
        ("06 12", MOBILE, "invalid_phone"),
        ("bonjour", MOBILE, "invalid_phone"),
        ("+44 7911 123456", MOBILE, "invalid_phone"),  # not a French number
        ("02 47 33 37 00", MOBILE, "wrong_phone_type"),
        ("06 12 34 56 78", LANDLINE, "wrong_phone_type"),
    ],
)
def test_invalid_or_misfiled_numbers_are_refused_in_french(value, kind, code):
    with pytest.raises(ValidationError) as error:
        clean_phone(value, kind)
    assert error.value.code == code and "numéro" in error.value.messages[0]
