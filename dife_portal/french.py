"""French typography the portal writes everywhere: hours ("9 h", "9 h 30") and collectivité names inside a
sentence ("d'Amboise", "du Grand-Pressigny", "aux Hermites").

The functions are plain Python (e-mails, `.ics` files and admin code call them) and also template filters,
registered as built-ins (settings.TEMPLATES) so that every template, e-mails and admin included, has them
without `{% load %}`.
"""

import datetime

from django import template
from django.utils import timezone

from dife_portal.collation import fold

register = template.Library()

NBSP = "\u00a0"


@register.filter
def heure(value):
    """9:00 → "9 h", 9:30 → "9 h 30" (French typographic convention, no-break spaces).

    Accepts a time, or a datetime (an aware one is read in the current time zone, Europe/Paris).
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.time()
    if value.minute:
        return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"
    return f"{value.hour}{NBSP}h"


@register.filter
def date_heure(value, date_format="l j F Y"):
    """An aware datetime as "mardi 1 décembre 2026 à 9 h 30" (the date part in `date_format`)."""
    if value in (None, ""):
        return ""
    from django.utils.dateformat import format as format_date

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local, date_format)} à {heure(local)}"


@register.filter
def pluriel(count, suffix="s"):
    """French plural mark: none for 0 and 1 ("0 place occupée", "1 place occupée"), `suffix` from 2 on.

    `count` is a number or a list (its length counts)."""
    if hasattr(count, "__len__") and not isinstance(count, str):
        count = len(count)
    try:
        return suffix if abs(int(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""


# --- Names in a sentence: elision and contraction -----------------------------------------------------------

# Words starting with a mute h take the elision ("d'Huismes"); an aspirate h does not ("de Hommes"): the few
# collectivités of Indre-et-Loire with an aspirate h are listed by their first word, folded.
ASPIRATE_H = {"hommes", "hautes", "haut", "haute", "hauts", "halte", "hameau"}
ARTICLES = {
    "le": {"de": "du", "à": "au"},
    "les": {"de": "des", "à": "aux"},
}
# Groupings named by a feminine noun take "la": "les élus de la CC du Val d'Amboise".
FEMININE_GROUPINGS = ("cc ", "ca ", "cu ", "communauté ", "métropole ")


def _starts_with_vowel_sound(name):
    first_word = name.replace("-", " ").split(" ", 1)[0]
    folded = fold(first_word)
    if not folded:
        return False
    if folded[0] in "aeiouy":
        return True
    return folded[0] == "h" and folded not in ASPIRATE_H


def _split_article(name):
    """("le", "Grand-Pressigny") for "Le Grand-Pressigny"; (None, name) when the name has no leading article."""
    for article in ARTICLES:
        prefix = f"{article} "
        if name[: len(prefix)].lower() == prefix:
            return article, name[len(prefix) :]
    return None, name


def with_preposition(preposition, name):
    """ "de" or "à" followed by a place name, as French writes it.

    de Amboise → d'Amboise; de Le Grand-Pressigny → du Grand-Pressigny; de Les Hermites → des Hermites;
    à Le Louroux → au Louroux; à Les Hermites → aux Hermites; de La Riche → de La Riche; de L'Île-Bouchard →
    de L'Île-Bouchard; de Tours → de Tours; de CC du Val d'Amboise → de la CC du Val d'Amboise.
    """
    name = (name or "").strip()
    if not name:
        return preposition
    article, rest = _split_article(name)
    if article:
        return f"{ARTICLES[article][preposition]} {rest}"
    if name.lower().startswith(FEMININE_GROUPINGS):
        return f"{preposition} la {name}"
    if preposition == "de" and _starts_with_vowel_sound(name):
        return f"d'{name}"
    return f"{preposition} {name}"


@register.filter
def de(name):
    """{{ collectivite.name|de }}: "d'Amboise", "du Grand-Pressigny", "des Hermites", "de Tours"."""
    return with_preposition("de", str(name or ""))


@register.filter(name="a")
def a(name):
    """{{ collectivite.name|a }}: "à Amboise", "au Grand-Pressigny", "aux Hermites"."""
    return with_preposition("à", str(name or ""))
