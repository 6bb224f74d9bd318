"""Demo data of the funding track on Mon Compte Formation, called by `seed_demo` (idempotent).

One demo élu per funding state (elu.mcf.<state>@amil.example, password below), each with a dossier the AMIL
accepted: upcoming session for the states before the training, the back-office demo's past session for the
others. States and log rows are written directly, as the other demo data: no e-mail is sent.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Mandate, User
from enrolment.models import Dossier, DossierState, FundingLog, FundingSource, FundingState
from trainings import deadlines

from .seed_backoffice_demo import ELU_PASSWORD
from .seed_backoffice_demo import Command as BackofficeDemo

S = FundingState
# The training whose next open session receives the dossiers before the training.
UPCOMING_TRAINING = "AMIL-FIN-01"
# (state, first names, birth name, collectivité code, steps before it: the path in the log)
DEMO_FUNDING = [
    (S.TODO, "Agnès", "Roux", "37261", []),
    (S.REQUESTED, "Bruno", "Faure", "37122", [S.REQUESTED]),
    (S.TO_VALIDATE, "Céline", "Girard", "37063", [S.REQUESTED, S.TO_VALIDATE]),
    (S.VALIDATED, "Daniel", "Morel", "37109", [S.REQUESTED, S.TO_VALIDATE, S.VALIDATED]),
    (S.IN_TRAINING, "Émilie", "Perrin", "37072", [S.REQUESTED, S.TO_VALIDATE, S.VALIDATED, S.IN_TRAINING]),
    (
        S.SERVICE_DECLARED,
        "François",
        "Chevalier",
        "37132",
        [S.REQUESTED, S.TO_VALIDATE, S.VALIDATED, S.IN_TRAINING, S.SERVICE_DECLARED],
    ),
    (
        S.SERVICE_VALIDATED,
        "Gaëlle",
        "Robin",
        "37031",
        [S.REQUESTED, S.TO_VALIDATE, S.VALIDATED, S.IN_TRAINING, S.SERVICE_DECLARED, S.SERVICE_VALIDATED],
    ),
    (S.CANCELLED, "Hugo", "Masson", "37156", [S.REQUESTED, S.TO_VALIDATE, S.CANCELLED]),
    (S.REFUSED, "Inès", "Lemaire", "37261", [S.REQUESTED, S.REFUSED]),
    (S.EXPIRED, "Julien", "Renard", "37122", [S.REQUESTED, S.TO_VALIDATE, S.EXPIRED]),
]
AFTER_THE_SESSION = {S.IN_TRAINING, S.SERVICE_DECLARED, S.SERVICE_VALIDATED}
NOTES = {
    S.CANCELLED: "Annulé par l'élu sur Mon Compte Formation.",
    S.REFUSED: "Demande faite pour une autre session : refusée sur Mon Compte Formation.",
    S.EXPIRED: "Proposition non validée dans les 4 jours ouvrés.",
}


def email_for(state):
    return f"elu.mcf.{state.replace('_', '-')}@amil.example"


class Command(BaseCommand):
    help = "Données de démonstration du financement sur Mon Compte Formation : un dossier par état."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        demo = BackofficeDemo()
        upcoming = demo.first_open_session(UPCOMING_TRAINING, now)
        past = demo.ensure_past_session(now)
        staff = User.objects.filter(is_staff=True).order_by("pk").first()
        for index, (state, first, last, code, steps) in enumerate(DEMO_FUNDING):
            session = past if state in AFTER_THE_SESSION else upcoming
            if session is None:
                continue
            elu = demo.ensure_elu(email_for(state), first, last, code, Mandate.Function.CONSEILLER, verified=True)
            sent_at = min(now, session.starts_at) - datetime.timedelta(days=20)
            dossier = demo.ensure_dossier(elu, session, DossierState.ACCEPTED, sent_at)
            if dossier.funding_state == state:
                continue
            self.walk(dossier, steps, staff, number=f"{7100000000 + index}", now=now)
        if options["verbosity"]:
            self.stdout.write(f"Financement Mon Compte Formation : elu.mcf.<état>@amil.example / {ELU_PASSWORD}")

    def walk(self, dossier, steps, staff, *, number, now):
        """Move the dossier along `steps`, one log row each, with the dates each step sets."""
        today = deadlines.paris_today(now)
        session = dossier.session
        from_state = dossier.funding_state
        for step in steps:
            elu_step = step == S.REQUESTED
            FundingLog.objects.create(
                dossier=dossier,
                by=dossier.user if elu_step else staff,
                source=FundingSource.ELU if elu_step else FundingSource.STAFF,
                from_state=from_state,
                to_state=step,
                note=NOTES.get(step, f"Dossier Mon Compte Formation n° {number}." if elu_step else ""),
            )
            from_state = step
        if steps:
            # A demo dossier of an earlier run (its session since moved) gives its number up.
            Dossier.objects.filter(mcf_number=number).exclude(pk=dossier.pk).update(mcf_number="")
            dossier.mcf_number = number
            dossier.mcf_requested_at = now - datetime.timedelta(days=1)
        if S.TO_VALIDATE in steps:
            dossier.proposal_sent_on = today
        if S.IN_TRAINING in steps:
            dossier.entry_declared_on = session.first_day
        if S.SERVICE_DECLARED in steps:
            dossier.service_declared_on = session.last_day
        dossier.funding_state = from_state
        dossier.funding_state_since = now
        dossier.save()
