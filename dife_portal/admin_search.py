"""The back-office search, bounded: only the first words of a search are looked for.

Django's admin looks for every word of the search in every search field, all ORed: a page of text pasted into the
search box (3,000 words × 9 fields on the dossiers) becomes a query of tens of thousands of conditions that holds a
database connection for minutes. Staff search for a name, an e-mail, a commune: a few words. Beyond
MAX_SEARCH_WORDS (and MAX_SEARCH_LENGTH characters) the rest is ignored, and the page says so.
"""

from django.contrib import messages
from django.utils.text import smart_split

MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 200


def bounded(search_term):
    """The search as the admin runs it: at most MAX_SEARCH_WORDS words, MAX_SEARCH_LENGTH characters."""
    words = list(smart_split(search_term[: MAX_SEARCH_LENGTH * 2]))
    return " ".join(words[:MAX_SEARCH_WORDS])[:MAX_SEARCH_LENGTH]


class BoundedSearchMixin:
    """For every ModelAdmin with `search_fields` (tests/security/test_admin_search.py checks they all have it)."""

    def get_search_results(self, request, queryset, search_term):
        kept = bounded(search_term)
        if kept != " ".join(smart_split(search_term)):
            messages.info(
                request,
                f"Recherche limitée aux {MAX_SEARCH_WORDS} premiers mots ({MAX_SEARCH_LENGTH} caractères au plus) : "
                f"« {kept} ».",
            )
        return super().get_search_results(request, queryset, kept)
