from django.core.management.base import BaseCommand

from enrolment import digest


class Command(BaseCommand):
    help = (
        "Envoie à chaque membre de l'équipe le récapitulatif de ce qui attend (l'accueil du back-office), "
        "une fois par jour au plus, sauf à qui l'a désactivé ou quand rien n'attend (à lancer chaque matin)."
    )

    def handle(self, *args, **options):
        sent = digest.send_daily()
        self.stdout.write(f"{len(sent)} récapitulatif(s) envoyé(s).")
