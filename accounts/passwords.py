import re

from django.core.exceptions import ValidationError

RULES = [
    (r"[A-Z]", "une majuscule"),
    (r"[a-z]", "une minuscule"),
    (r"[0-9]", "un chiffre"),
    (r"[^A-Za-z0-9]", "un caractère spécial"),
]


class CharacterClassesValidator:
    """At least one upper-case letter, one lower-case letter, one digit and one special character."""

    def validate(self, password, user=None):
        missing = [label for pattern, label in RULES if not re.search(pattern, password or "")]
        if missing:
            raise ValidationError(
                "Votre mot de passe doit contenir au moins " + ", ".join(missing) + ".",
                code="password_character_classes",
            )

    def get_help_text(self):
        return "Votre mot de passe doit contenir une majuscule, une minuscule, un chiffre et un caractère spécial."
