from django.core.management.base import BaseCommand

from mailing.outbox import deliver


class Command(BaseCommand):
    help = "Envoie les courriels en attente (à lancer chaque minute par le planificateur)."

    def handle(self, *args, **options):
        sent, failed = deliver()
        self.stdout.write(f"{sent} courriel(s) envoyé(s), {failed} en échec (nouvel essai plus tard).")
