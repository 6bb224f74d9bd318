"""accounts/passwords.py: the rule shown to the élu is the rule enforced."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import CharacterClassesValidator, checklist, min_length


def test_checklist_follows_the_settings(settings):
    assert min_length() == 12
    labels = [item["label"] for item in checklist()]
    assert labels == ["12 caractères", "une majuscule", "une minuscule", "un chiffre", "un caractère spécial"]


@pytest.mark.parametrize("password", ["abcdefghijkl", "ABCDEFGH1234", "Abcdefgh1234", "Abcdefgh!!!!"])
def test_each_js_pattern_agrees_with_the_server(password):
    """The browser ticks a rule exactly when the server would accept it."""
    server_ok = True
    try:
        CharacterClassesValidator().validate(password)
    except ValidationError:
        server_ok = False
    js_ok = all(re.search(item["pattern"], password) for item in checklist() if item["pattern"])
    assert server_ok == js_ok


def test_a_password_meeting_every_rule_passes_all_validators():
    validate_password("Un-Mot-de-passe-2026!")
    with pytest.raises(ValidationError):
        validate_password("Aa1!Aa1!Aa1")  # 11 characters
