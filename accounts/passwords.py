"""The password rule: shown (and ticked live in the browser), enforced on the server by the validators."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

# (key, server-side regex, JavaScript regex, label). The JS regexes are the same classes.
RULES = [
    ("upper", r"[A-Z]", "[A-Z]", "une majuscule"),
    ("lower", r"[a-z]", "[a-z]", "une minuscule"),
    ("digit", r"[0-9]", "[0-9]", "un chiffre"),
    ("special", r"[^A-Za-z0-9]", "[^A-Za-z0-9]", "un caractère spécial"),
]


class CharacterClassesValidator:
    """At least one upper-case letter, one lower-case letter, one digit and one special character."""

    def validate(self, password, user=None):
        missing = [label for _, pattern, _, label in RULES if not re.search(pattern, password or "")]
        if missing:
            raise ValidationError(
                "Votre mot de passe doit contenir au moins " + ", ".join(missing) + ".",
                code="password_character_classes",
            )

    def get_help_text(self):
        return "Votre mot de passe doit contenir une majuscule, une minuscule, un chiffre et un caractère spécial."


def min_length():
    """The minimum length configured in AUTH_PASSWORD_VALIDATORS (12 by default)."""
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if validator["NAME"].endswith("MinimumLengthValidator"):
            return validator.get("OPTIONS", {}).get("min_length", 8)
    return 0


def checklist():
    """The rule as a checklist for templates: [{"key", "label", "pattern" (JS), "min_length"}]."""
    length = min_length()
    items = [{"key": "length", "label": f"{length} caractères", "pattern": "", "min_length": length}]
    items += [{"key": key, "label": label, "pattern": js, "min_length": 0} for key, _, js, label in RULES]
    return items


def set_checklist_help(form, field_name, intro=""):
    """Show the checklist as the field's help text (so that the field's aria-describedby points to it); a
    small script (static/js/password-rules.js) ticks each rule as the élu types."""
    # The id is computed, not read from form[field_name]: a bound field built now would keep the old help text.
    input_id = form.auto_id % form.add_prefix(field_name) if form.auto_id else ""
    form.fields[field_name].help_text = render_to_string(
        "accounts/includes/password_rules.html", {"rules": checklist(), "input_id": input_id, "intro": intro}
    )
