import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts import services


class Command(BaseCommand):
    help = "Supprime les comptes dont l'adresse mail n'a jamais été confirmée (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--jours", type=int, default=30, help="âge minimal des comptes supprimés (30 jours)")

    def handle(self, *args, **options):
        count = services.purge_unconfirmed(timezone.now() - datetime.timedelta(days=options["jours"]))
        self.stdout.write(self.style.SUCCESS(f"{count} compte(s) non confirmé(s) supprimé(s)."))
