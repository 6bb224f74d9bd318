"""Text folding for the catalogue search: what a visitor types and what we store compare the same way.

"Marchés publics", "MARCHES PUBLICS" and "marches-publics" all fold to "marches publics", so the search
works with or without accents on every database (SQLite has no accent-insensitive comparison).
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Words too common to narrow a search: "budget de la commune" looks for "budget" and "commune".
STOP_WORDS = frozenset("a au aux avec d de des du en et l la le les leur leurs ou par pour sur un une".split())


def fold(text):
    """Lower-case `text`, strip accents and ligatures, and keep only letters and digits separated by spaces."""
    lowered = str(text or "").lower().replace("œ", "oe").replace("æ", "ae")
    without_marks = "".join(char for char in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", without_marks).strip()


def stem(word):
    """A light French plural stem: "marches" → "marche", "communaux" → "communa"; short words are left alone."""
    if len(word) <= 4:
        return word
    if word.endswith("aux"):
        return word[:-2]
    return word[:-1] if word[-1] in "sx" else word


def search_words(query):
    """The distinct folded words of `query` worth searching for, in the order typed."""
    words = []
    for word in fold(query).split():
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words


def searchable(*texts):
    """The stored form of a training's text: folded, padded with spaces so that a word's start is " word"."""
    return f" {fold(' '.join(text for text in texts if text))} "


def word_pattern(word):
    """What the stored text must contain for `word` to match.

    Short words (acronyms such as PLU or RH) must match a whole word, or "plu" would find
    "pluriannuel"; longer ones match the start of a word, plural or not ("marches" finds "marché").
    """
    if len(word) <= 3:
        return f" {word} "
    return f" {stem(word)}"
