from django.core.management.base import BaseCommand

from accounts import collectivites


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les communes et EPCI du département depuis accounts/data/collectivites_37.csv "
        "(idempotent ; garde l'adhésion et l'adresse de contact saisies par l'équipe)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--communes-adherentes",
            action="store_true",
            help="les communes créées par cette commande sont marquées adhérentes (données de démonstration)",
        )

    def handle(self, *args, **options):
        created, updated = collectivites.load(communes_are_members=options["communes_adherentes"])
        self.stdout.write(self.style.SUCCESS(f"Collectivités : {created} créées, {updated} mises à jour."))
