"""Demo answers to the satisfaction questionnaire, called by `seed_demo` (idempotent): the back-office demo's past
session gets a few anonymous answers, so that its results page (Session → Participants → "Questionnaire de
satisfaction") and the CSV show something."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from enrolment.models import SatisfactionAnswer

from .seed_backoffice_demo import Command as BackofficeDemo

# (overall, objectives met, usefulness, would recommend, comment)
ANSWERS = [
    (5, "oui", 5, True, "Très concret : les exemples de budgets de communes du département m'ont beaucoup servi."),
    (4, "oui", 4, True, "Bon rythme. Un support à emporter serait utile."),
    (4, "en_partie", 3, True, "Un peu court sur le plan pluriannuel d'investissement."),
    (3, "en_partie", 4, False, ""),
]


class Command(BaseCommand):
    help = "Données de démonstration du questionnaire de satisfaction : quelques réponses sur la session passée."

    @transaction.atomic
    def handle(self, *args, **options):
        session = BackofficeDemo().ensure_past_session(timezone.now())
        if session is None or SatisfactionAnswer.objects.filter(session=session).exists():
            return
        SatisfactionAnswer.objects.bulk_create(
            SatisfactionAnswer(
                session=session,
                overall=overall,
                objectives_met=objectives,
                usefulness=usefulness,
                would_recommend=recommend,
                comment=comment,
            )
            for overall, objectives, usefulness, recommend, comment in ANSWERS
        )
