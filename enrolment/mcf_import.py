"""Import of the dossier list exported from the association's EDOF space (Mon Compte Formation, organisation side).

1. `read(file)` reads a CSV (UTF-8 or Windows-1252, `;` or `,`) or an Excel .xlsx file, finds the columns by their
   header names (`COLUMNS`, compared without accents or case) and checks every line: a missing column, a line
   without a valid MCF dossier number, a number found twice, a date that cannot be read or a status it does not
   know makes the whole file refused with French messages saying which line and why (`ImportFileError`).
2. `run(rows, by=…, dry_run=True)` matches each line to a portal dossier — by MCF dossier number, else by the
   élu's name and the session (its MCF session number, else its first day) — and brings the dossier's funding
   track to the line's status through enrolment.funding (source: import), step by step. A dry run does all of it
   in a transaction rolled back at the end: the preview shows exactly what the commit will do, e-mails included
   (none is sent). A line whose step the track refuses is reported and left alone; the others are applied.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from trainings import deadlines
from trainings.normalization import fold

from . import funding, funding_rules
from .exceptions import EnrolmentError
from .models import Dossier, FundingSource, FundingState

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Logical column → (required, header names as EDOF or a spreadsheet may write them).
COLUMNS = {
    "number": (
        True,
        [
            "Numéro du dossier",
            "Numéro de dossier",
            "N° du dossier",
            "N° de dossier",
            "N° dossier",
            "Numéro dossier",
            "Dossier",
            "Numéro du dossier de formation",
        ],
    ),
    "status": (True, ["Statut", "Statut du dossier", "État", "État du dossier", "Etat"]),
    "last_name": (True, ["Nom", "Nom du titulaire", "Nom de naissance", "Nom du stagiaire", "Nom de l'apprenant"]),
    "first_name": (False, ["Prénom", "Prénoms", "Prénom du titulaire", "Prénom du stagiaire"]),
    "session_start": (
        True,
        ["Date de début de session", "Début de session", "Date de début", "Date de début de formation", "Début"],
    ),
    "session_number": (False, ["Numéro de session", "N° de session", "N° session", "Numéro session"]),
    "status_date": (
        False,
        ["Date du statut", "Date de mise à jour", "Date de dernière mise à jour", "Date de modification"],
    ),
}
HEADER_NAMES = {fold(name): key for key, (_, names) in COLUMNS.items() for name in names}

S = FundingState
# EDOF statuses (compared without accents or case) → the portal's funding state. "Validé" is the organisation's
# acceptance, which sends the proposal the holder must then accept ("Accepté").
STATUSES = {
    "non traite": S.REQUESTED,
    "a traiter": S.REQUESTED,
    "en attente de traitement": S.REQUESTED,
    "valide": S.TO_VALIDATE,
    "valide par l organisme": S.TO_VALIDATE,
    "en attente d acceptation": S.TO_VALIDATE,
    "en attente de validation du titulaire": S.TO_VALIDATE,
    "proposition envoyee": S.TO_VALIDATE,
    "accepte": S.VALIDATED,
    "accepte par le titulaire": S.VALIDATED,
    "en formation": S.IN_TRAINING,
    "entree en formation": S.IN_TRAINING,
    "sortie de formation": S.IN_TRAINING,
    "sorti de formation": S.IN_TRAINING,
    "service fait declare": S.SERVICE_DECLARED,
    "service fait valide": S.SERVICE_VALIDATED,
    "facture": S.SERVICE_VALIDATED,
    "paye": S.SERVICE_VALIDATED,
    "expire": S.EXPIRED,
    "annulation automatique": S.EXPIRED,
    "annule automatiquement": S.EXPIRED,
}
STATUS_PREFIXES = [("annul", S.CANCELLED), ("refus", S.REFUSED)]

# The forward track in order; the steps between two of its states are funding.ALLOWED's.
FORWARD = [S.TODO, S.REQUESTED, S.TO_VALIDATE, S.VALIDATED, S.IN_TRAINING, S.SERVICE_DECLARED, S.SERVICE_VALIDATED]
STOPS = {rule.target: name for name, rule in funding.ALLOWED.items() if name in funding.STOPPING_TRANSITIONS}
STEP_LABELS = {
    "record_mcf_request": "demande enregistrée",
    "proposal_sent": "proposition envoyée",
    "proposal_validated": "proposition validée",
    "entry_declared": "entrée en formation déclarée",
    "service_declared": "service fait déclaré",
    "service_validated": "service fait validé",
    "cancel": "annulé",
    "refuse": "refusé",
    "expire": "expiré",
}
# Dossiers the import may move: those the AMIL holds (sent, accepted, attended or not), never a draft.
IMPORTABLE_STATES = funding_rules.FUNDABLE_DOSSIER_STATES


class ImportFileError(Exception):
    """The file cannot be imported; `errors` are French sentences, each saying which line and why."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass
class Row:
    line: int
    number: str
    status: str  # as written in the file
    target: str  # FundingState
    last_name: str
    first_name: str = ""
    session_start: datetime.date | None = None
    session_number: str = ""
    status_date: datetime.date | None = None

    def to_payload(self):
        return {
            **self.__dict__,
            "session_start": self.session_start.isoformat() if self.session_start else None,
            "status_date": self.status_date.isoformat() if self.status_date else None,
        }

    @classmethod
    def from_payload(cls, data):
        dates = {
            name: datetime.date.fromisoformat(data[name]) if data.get(name) else None
            for name in ("session_start", "status_date")
        }
        return cls(**{**data, **dates})


# --- Reading the file ---------------------------------------------------------------------------------------------


def _decode(raw):
    if b"\x00" in raw[:4096]:
        raise ImportFileError(
            ["Ce fichier n'est pas un fichier CSV lisible (UTF-16 ou binaire) : enregistrez-le en CSV ou en Excel."]
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        [
            "L'encodage du fichier n'est pas reconnu (ni UTF-8, ni Windows-1252) : enregistrez-le à nouveau "
            "depuis votre tableur en « CSV UTF-8 »."
        ]
    )


def _csv_lines(raw):
    text = _decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_lines(raw):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            ["Ce fichier Excel ne peut pas être lu : enregistrez-le à nouveau au format .xlsx."]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    return str(value).strip()


def _date(value, line, label):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = value.split(" ")[0].split("T")[0]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"ligne {line} : la date « {value} » ({label}) n'est pas lisible (attendu : jj/mm/aaaa).")


def _target(status):
    folded = fold(status)
    if folded in STATUSES:
        return STATUSES[folded]
    for prefix, state in STATUS_PREFIXES:
        if folded.startswith(prefix):
            return state
    return None


REQUIRED = [key for key, (required, _) in COLUMNS.items() if required]
HEADER_SEARCH_LINES = 10


def _positions(line):
    """Logical column → its position, for the header names found on `line`."""
    positions = {}
    for position, name in enumerate(line):
        key = HEADER_NAMES.get(fold(name)) if isinstance(name, str) else None
        if key and key not in positions:
            positions[key] = position
    return positions


def read(uploaded):
    """The file's lines as `Row`s, or ImportFileError listing every problem found (nothing is written)."""
    raw = uploaded.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportFileError(
            [f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : est-ce bien l'export des dossiers ?"]
        )
    if not raw.strip():
        raise ImportFileError(["Le fichier est vide."])
    is_xlsx = raw[:4] == b"PK\x03\x04"
    lines = _xlsx_lines(raw) if is_xlsx else _csv_lines(raw)
    lines = [[_cell(value) for value in line] for line in lines]
    filled = [i for i, line in enumerate(lines) if any(isinstance(v, str) and v for v in line)]
    if not filled:
        raise ImportFileError(["Le fichier est vide."])
    # The header is the first line naming the required columns (an export may start with a title line or two).
    candidates = [(i, _positions(lines[i])) for i in filled[:HEADER_SEARCH_LINES]]
    header_index, positions = next(
        ((i, found) for i, found in candidates if all(key in found for key in REQUIRED)), candidates[0]
    )
    missing = [names[0] for key, (required, names) in COLUMNS.items() if required and key not in positions]
    if missing:
        listed = ", ".join(f"« {name} »" for name in missing)
        raise ImportFileError(
            [
                f"Colonne{'s' if len(missing) > 1 else ''} introuvable{'s' if len(missing) > 1 else ''} sur la ligne "
                f"d'en-tête (ligne {header_index + 1}) : {listed}. Vérifiez que c'est bien l'export de la liste des "
                "dossiers de votre espace EDOF, avec sa ligne d'en-tête."
            ]
        )
    body = lines[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportFileError([f"Le fichier compte plus de {MAX_ROWS} lignes : importez-le en plusieurs fois."])
    rows, errors, seen = [], [], {}
    for offset, values in enumerate(body):
        line = header_index + 2 + offset
        if not any(values):
            continue
        row_errors = []

        def value(key, values=values):
            position = positions.get(key)
            return values[position] if position is not None and position < len(values) else ""

        number = value("number")
        try:
            number = funding_rules.normalize_mcf_number(number)
        except ValidationError:
            row_errors.append(
                f"ligne {line} : le numéro de dossier « {number} » n'est pas un numéro Mon Compte Formation."
            )
        else:
            if number in seen:
                row_errors.append(f"ligne {line} : le numéro de dossier {number} figure déjà ligne {seen[number]}.")
            seen.setdefault(number, line)
        status = str(value("status"))
        target = _target(status)
        if target is None:
            row_errors.append(f"ligne {line} : le statut « {status} » n'est pas connu du portail.")
        last_name = str(value("last_name"))
        if not last_name:
            row_errors.append(f"ligne {line} : le nom est vide.")
        dates = {}
        for key, label, required in (
            ("session_start", "début de session", True),
            ("status_date", "date du statut", False),
        ):
            raw_value = value(key)
            if raw_value in ("", None):
                if required:
                    row_errors.append(f"ligne {line} : la date de début de session est vide.")
                dates[key] = None
                continue
            try:
                dates[key] = _date(raw_value, line, label)
            except ValidationError as error:
                row_errors.append(error.messages[0])
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            Row(
                line=line,
                number=number,
                status=status,
                target=target,
                last_name=last_name,
                first_name=str(value("first_name")),
                session_start=dates["session_start"],
                session_number=str(value("session_number")),
                status_date=dates["status_date"],
            )
        )
    if errors:
        raise ImportFileError(errors)
    if not rows:
        raise ImportFileError(["Le fichier ne contient aucune ligne de dossier sous son en-tête."])
    return rows


# --- Matching and applying ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: Row
    kind: str  # "change", "unchanged", "ignored", "unmatched"
    dossier: Dossier | None = None
    from_state: str = ""
    to_state: str = ""
    steps: list = field(default_factory=list)
    message: str = ""

    @property
    def from_label(self):
        return FundingState(self.from_state).label if self.from_state else ""

    @property
    def to_label(self):
        return FundingState(self.to_state).label if self.to_state else ""

    @property
    def steps_label(self):
        return ", ".join(STEP_LABELS[step] for step in self.steps)


@dataclass
class Report:
    outcomes: list
    dry_run: bool

    def of(self, kind):
        return [outcome for outcome in self.outcomes if outcome.kind == kind]

    @property
    def changes(self):
        return self.of("change")

    @property
    def unchanged(self):
        return self.of("unchanged")

    @property
    def ignored(self):
        return self.of("ignored")

    @property
    def unmatched(self):
        return self.of("unmatched")


def steps_to(current, target, *, new_number):
    """The funding transitions that bring a dossier from `current` to `target`, in order ([] when there already or
    further along). `new_number`: the line's MCF number is not the dossier's (recorded first)."""
    if target in STOPS:
        return [] if current == target else [STOPS[target]]
    steps, state = [], current
    if state in (S.TODO, S.CANCELLED, S.EXPIRED, S.REFUSED) or (state == S.REQUESTED and new_number):
        steps.append("record_mcf_request")
        state = S.REQUESTED
    while FORWARD.index(state) < FORWARD.index(target):
        step = _furthest_step(state, target)
        steps.append(step)
        state = funding.ALLOWED[step].target
    return steps


def _furthest_step(state, target):
    """The transition of funding.ALLOWED from `state` that goes furthest along FORWARD without passing `target`
    (from "demande envoyée", straight to "validée" when the export shows it so)."""
    here, there = FORWARD.index(state), FORWARD.index(target)
    return max(
        (FORWARD.index(rule.target), name)
        for name, rule in funding.ALLOWED.items()
        if state in rule.sources and rule.target in FORWARD and here < FORWARD.index(rule.target) <= there
    )[1]


def _dossiers_by_number(rows):
    numbers = [row.number for row in rows]
    return {
        dossier.mcf_number: dossier
        for dossier in Dossier.objects.filter(mcf_number__in=numbers).select_related("user", "session__training")
    }


def _candidates(rows):
    """Dossiers an unnumbered line may be: importable, of a session starting on one of the lines' days."""
    days = {row.session_start for row in rows if row.session_start}
    numbers = {row.session_number for row in rows if row.session_number}
    if not days and not numbers:
        return []
    start = min(days) if days else None
    end = max(days) if days else None
    condition = Q(session__mcf_session_id__in=numbers) if numbers else Q(pk__in=[])
    if days:
        condition |= Q(
            session__starts_at__gte=deadlines.paris_midnight(start),
            session__starts_at__lt=deadlines.paris_midnight(end + datetime.timedelta(days=1)),
        )
    return list(
        Dossier.objects.filter(condition, state__in=IMPORTABLE_STATES).select_related("user", "session__training")
    )


def _names(dossier):
    user = dossier.user
    last = {fold(name) for name in (dossier.birth_name, dossier.usage_name, user.birth_name, user.usage_name) if name}
    first = fold(dossier.first_names or user.first_names).split()[:1]
    return last, first[0] if first else ""


def _match_by_name(row, candidates):
    def same_session(dossier):
        session = dossier.session
        if row.session_number and session.mcf_session_id:
            return session.mcf_session_id == row.session_number
        return session.first_day == row.session_start

    last_name, first_name = fold(row.last_name), fold(row.first_name).split()[:1]
    found = []
    for dossier in candidates:
        last_names, dossier_first = _names(dossier)
        if same_session(dossier) and last_name in last_names and (not first_name or first_name[0] == dossier_first):
            found.append(dossier)
    return found


def _step_kwargs(step, row, dossier, *, last):
    """The date a dated step happened: the line's status date for its last step, else the natural day."""
    if step == "proposal_sent":
        natural = funding_rules.requested_on(dossier) or deadlines.paris_today()
    elif step == "entry_declared":
        natural = dossier.session.first_day
    elif step == "service_declared":
        natural = dossier.session.last_day
    else:
        return {}
    on = row.status_date if last and row.status_date and row.status_date >= natural else natural
    return {"on": min(on, deadlines.paris_today())}


def _apply(outcome, by):
    dossier, row = outcome.dossier, outcome.row
    note = f"Statut « {row.status} » dans l'export EDOF (ligne {row.line})."
    for index, step in enumerate(outcome.steps):
        service = getattr(funding, step)
        if step == "record_mcf_request":
            dossier = service(dossier, row.number, by=by, source=FundingSource.IMPORT)
        elif step in STOPS.values():
            dossier = service(dossier, by=by, source=FundingSource.IMPORT, note=note)
        else:
            kwargs = _step_kwargs(step, row, dossier, last=index == len(outcome.steps) - 1)
            dossier = service(dossier, by=by, source=FundingSource.IMPORT, **kwargs)
    outcome.dossier = dossier


class _DryRun(Exception):
    pass


def run(rows, *, by, dry_run=True):
    """Match and apply the lines (see the module docstring); a dry run writes nothing. Returns a `Report`."""
    outcomes = []
    try:
        with transaction.atomic():
            by_number = _dossiers_by_number(rows)
            unnumbered = [row for row in rows if row.number not in by_number]
            candidates = _candidates(unnumbered)
            handled = {}
            for row in rows:
                outcome = _plan(row, by_number, candidates, handled)
                outcomes.append(outcome)
                if outcome.kind != "change":
                    continue
                try:
                    with transaction.atomic():
                        _apply(outcome, by)
                except EnrolmentError as error:
                    outcome.kind, outcome.message = "ignored", str(error)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return Report(outcomes, dry_run)


def _plan(row, by_number, candidates, handled):
    dossier = by_number.get(row.number)
    if dossier is None:
        found = [d for d in _match_by_name(row, candidates) if not d.mcf_number or d.mcf_number == row.number]
        if not found:
            return Outcome(row, "unmatched", message="Aucun dossier du portail à ce nom pour une session de ce jour.")
        if len(found) > 1:
            return Outcome(
                row, "unmatched", message="Plusieurs dossiers du portail correspondent : à traiter à la main."
            )
        dossier = found[0]
    if dossier.pk in handled:
        return Outcome(
            row, "ignored", dossier, message=f"Ce dossier est déjà traité par la ligne {handled[dossier.pk]}."
        )
    handled[dossier.pk] = row.line
    current = dossier.funding_state
    steps = steps_to(current, row.target, new_number=dossier.mcf_number != row.number)
    if not steps:
        message = "" if current == row.target else "Déjà plus avancé dans le portail : rien à changer."
        return Outcome(row, "unchanged", dossier, current, current, message=message)
    return Outcome(row, "change", dossier, current, row.target, steps)
