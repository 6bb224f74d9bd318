"""French telephone numbers (metropolitan and overseas), mobile or landline, checked with `phonenumbers`."""

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import PhoneNumberType

# Metropolitan France first, then the overseas regions whose numbers are French numbers too.
FRENCH_REGIONS = ["FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"]

MOBILE = "mobile"
LANDLINE = "landline"

_ACCEPTED_TYPES = {
    MOBILE: {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
    # 09 numbers (VoIP boxes) are what many households use as their landline.
    LANDLINE: {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP},
}


def _parse(value):
    """The first reading of `value` that is a valid French number, or None."""
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
            return number
    return None


def clean_phone(value, kind):
    """Return the number in a readable French format ("06 12 34 56 78"), or raise a French ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        raise ValidationError(
            "Ce numéro de téléphone n'est pas valide. Saisissez un numéro français, par exemple 06 12 34 56 78.",
            code="invalid_phone",
        )
    number_type = phonenumbers.number_type(number)
    if number_type not in _ACCEPTED_TYPES[kind]:
        if kind == MOBILE:
            message = "Ce numéro n'est pas un numéro de mobile (06 ou 07). Indiquez-le plutôt comme téléphone fixe."
        else:
            message = "Ce numéro est un numéro de mobile. Indiquez-le plutôt comme téléphone mobile."
        raise ValidationError(message, code="wrong_phone_type")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
