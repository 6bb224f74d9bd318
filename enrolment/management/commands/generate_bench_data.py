"""Benchmark data: collectivités, élus, trainings, sessions, invitations and dossiers in bulk.

Every row is made with `bulk_create` (one password hash shared by every élu, no signals, batches of a
few thousand rows), so the full scale (10,000 sessions, 50,000 élus, 100,000 dossiers) takes seconds on
PostgreSQL. Every account it makes has an e-mail under `@bench.invalid`: `--reset` refuses to wipe a
database that holds any other account, so it can never empty a real portal.
"""

import datetime
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Collectivite, IdentityDocument, Mandate, User
from accounts.models.user import IdentityMethod
from enrolment.models import SEAT_HOLDING_STATES, Dossier, DossierLog, DossierState
from trainings.models import Invitation, Modality, Organiser, Session, Theme, Training

BENCH_DOMAIN = "bench.invalid"
BENCH_PASSWORD = "Bench-Elu-2026!!"
BENCH_STAFF_EMAIL = f"staff@{BENCH_DOMAIN}"
BATCH = 5000

# collectivités, trainings, sessions, élus, dossiers
SCALES = {
    "base": (100, 10, 100, 500, 1_000),
    "small": (100, 50, 1_000, 5_000, 10_000),
    "full": (300, 500, 10_000, 50_000, 100_000),
}

THEMES = [
    "Finances locales",
    "Urbanisme et aménagement",
    "Ressources humaines",
    "Prise de parole en public",
    "Marchés publics",
    "Action sociale",
    "Environnement et transition écologique",
    "Numérique",
]
CITIES = [
    ("Tours", "37000"),
    ("Amboise", "37400"),
    ("Chinon", "37500"),
    ("Loches", "37600"),
    ("Joué-lès-Tours", "37300"),
]
TOPICS = [
    "le budget communal",
    "le droit des sols",
    "la gestion du personnel",
    "les marchés publics",
    "l'intercommunalité",
]
LEVELS = ["les fondamentaux", "niveau confirmé", "ateliers pratiques", "cas concrets", "mise à jour 2026"]

# What a dossier went through to reach its state, for its log rows.
PATHS = {
    DossierState.DRAFT: [DossierState.DRAFT],
    DossierState.SUBMITTED: [DossierState.DRAFT, DossierState.SUBMITTED],
    DossierState.WAITLISTED: [DossierState.DRAFT, DossierState.WAITLISTED],
    DossierState.ACCEPTED: [DossierState.DRAFT, DossierState.SUBMITTED, DossierState.ACCEPTED],
    DossierState.REFUSED: [DossierState.DRAFT, DossierState.SUBMITTED, DossierState.REFUSED],
    DossierState.ATTENDED: [DossierState.DRAFT, DossierState.SUBMITTED, DossierState.ACCEPTED, DossierState.ATTENDED],
    DossierState.CANCELLED: [DossierState.DRAFT, DossierState.CANCELLED],
}


def insert_rows(model, rows):
    """Insert dicts of field values (attnames): COPY on PostgreSQL, the fast path; bulk_create elsewhere.

    Fields left out take the model's default, as they would with `Model(**row)`.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    template = model()
    defaults = {f.attname: getattr(template, f.attname) for f in fields}
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**{**defaults, **row}) for row in rows], batch_size=BATCH)
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                merged = {**defaults, **row}
                copy.write_row([merged[f.attname] for f in fields])


def _local(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class Command(BaseCommand):
    help = "Génère des données de test de charge (collectivités, élus, formations, sessions, dossiers)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="base", help="preset sizes")
        for name in ("collectivites", "trainings", "sessions", "elus", "dossiers"):
            parser.add_argument(f"--{name}", type=int, help=f"override the preset number of {name}")
        parser.add_argument("--reset", action="store_true", help="empty the benchmark tables first")

    def handle(self, *args, **options):
        started = time.monotonic()
        sizes = dict(
            zip(("collectivites", "trainings", "sessions", "elus", "dossiers"), SCALES[options["scale"]], strict=True)
        )
        sizes.update({k: options[k] for k in sizes if options[k] is not None})
        if min(sizes.values()) < 1:
            raise CommandError("Every size must be at least 1.")
        if options["reset"]:
            self.reset()
        elif User.objects.exists() or Training.objects.exists():
            raise CommandError("The database already holds data: pass --reset to replace benchmark data.")
        with transaction.atomic():
            counts = self.generate(**sizes)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum gives a live database: planner statistics and the visibility map that lets counts
            # be answered from an index alone (VACUUM cannot run inside a transaction, hence the guard for tests).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n:,} {label}" for label, n in counts.items())
        self.stdout.write(f"Generated {summary} in {elapsed:.1f} s.")

    def reset(self):
        if User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").exists():
            raise CommandError(f"--reset refused: the database holds accounts outside @{BENCH_DOMAIN}.")
        models = [DossierLog, Dossier, Invitation, Session, Training, Theme, Organiser]
        models += [IdentityDocument, Mandate, Collectivite, User]
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cursor:
                # Inside a transaction that already wrote rows, deferred foreign-key checks must run first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            with transaction.atomic():
                for model in models:
                    model.objects.all().delete()

    def generate(self, *, collectivites, trainings, sessions, elus, dossiers):
        now = timezone.now()
        today = timezone.localdate()
        password = make_password(BENCH_PASSWORD)

        colls = Collectivite.objects.bulk_create(
            [
                Collectivite(
                    name=f"Commune bench {i:04d}",
                    code=f"B{i:08d}",
                    postal_code=CITIES[i % len(CITIES)][1],
                    is_member=i % 10 != 0,
                    contact_email=f"mairie{i}@{BENCH_DOMAIN}",
                )
                for i in range(collectivites)
            ],
            batch_size=BATCH,
        )

        User.objects.create_superuser(BENCH_STAFF_EMAIL, BENCH_PASSWORD, first_names="Équipe", birth_name="Bench")
        user_rows = []
        for i in range(elus):
            verified = i % 5 != 4  # four élus in five have a verified identity
            user_rows.append(
                dict(
                    email=f"elu{i}@{BENCH_DOMAIN}",
                    password=password,
                    birth_name=f"Nom{i}",
                    first_names=f"Prénom{i}",
                    birth_date=datetime.date(1950 + i % 45, 1 + i % 12, 1 + i % 28),
                    birth_place="Tours",
                    phone_mobile="06 12 34 56 78",
                    street_number=str(1 + i % 90),
                    street_type="rue",
                    street_name="Nationale",
                    postal_code="37000",
                    city="Tours",
                    email_confirmed_at=now,
                    cgu_accepted_at=now,
                    identity_method=IdentityMethod.FRANCECONNECT if verified else "",
                    identity_verified_at=now if verified else None,
                    franceconnect_sub=f"bench-{i}" if verified else None,
                    dife_balance=Decimal(400 + (i % 3) * 200),
                    dife_balance_date=today,
                    date_joined=now,
                )
            )
        insert_rows(User, user_rows)
        pk_by_email = dict(User.objects.filter(email__startswith="elu").values_list("email", "pk"))
        users = [pk_by_email[f"elu{i}@{BENCH_DOMAIN}"] for i in range(elus)]
        functions = list(Mandate.Function.values)
        insert_rows(
            Mandate,
            [
                dict(
                    user_id=user_id,
                    collectivite_id=colls[i % len(colls)].pk,
                    function=functions[min(i % 15, len(functions) - 1)],
                    start_date=datetime.date(2020, 7, 3),
                )
                for i, user_id in enumerate(users)
            ],
        )

        organiser = Organiser.objects.create(
            name="Maison des Maires d'Indre-et-Loire", short_name="AMIL", is_default=True, email="amil@wanadoo.fr"
        )
        themes = Theme.objects.bulk_create([Theme(name=name, slug=f"theme-{i}") for i, name in enumerate(THEMES)])
        training_rows = []
        for i in range(trainings):
            title = f"{TOPICS[i % len(TOPICS)].capitalize()} : {LEVELS[(i // len(TOPICS)) % len(LEVELS)]} ({i})"
            training_rows.append(
                Training(
                    title=title,
                    slug=f"formation-bench-{i}",
                    reference=f"BENCH-{i:05d}",
                    organiser=organiser,
                    theme=themes[i % len(themes)],
                    summary=f"Comprendre {TOPICS[i % len(TOPICS)]} et agir en élu averti.",
                    strengths="Des intervenants de terrain. Des cas pratiques tirés des communes du département.",
                    objectives="Connaître le cadre juridique. Savoir lire les documents. Préparer les décisions.",
                    content="Matin : le cadre et les acteurs. Après-midi : cas pratiques et échanges.",
                    duration_hours=Decimal(7 if i % 3 else 14),
                    modality=[Modality.IN_PERSON, Modality.REMOTE, Modality.BLENDED][i % 3],
                    price=Decimal(150 + (i % 4) * 100),
                    contact="amil@wanadoo.fr — 02.47.33.37.00",
                    place="34, Place de la Préfecture, Tours",
                    is_published=i % 20 != 19,
                )
            )
        for training in training_rows:
            # bulk_create skips save(): fill what the keyword search looks into, as save() would.
            training.search_text = training.build_search_text()
        training_rows = Training.objects.bulk_create(training_rows, batch_size=BATCH)

        # Sessions spread from three years ago to one year ahead, a quarter of them still to come.
        span_days = 4 * 365
        session_rows = []
        for i in range(sessions):
            day = today + datetime.timedelta(days=-3 * 365 + (i * 7919) % span_days)
            city, postal_code = CITIES[i % len(CITIES)]
            session_rows.append(
                Session(
                    training=training_rows[i % len(training_rows)],
                    starts_at=_local(day, 9),
                    ends_at=_local(day + datetime.timedelta(days=i % 2), 17),
                    venue="34, Place de la Préfecture",
                    city=city,
                    postal_code=postal_code,
                    seats=15,
                    status=Session.Status.CANCELLED if i % 50 == 49 else Session.Status.OPEN,
                )
            )
        session_rows = Session.objects.bulk_create(session_rows, batch_size=BATCH)

        invitations = Invitation.objects.bulk_create(
            [
                Invitation(training=training_rows[i % len(training_rows)], collectivite=colls[i % len(colls)])
                for i in range(max(collectivites, trainings) * 2)
            ],
            batch_size=BATCH,
        )

        insert_rows(Dossier, self._dossiers(dossiers, users, session_rows, today, now))
        logs = []
        for dossier_id, user_id, state in Dossier.objects.values_list("pk", "user_id", "state").order_by():
            previous = ""
            for step in PATHS[state]:
                logs.append(dict(dossier_id=dossier_id, by_id=user_id, from_state=previous, to_state=step, at=now))
                previous = step
        insert_rows(DossierLog, logs)
        return {
            "collectivités": len(colls),
            "élus": len(users),
            "formations": len(training_rows),
            "sessions": len(session_rows),
            "invitations": len(invitations),
            "dossiers": dossiers,
            "log rows": len(logs),
        }

    def _dossiers(self, count, users, sessions, today, now):
        """Distinct (élu, session) pairs; a session never holds more seats than it has."""
        if count > len(users) * len(sessions):
            raise CommandError("More dossiers than (élu, session) pairs.")
        past_cycle = [DossierState.ATTENDED] * 6 + [DossierState.ACCEPTED, DossierState.REFUSED, DossierState.CANCELLED]
        future_cycle = [DossierState.SUBMITTED] * 3 + [DossierState.ACCEPTED] * 3 + [DossierState.DRAFT]
        future_cycle += [DossierState.CANCELLED]
        held = {}
        rows = []
        for i in range(count):
            user_index, k = i % len(users), i // len(users)
            session = sessions[(user_index + k) % len(sessions)]
            past = session.starts_at.date() < today
            cycle = past_cycle if past else future_cycle
            state = cycle[i % len(cycle)]
            if state in SEAT_HOLDING_STATES:
                if held.get(session.pk, 0) >= session.seats:
                    state = DossierState.WAITLISTED if not past else DossierState.CANCELLED
                else:
                    held[session.pk] = held.get(session.pk, 0) + 1
            sent = state not in (DossierState.DRAFT, DossierState.CANCELLED)
            rows.append(
                dict(
                    user_id=users[user_index],
                    session_id=session.pk,
                    state=state,
                    created_by_id=users[user_index],
                    created_at=now,
                    submitted_at=now if sent else None,
                    decided_at=now if state in (DossierState.ACCEPTED, DossierState.REFUSED) else None,
                    waitlisted_at=now if state == DossierState.WAITLISTED else None,
                    refusal_reason="Session complète." if state == DossierState.REFUSED else "",
                    cancel_reason="Empêchement." if state == DossierState.CANCELLED else "",
                )
            )
        return rows
