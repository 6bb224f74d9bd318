"""Demo data of the accounts app, called by `seed_demo` (idempotent)."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import collectivites
from accounts.email_addresses import canonical_email
from accounts.models import Collectivite, Mandate, User

DEMO_PROFILE = {
    "birth_name": "Martin",
    "first_names": "Marie",
    "birth_date": datetime.date(1968, 4, 12),
    "birth_place": "Tours",
    "phone_mobile": "06 12 34 56 78",
    "street_number": "3",
    "street_type": "rue",
    "street_name": "Nationale",
    "postal_code": "37400",
    "city": "Amboise",
}
DEMO_MANDATE = {"code": "37003", "function": Mandate.Function.MAIRE, "start_date": datetime.date(2020, 7, 3)}
# A few communes with a contact address (fictitious), so that invitations can be sent in the demo; the others show
# what staff see when an address is missing, and lead to the contacts import.
DEMO_CONTACTS = {
    "37003": "mairie@amboise.example",
    "37072": "mairie@chinon.example",
    "37132": "mairie@loches.example",
    "37261": "mairie@tours.example",
}


class Command(BaseCommand):
    help = "Collectivités (communes adhérentes) et élu de démonstration : mandat et montants de droits."

    def add_arguments(self, parser):
        parser.add_argument("--elu-email", default="elu@amil.example")

    @transaction.atomic
    def handle(self, *args, **options):
        created, _ = collectivites.load(communes_are_members=True)
        for code, email in DEMO_CONTACTS.items():
            Collectivite.objects.filter(code=code, contact_email="").update(contact_email=email)
        user = User.objects.filter(email=canonical_email(options["elu_email"])).first()
        if user is None:
            if options["verbosity"]:
                self.stdout.write(f"Collectivités : {created} créées ; pas d'élu {options['elu_email']} à compléter.")
            return
        changed = [name for name, value in DEMO_PROFILE.items() if not getattr(user, name)]
        for name in changed:
            setattr(user, name, DEMO_PROFILE[name])
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
            changed.append("email_confirmed_at")
        if user.dife_balance is None:
            user.dife_balance, user.dife_balance_date = Decimal("800.00"), timezone.localdate()
            user.cpf_balance, user.cpf_balance_date = Decimal("1250.00"), timezone.localdate()
            changed += ["dife_balance", "dife_balance_date", "cpf_balance", "cpf_balance_date"]
        if changed:
            user.save(update_fields=changed)
        if not user.mandates.exists():
            Mandate.objects.create(
                user=user,
                collectivite=Collectivite.objects.get(code=DEMO_MANDATE["code"]),
                function=DEMO_MANDATE["function"],
                start_date=DEMO_MANDATE["start_date"],
            )
        if options["verbosity"]:
            self.stdout.write(f"Collectivités : {created} créées ; élu de démonstration {user.email} complété.")
