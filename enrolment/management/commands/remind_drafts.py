from django.conf import settings
from django.core.management.base import BaseCommand

from enrolment import services


class Command(BaseCommand):
    help = (
        "Envoie un rappel aux élus dont le dossier n'est pas envoyé quand la date limite d'inscription est à "
        "DRAFT_REMINDER_DAYS jours ou moins (un seul rappel par dossier ; à lancer chaque jour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.DRAFT_REMINDER_DAYS)

    def handle(self, *args, **options):
        reminded = services.send_draft_reminders(days=options["days"])
        self.stdout.write(f"{len(reminded)} rappel(s) envoyé(s).")
