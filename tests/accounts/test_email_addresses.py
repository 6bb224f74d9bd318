"""accounts/email_addresses.py: the address typed at sign-up is stored in the one spelling sign-in looks up."""

from accounts.email_addresses import UNUSUAL_CHARACTERS
from accounts.forms.signup import ContactForm


def contact(email):
    return ContactForm(data={"phone_mobile": "06 12 34 56 78", "phone_landline": "", "email": email})


def test_capitals_are_stored_in_lower_case():
    form = contact(" Marie.Kessler@Amélie.example ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "marie.kessler@amélie.example"


def test_an_address_that_unicode_would_respell_is_refused_in_french():
    form = contact("marie.kessler@ame\u0301lie.example")  # "e" then a combining accent
    assert not form.is_valid()
    assert form.errors["email"] == [UNUSUAL_CHARACTERS]
