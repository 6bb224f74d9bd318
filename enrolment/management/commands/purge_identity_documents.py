from django.core.management.base import BaseCommand

from enrolment.identity_retention import purge_identity_files


class Command(BaseCommand):
    help = (
        "Supprime les fichiers des pièces d'identité vérifiées depuis plus de IDENTITY_DOCUMENT_RETENTION_DAYS "
        "jours (à lancer chaque jour par le planificateur)."
    )

    def handle(self, *args, **options):
        count = purge_identity_files()
        self.stdout.write(f"{count} pièce(s) d'identité : fichiers supprimés.")
