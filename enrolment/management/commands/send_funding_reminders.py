from django.core.management.base import BaseCommand

from enrolment import funding_reminders


class Command(BaseCommand):
    help = (
        "Rappels du financement Mon Compte Formation (demande non faite, proposition à valider, délais dépassés, "
        "questionnaire de satisfaction) : chacun n'est envoyé qu'une fois ; à lancer chaque jour."
    )

    def handle(self, *args, **options):
        sent = funding_reminders.send()
        self.stdout.write(
            f"{sent.no_request} rappel(s) de demande, {sent.proposals} rappel(s) de proposition à valider, "
            f"{sent.missed} délai(s) dépassé(s) signalé(s), {sent.satisfaction} invitation(s) au questionnaire."
        )
