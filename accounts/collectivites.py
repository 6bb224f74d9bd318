"""The collectivités of the department, loaded from the committed data file (see its header for the
source, version and date; `tools/build_geo_data.py` regenerates it)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts.models import Collectivite

DATA_FILE = Path(__file__).resolve().parent / "data" / "collectivites_37.csv"


@dataclass(frozen=True)
class Row:
    kind: str
    code: str
    siren: str
    name: str
    postal_codes: list


def read_rows(path=DATA_FILE):
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [Row(r["kind"], r["code"], r["siren"], r["name"], r["postal_codes"].split()) for r in csv.DictReader(lines)]


@transaction.atomic
def load(path=DATA_FILE, communes_are_members=False):
    """Create or update every collectivité of the file (matched on its INSEE code or SIREN).
    Names and postal codes follow the file; the membership flag and contact e-mail set by the staff are
    kept, except that new communes start as members when `communes_are_members` (demo data).
    Returns (created, updated)."""
    rows = read_rows(path)
    existing = {c.code: c for c in Collectivite.objects.filter(code__in=[r.code for r in rows])}
    created, updated = [], []
    for row in rows:
        postal_code = row.postal_codes[0] if row.postal_codes else ""
        collectivite = existing.get(row.code)
        if collectivite is None:
            created.append(
                Collectivite(
                    code=row.code,
                    kind=row.kind,
                    name=row.name,
                    postal_code=postal_code,
                    is_member=communes_are_members and row.kind == Collectivite.Kind.COMMUNE,
                )
            )
        elif (collectivite.name, collectivite.kind, collectivite.postal_code) != (row.name, row.kind, postal_code):
            collectivite.name, collectivite.kind, collectivite.postal_code = row.name, row.kind, postal_code
            updated.append(collectivite)
    Collectivite.objects.bulk_create(created)
    Collectivite.objects.bulk_update(updated, ["name", "kind", "postal_code"])
    return len(created), len(updated)
