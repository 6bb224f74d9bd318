"""French order for lists of names: "Brèches" before "Bridoré", "Château-Renault" before "Chouzé".

Accents and case are ignored at the first level (they only break ties), on every database:
- PostgreSQL: the ICU collation FRENCH, created by a migration (accounts 0006), locale "fr";
- SQLite: a collation of the same name, registered on each new connection (`register_sqlite`), that
  compares with `sort_key`;
- lists sorted in Python use `sort_key` directly.

Querysets order with `french_order("name")` (an expression usable in `order_by` and `Meta.ordering`).
This module imports no Django at load time: `accounts.postal_codes` (used by a standalone tool) sorts with it.
"""

import unicodedata

FRENCH = "fr_natural"


def fold(text):
    """`text` without accents, ligatures or case: "Œuilly-Côté" → "oeuilly-cote"."""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.casefold().replace("œ", "oe").replace("æ", "ae").replace("’", "'")


def sort_key(text):
    """Letters first (accents and case ignored), then accents, then case: "cote" < "Côte" < "côté" < "coter"."""
    text = str(text or "")
    return (fold(text), text.casefold(), text)


def compare(left, right):
    """The SQLite collation: -1, 0 or 1, as `sort_key` orders."""
    left_key, right_key = sort_key(left), sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def french_order(field):
    """An ORM expression: `field` in French order, for `order_by(...)` and `Meta.ordering`."""
    from django.db.models.functions import Collate

    return Collate(field, FRENCH)


def register_sqlite(sender, connection, **kwargs):
    """`connection_created` receiver: gives each SQLite connection the FRENCH collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, compare)


CREATE_POSTGRESQL = f"CREATE COLLATION IF NOT EXISTS {FRENCH} (provider = icu, locale = 'fr')"
DROP_POSTGRESQL = f"DROP COLLATION IF EXISTS {FRENCH}"
