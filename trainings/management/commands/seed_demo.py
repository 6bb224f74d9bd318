"""Demo data for `make run`: idempotent, dates relative to today."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from trainings.models import Organiser, Session, Theme, Training

DEMO_STAFF_EMAIL = "staff@amil.example"
DEMO_STAFF_PASSWORD = "Demo-Staff-2026!"
DEMO_ELU_EMAIL = "elu@amil.example"
DEMO_ELU_PASSWORD = "Demo-Elu-2026!!"


def at(days, hour):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


TRAININGS = [
    # (reference, title, theme, modality, hours, price, sessions as (days ahead, seats))
    ("AMIL-BUD-02", "Budget communal niveau confirmé", "Finances locales", "centre", 7, "150.00", [(40, 15), (12, 15)]),
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        amil, _ = Organiser.objects.get_or_create(
            is_default=True,
            defaults={
                "name": "Maison des Maires d'Indre-et-Loire",
                "short_name": "AMIL",
                "address": "34, Place de la Préfecture, 37020 Tours Cedex 01",
                "phone": "02.47.33.37.00",
                "email": "amil@wanadoo.fr",
            },
        )
        for ref, title, theme_name, modality, hours, price, sessions in TRAININGS:
            theme, _ = Theme.objects.get_or_create(
                name=theme_name, defaults={"slug": theme_name.lower().replace(" ", "-")}
            )
            training, created = Training.objects.get_or_create(
                reference=ref,
                defaults=dict(
                    title=title,
                    organiser=amil,
                    theme=theme,
                    modality=modality,
                    duration_hours=Decimal(hours),
                    price=Decimal(price),
                    summary=title,
                    objectives="",
                    content="",
                    is_published=True,
                ),
            )
            if created:
                for days, seats in sessions:
                    Session.objects.create(
                        training=training,
                        starts_at=at(days, 9),
                        ends_at=at(days, 17),
                        venue="34, Place de la Préfecture",
                        city="Tours",
                        postal_code="37000",
                        seats=seats,
                    )
        if not User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
            User.objects.create_superuser(
                DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, first_names="Équipe", birth_name="AMIL"
            )
        if not User.objects.filter(email=DEMO_ELU_EMAIL).exists():
            User.objects.create_user(
                DEMO_ELU_EMAIL,
                DEMO_ELU_PASSWORD,
                first_names="Marie",
                birth_name="Martin",
                email_confirmed_at=timezone.now(),
                cgu_accepted_at=timezone.now(),
            )
        call_command("seed_accounts_demo", elu_email=DEMO_ELU_EMAIL, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
