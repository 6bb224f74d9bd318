"""Demo data of the staff back-office, called by `seed_demo` after the catalogue (idempotent).

- Two staff members, one per staff group: gestion@amil.example and identite@amil.example.
- Sent dossiers waiting for the AMIL's answer, one of them overdue.
- An élu without FranceConnect whose identity document waits for review (spécimen files).
- A session that took place two days ago, with accepted élus to mark present or absent.
"""

import datetime
import struct
import zlib

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Collectivite, IdentityDocument, Mandate, User
from accounts.models.user import IdentityMethod
from enrolment.models import ACTIVE_STATES, Dossier, DossierEvent, DossierLog, DossierState
from trainings import deadlines
from trainings.models import Session, Training

STAFF_PASSWORD = "Demo-Staff-2026!"
ELU_PASSWORD = "Demo-Elus-2026!!"
STAFF = [
    ("gestion@amil.example", "Gestion", "Claire", "Gestionnaire formations"),
    ("identite@amil.example", "Identité", "Paul", "Vérification d'identité"),
]
# (e-mail, first names, birth name, collectivité code, function, days since the dossier was sent)
WAITING_ELUS = [
    ("elu.attente1@amil.example", "Isabelle", "Fournier", "37072", Mandate.Function.ADJOINT, 1),
    ("elu.attente2@amil.example", "Thierry", "Lambert", "37132", Mandate.Function.CONSEILLER, 6),
    ("elu.attente3@amil.example", "Valérie", "Bonnet", "37031", Mandate.Function.MAIRE, 0),
]
PIECE_ELU = ("elu.piece@amil.example", "Olivier", "Mercier", "37156", Mandate.Function.CONSEILLER_DELEGUE)
# The training whose extra session already took place, and the one whose first session receives requests.
PAST_SESSION_TRAINING = "AMIL-POL-01"
WAITING_TRAINING = "AMIL-URB-01"
PIECE_TRAINING = "AMIL-CP-01"


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def specimen_png(width=320, height=200, shade=0xC8):
    """A plain grey card-sized PNG standing for a scanned identity card (no real data)."""
    raw = b"".join(b"\x00" + bytes([shade if 8 < y < height - 8 else 0x40]) * width for y in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


def create_dossier(elu, session, state, **fields):
    """A demo dossier of `elu` for `session`, written directly in `state` (no service, no e-mail), filled in from
    the élu's account as the élu would have; `fields` add its dates and the rest."""
    return Dossier.objects.create(
        user=elu,
        session=session,
        state=state,
        created_by=elu,
        mandate=elu.mandates.select_related("collectivite").first(),
        birth_name=elu.birth_name,
        first_names=elu.first_names,
        contact_email=elu.email,
        phone_mobile=elu.phone_mobile,
        street_address="5 rue de la Mairie",
        postal_code=elu.postal_code,
        city=elu.city,
        **fields,
    )


class Command(BaseCommand):
    help = "Données de démonstration du back-office : équipe, dossiers en attente, pièce à vérifier, session passée."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        self.ensure_staff()
        waiting_session = self.first_session(WAITING_TRAINING)
        if waiting_session is not None:
            for email, first, last, code, function, days_ago in WAITING_ELUS:
                elu = self.ensure_elu(email, first, last, code, function, verified=True)
                sent_at = now - datetime.timedelta(days=days_ago, hours=1)
                self.ensure_dossier(elu, waiting_session, DossierState.SUBMITTED, sent_at)
        piece_session = self.first_open_session(PIECE_TRAINING, now)
        if piece_session is not None:
            elu = self.ensure_elu(*PIECE_ELU, verified=False)
            self.ensure_pending_document(elu)
            self.ensure_dossier(elu, piece_session, DossierState.AWAITING_IDENTITY, None)
        past = self.ensure_past_session(now)
        if past is not None:
            for elu in User.objects.filter(email__startswith="elu.demo").order_by("email")[:4]:
                self.ensure_dossier(elu, past, DossierState.ACCEPTED, past.starts_at - datetime.timedelta(days=20))
        if options["verbosity"]:
            self.stdout.write("Back-office : " + ", ".join(f"{email} / {STAFF_PASSWORD}" for email, *_ in STAFF))

    def ensure_staff(self):
        for email, last, first, group_name in STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, STAFF_PASSWORD, first_names=first, birth_name=last, is_staff=True
                )
            group = Group.objects.filter(name=group_name).first()
            if group is not None:
                user.groups.add(group)

    def ensure_elu(self, email, first, last, code, function, *, verified):
        elu = User.objects.filter(email=email).first()
        if elu is None:
            elu = User.objects.create_user(
                email,
                ELU_PASSWORD,
                first_names=first,
                birth_name=last,
                birth_date=datetime.date(1965, 3, 8),
                birth_place="Tours",
                phone_mobile="06 11 22 33 44",
                street_number="5",
                street_type="rue",
                street_name="de la Mairie",
                postal_code="37000",
                city="Tours",
                email_confirmed_at=timezone.now(),
                cgu_accepted_at=timezone.now(),
                identity_method=IdentityMethod.DOCUMENT if verified else IdentityMethod.NONE,
                identity_verified_at=timezone.now() if verified else None,
            )
        collectivite = Collectivite.objects.filter(code=code).first()
        if collectivite is not None and not elu.mandates.exists():
            Mandate.objects.create(
                user=elu, collectivite=collectivite, function=function, start_date=datetime.date(2020, 7, 3)
            )
        return elu

    def ensure_dossier(self, elu, session, state, sent_at):
        dossier = Dossier.objects.filter(user=elu, session=session, state__in=ACTIVE_STATES).first()
        if dossier is not None:
            if state == DossierState.SUBMITTED and dossier.state == state:
                # Keep the waiting time relative to today, so that one stays overdue.
                Dossier.objects.filter(pk=dossier.pk).update(submitted_at=sent_at)
            return dossier
        dossier = create_dossier(
            elu,
            session,
            state,
            submitted_at=sent_at,
            decided_at=sent_at if state == DossierState.ACCEPTED else None,
        )
        DossierLog.objects.create(dossier=dossier, by=elu, to_state=DossierState.DRAFT, event=DossierEvent.CREATED)
        if state == DossierState.AWAITING_IDENTITY:
            DossierLog.objects.create(
                dossier=dossier,
                by=elu,
                from_state=DossierState.DRAFT,
                to_state=state,
                event=DossierEvent.IDENTITY_SUBMITTED,
            )
        if state in (DossierState.SUBMITTED, DossierState.ACCEPTED):
            DossierLog.objects.create(
                dossier=dossier,
                by=elu,
                from_state=DossierState.DRAFT,
                to_state=DossierState.SUBMITTED,
                event=DossierEvent.SUBMITTED,
            )
        if sent_at is not None:
            # The demo's past: the log says when the dossier was really created and sent.
            dossier.logs.update(at=sent_at)
            Dossier.objects.filter(pk=dossier.pk).update(created_at=sent_at)
        if state == DossierState.ACCEPTED:
            DossierLog.objects.create(
                dossier=dossier,
                by=User.objects.filter(email=STAFF[0][0]).first(),
                from_state=DossierState.SUBMITTED,
                to_state=state,
                event=DossierEvent.ACCEPTED,
                note="Dossier de démonstration.",
            )
        return dossier

    def ensure_pending_document(self, elu):
        if elu.identity_documents.exists():
            return
        document = IdentityDocument(
            user=elu,
            kind=IdentityDocument.Kind.CNI,
            birth_name=elu.birth_name,
            first_names=elu.first_names,
            birth_date=elu.birth_date,
            birth_place=elu.birth_place,
            nationality="Française",
        )
        document.front.save("piece.png", ContentFile(specimen_png(shade=0xD8)), save=False)
        document.back.save("piece.png", ContentFile(specimen_png(shade=0xB0)), save=False)
        document.save()

    def first_session(self, reference):
        training = Training.objects.filter(reference=reference).first()
        return training.sessions.order_by("pk").first() if training else None

    def first_open_session(self, reference, now):
        training = Training.objects.filter(reference=reference).first()
        if training is None:
            return None
        return training.sessions.registration_open(now).order_by("starts_at").first()

    def ensure_past_session(self, now):
        """An extra session of PAST_SESSION_TRAINING that started two days ago (the demo ones come first by pk)."""
        from enrolment.management.commands.seed_demo import TRAININGS

        training = Training.objects.filter(reference=PAST_SESSION_TRAINING).first()
        if training is None:
            return None
        demo_count = next(len(spec["sessions"]) for spec in TRAININGS if spec["reference"] == PAST_SESSION_TRAINING)
        day = deadlines.paris_today(now) - datetime.timedelta(days=2)
        while not deadlines.is_working_day(day):
            day -= datetime.timedelta(days=1)
        values = {
            "starts_at": datetime.datetime.combine(day, datetime.time(9), tzinfo=deadlines.PARIS),
            "ends_at": datetime.datetime.combine(day, datetime.time(17), tzinfo=deadlines.PARIS),
            "venue": "Maison des Maires, 34 place de la Préfecture",
            "postal_code": "37000",
            "city": "Tours",
            "seats": 15,
            "status": Session.Status.OPEN,
        }
        extra = list(training.sessions.order_by("pk")[demo_count : demo_count + 1])
        if extra:
            session = extra[0]
            for name, value in values.items():
                setattr(session, name, value)
            session.save()
            return session
        return Session.objects.create(training=training, **values)
