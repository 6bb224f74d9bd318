"""Importing the collectivités' contact e-mail addresses from a spreadsheet (CSV): what the invitations are sent to.

One line per collectivité: its INSEE code (or SIREN, for an EPCI) or its name, then the address. `read` checks every
line and says what would change, without writing (the staff's preview); `apply` writes a checked import in one
transaction. A line in error is never half-applied: it is reported, in French, with its number, and left out.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Collectivite
from .postal_codes import normalize_town

MAX_BYTES = 1_000_000
_CODE = re.compile(r"^(\d[0-9AB]\d{3}|\d{9})$")


class ContactsFileError(Exception):
    """The file as a whole cannot be read (not a CSV, too large, empty): nothing is imported."""


@dataclass
class Change:
    line: int
    collectivite: Collectivite
    old_email: str
    new_email: str

    @property
    def is_new(self):
        return not self.old_email


@dataclass
class ContactsImport:
    changes: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line number, French message)


def decode(data):
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252 (a spreadsheet saved in France)."""
    if len(data) > MAX_BYTES:
        raise ContactsFileError("Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers.")
    if b"\x00" in data:
        raise ContactsFileError("Ce fichier n'est pas un fichier CSV (texte). Enregistrez le tableau au format CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(text):
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


_HEADER_WORDS = ("mail", "courriel", "adresse", "contact")


def _is_header(cells):
    """A first line of titles ("Code INSEE;Adresse mail", "Commune;Courriel"): no address where one is expected."""
    return len(cells) >= 2 and "@" not in cells[1] and any(word in cells[1].lower() for word in _HEADER_WORDS)


def read(text):
    """Every line of `text` checked against the collectivités: what would change, what already is, what is wrong."""
    if len(text) > MAX_BYTES:
        raise ContactsFileError("Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers.")
    outcome = ContactsImport()
    rows = [(number, [cell.strip() for cell in cells]) for number, cells in enumerate(_rows(text), start=1)]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if rows and _is_header(rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise ContactsFileError("Le fichier ne contient aucune ligne à importer.")
    codes = {cells[0].upper() for _, cells in rows if _CODE.match(cells[0].upper())}
    by_code = {c.code: c for c in Collectivite.objects.filter(code__in=codes)}
    by_name = {}
    if any(not _CODE.match(cells[0].upper()) for _, cells in rows):
        for collectivite in Collectivite.objects.only("pk", "name", "code", "kind", "contact_email"):
            by_name.setdefault(normalize_town(collectivite.name), []).append(collectivite)
    seen = {}
    for number, cells in rows:
        who = cells[0]
        email = cells[1] if len(cells) > 1 else ""
        if not who:
            outcome.errors.append((number, "il manque le code INSEE ou le nom de la collectivité."))
            continue
        if _CODE.match(who.upper()):
            collectivite = by_code.get(who.upper())
            if collectivite is None:
                outcome.errors.append((number, f"le code « {who} » ne correspond à aucune collectivité."))
                continue
        else:
            matches = by_name.get(normalize_town(who), [])
            if not matches:
                outcome.errors.append(
                    (
                        number,
                        f"« {who} » ne correspond à aucune collectivité : vérifiez le nom ou indiquez le code INSEE.",
                    )
                )
                continue
            if len(matches) > 1:
                codes_found = ", ".join(sorted(c.code for c in matches))
                outcome.errors.append(
                    (number, f"plusieurs collectivités s'appellent « {who} » ({codes_found}) : indiquez le code INSEE.")
                )
                continue
            collectivite = matches[0]
        if not email:
            outcome.errors.append((number, f"il manque l'adresse mail de {collectivite.name}."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            outcome.errors.append((number, f"« {email} » n'est pas une adresse mail valide."))
            continue
        if collectivite.pk in seen:
            outcome.errors.append((number, f"{collectivite.name} figure déjà ligne {seen[collectivite.pk]}."))
            continue
        seen[collectivite.pk] = number
        email = email.lower()
        if email == collectivite.contact_email.lower():
            outcome.unchanged.append(collectivite)
        else:
            outcome.changes.append(Change(number, collectivite, collectivite.contact_email, email))
    return outcome


@transaction.atomic
def apply(contacts_import):
    """Writes the changes of a checked import (its lines in error are left out). Returns the collectivités changed."""
    changed = []
    for change in contacts_import.changes:
        change.collectivite.contact_email = change.new_email
        changed.append(change.collectivite)
    Collectivite.objects.bulk_update(changed, ["contact_email"])
    return changed


def without_contact(queryset=None):
    """The collectivités of `queryset` (by default the members) that have no contact address, by name."""
    queryset = Collectivite.objects.filter(is_member=True) if queryset is None else queryset
    return queryset.filter(contact_email="").order_by("name")
