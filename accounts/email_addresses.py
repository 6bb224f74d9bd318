"""One spelling per e-mail address, shared by what is stored, what sign-in looks up and what the lockout counts.

Sign-in once matched addresses with `email__iexact`, whose meaning is the database's: PostgreSQL's
UPPER('ı') is 'I' and UPPER('ſ') is 'S', so "amıl.example" signed into "amil.example" while the lockout,
which lower-cased in Python, counted it apart. Now every path goes through `canonical_email` in Python and
matches the stored address exactly: a spelling either becomes the stored address (and shares its counter)
or matches no account at all.
"""

import unicodedata

from django.core.exceptions import ValidationError

UNUSUAL_CHARACTERS = (
    "Saisissez votre adresse mail avec des caractères ordinaires : elle contient des caractères inhabituels "
    "(lettres pleine largeur, accents séparés de leur lettre…)."
)


def canonical_email(value):
    """The address as stored and compared: surrounding spaces removed, Unicode NFKC (full-width letters,
    the Kelvin sign K, the long s ſ, a letter followed by a combining accent become the ordinary letter)
    then case folded. Anything but a string is returned unchanged."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value.strip()).casefold())


def clean_new_email(value):
    """An address typed to create an account: stored in its canonical spelling, refused if that spelling
    would change more than its case (so that what the élu typed is what receives the mails)."""
    value = (value or "").strip()
    canonical = canonical_email(value)
    if canonical != value.lower():
        raise ValidationError(UNUSUAL_CHARACTERS, code="unusual_characters")
    return canonical
