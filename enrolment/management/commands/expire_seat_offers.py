from django.core.management.base import BaseCommand
from django.utils import timezone

from enrolment import services
from enrolment.exceptions import EnrolmentError
from enrolment.models import Dossier, DossierState
from trainings.models import Session


class Command(BaseCommand):
    help = (
        "Annule les places de liste d'attente non confirmées à temps et propose la place à la personne "
        "suivante ; propose aussi les places libres (à lancer au moins toutes les heures)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        expired = 0
        for dossier in Dossier.objects.filter(state=DossierState.WAITLISTED, offer_expires_at__lte=now).order_by(
            "offer_expires_at", "pk"
        ):
            try:
                expired += services.expire_offer(dossier)
            except EnrolmentError as error:
                self.stderr.write(f"Dossier n° {dossier.pk} : {error}")
        offered = 0
        sessions = Session.objects.filter(
            status=Session.Status.OPEN, starts_at__gt=now, dossiers__state=DossierState.WAITLISTED
        ).distinct()
        for session in sessions:
            try:
                offered += len(services.offer_free_seats(session))
            except EnrolmentError as error:
                self.stderr.write(f"Session n° {session.pk} : {error}")
        self.stdout.write(f"{expired} proposition(s) expirée(s), {offered} place(s) proposée(s).")
