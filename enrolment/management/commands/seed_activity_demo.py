"""Demo data of the dashboard and the activity report, called by `seed_demo` after the catalogue (idempotent).

Sessions held last year and this year (before today), on fixed dates of each year, with élus marked present or
absent, the AMIL's answers (some beyond 2 working days), invitations to collectivités and the links they followed;
a cancelled session; a held session whose presence is not noted (what the activity report cannot count). Running
it again adds only the sessions whose date has passed since.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Collectivite, Mandate, User
from enrolment.management.commands.seed_backoffice_demo import Command as BackofficeSeed
from enrolment.management.commands.seed_backoffice_demo import create_dossier
from enrolment.models import Dossier, DossierEvent, DossierLog, DossierState, FundingState
from trainings import deadlines
from trainings.models import Invitation, Session, Training

# (first names, birth name, collectivité code, function): the élus who took part in past sessions.
ELUS = [
    ("Anne", "Roche", "37261", Mandate.Function.ADJOINT),
    ("Marc", "Delaunay", "37261", Mandate.Function.CONSEILLER),
    ("Hélène", "Marchand", "37003", Mandate.Function.MAIRE),
    ("Louis", "Perrault", "37003", Mandate.Function.CONSEILLER_DELEGUE),
    ("Sophie", "Renaud", "37072", Mandate.Function.ADJOINT),
    ("Denis", "Fleury", "37072", Mandate.Function.CONSEILLER),
    ("Brigitte", "Caron", "37132", Mandate.Function.MAIRE),
    ("Yves", "Hubert", "37132", Mandate.Function.ADJOINT),
    ("Agnès", "Colin", "37122", Mandate.Function.CONSEILLER),
    ("Pascal", "Gautier", "37031", Mandate.Function.MAIRE),
    ("Martine", "Brunet", "37063", Mandate.Function.ADJOINT),
    ("Gilles", "Picard", "37156", Mandate.Function.CONSEILLER),
    ("Élodie", "Lemoine", "243700754", Mandate.Function.VICE_PRESIDENT_EPCI),
    ("Hervé", "Masson", "200043065", Mandate.Function.CONSEILLER_COMMUNAUTAIRE),
]
# Past sessions of each year: (month, day, training reference, élus present, élus absent, paid by the DIFE through
# Mon Compte Formation (the élus' funding track went to 'service fait validé'), working days the AMIL took to
# answer). The élus are taken in turn from ELUS.
SCHEDULE = [
    (2, 10, "AMIL-FIN-01", 6, 1, True, 1),
    (3, 17, "AMIL-URB-01", 9, 1, True, 2),
    (4, 7, "AMIL-RH-01", 5, 0, False, 3),
    (5, 19, "AMIL-FIN-02", 10, 2, True, 1),
    (6, 23, "AMIL-COM-01", 4, 1, False, 4),
    (9, 22, "AMIL-CP-01", 8, 0, True, 0),
    (10, 13, "AMIL-POL-01", 7, 1, False, 2),
    (11, 17, "AMIL-URB-02", 6, 0, True, 5),
]
CANCELLED = (4, 28, "AMIL-ENV-01")
# Held this year, presence not noted yet: the activity report lists it among what it could not count.
UNMARKED = (11, 24, "AMIL-INS-01", 3)
# Collectivités invited to each scheduled session, and how often their link was opened.
INVITED = [("37003", 14), ("37132", 9), ("243700754", 22), ("37261", 5)]


def _day(year, month, day):
    """The first working day on or after the date."""
    date = datetime.date(year, month, day)
    while not deadlines.is_working_day(date):
        date += datetime.timedelta(days=1)
    return date


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=deadlines.PARIS)


class Command(BaseCommand):
    help = "Données de démonstration du tableau de bord : sessions passées avec présences, invitations, réponses."

    @transaction.atomic
    def handle(self, *args, **options):
        today = deadlines.paris_today()
        staff = User.objects.filter(is_superuser=True).order_by("pk").first()
        elus = [self.ensure_elu(index, *spec) for index, spec in enumerate(ELUS, start=1)]
        created = 0
        for year in (today.year - 1, today.year):
            for rank, (month, day, reference, present, absent, on_mcf, answer_days) in enumerate(SCHEDULE):
                session = self.ensure_session(_day(year, month, day), reference, today)
                if session is None:
                    continue
                invitations = self.ensure_invitations(session, staff)
                # The same élus for a given session whatever the day the demo is loaded: nothing is added twice.
                first = 3 * (year + rank)
                people = [elus[(first + i) % len(elus)] for i in range(present + absent)]
                for index, elu in enumerate(people):
                    state = DossierState.ATTENDED if index < present else DossierState.ABSENT
                    invitation = invitations.get(elu.mandates.first().collectivite_id)
                    created += self.ensure_dossier(
                        elu, session, state, answer_days + index % 2, staff, invitation, paid_by_dife=on_mcf
                    )
            cancelled = self.ensure_session(_day(year, *CANCELLED[:2]), CANCELLED[2], today)
            if cancelled is not None and cancelled.status != Session.Status.CANCELLED:
                Session.objects.filter(pk=cancelled.pk).update(status=Session.Status.CANCELLED)
            month, day, reference, count = UNMARKED
            unmarked = None
            if year == today.year:
                unmarked = self.ensure_session(_day(year, month, day), reference, today)
            if unmarked is not None:
                for elu in elus[-count:]:
                    created += self.ensure_dossier(elu, unmarked, DossierState.ACCEPTED, 1, staff, None)
        if options["verbosity"]:
            self.stdout.write(f"Tableau de bord : {created} dossier(s) de sessions passées ajouté(s).")

    def ensure_elu(self, index, first_names, birth_name, code, function):
        email = f"elu.activite{index}@amil.example"
        return BackofficeSeed().ensure_elu(email, first_names, birth_name, code, function, verified=True)

    def ensure_session(self, day, reference, today):
        """The demo session of `reference` on `day` (9h–17h, Tours), if that day is before today."""
        training = Training.objects.filter(reference=reference).first()
        if training is None or day >= today:
            return None
        half_day = training.duration_hours < 4
        session, _ = Session.objects.get_or_create(
            training=training,
            starts_at=_at(day, 9),
            defaults={
                "ends_at": _at(day, 12, 30) if half_day else _at(day, 17),
                "venue": "Maison des Maires, 34 place de la Préfecture",
                "postal_code": "37000",
                "city": "Tours",
                "seats": 12,
            },
        )
        return session

    def ensure_invitations(self, session, staff):
        """{collectivité id: invitation} sent for `session` six weeks before it, with the openings of its link."""
        invitations = {}
        for code, opened in INVITED:
            collectivite = Collectivite.objects.filter(code=code).first()
            if collectivite is None:
                continue
            invitation = Invitation.objects.filter(session=session, collectivite=collectivite).first()
            if invitation is None:
                invitation = Invitation.objects.create(
                    training=session.training, session=session, collectivite=collectivite, created_by=staff
                )
                sent = session.starts_at - datetime.timedelta(days=42)
                Invitation.objects.filter(pk=invitation.pk).update(created_at=sent, open_count=opened)
            invitations[collectivite.pk] = invitation
        return invitations

    def ensure_dossier(self, elu, session, state, answer_days, staff, invitation, *, paid_by_dife=False):
        """Returns 1 when the dossier was created, 0 when it was already there."""
        if Dossier.objects.filter(user=elu, session=session).exists():
            return 0
        sent_day = deadlines.subtract_working_days(session.first_day, 20)
        submitted_at = _at(sent_day, 10)
        decided_at = _at(deadlines.add_working_days(sent_day, answer_days), 15)
        dossier = create_dossier(
            elu,
            session,
            state,
            invitation=invitation,
            submitted_at=submitted_at,
            decided_at=decided_at,
            convocation_sent_at=decided_at + datetime.timedelta(days=7),
            # Past demo data, not a transition: the élu's MCF dossier went to the end (or was never made).
            funding_state=FundingState.SERVICE_VALIDATED if paid_by_dife else FundingState.TODO,
        )
        Dossier.objects.filter(pk=dossier.pk).update(created_at=submitted_at - datetime.timedelta(hours=1))
        steps = [
            (DossierState.DRAFT, DossierState.SUBMITTED, DossierEvent.SUBMITTED, elu, submitted_at),
            (DossierState.SUBMITTED, DossierState.ACCEPTED, DossierEvent.ACCEPTED, staff, decided_at),
        ]
        if state != DossierState.ACCEPTED:
            event = DossierEvent.ATTENDED if state == DossierState.ATTENDED else DossierEvent.ABSENT
            steps.append((DossierState.ACCEPTED, state, event, staff, session.ends_at))
        for from_state, to_state, event, by, at in steps:
            log = DossierLog.objects.create(
                dossier=dossier, by=by, from_state=from_state, to_state=to_state, event=event
            )
            DossierLog.objects.filter(pk=log.pk).update(at=at)
        return 1
