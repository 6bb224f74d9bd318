"""What the association's team has to do, shown on the admin's home page: each item a count and a link
to the filtered list. A fixed number of queries, whatever the number of dossiers or sessions."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityDocument
from trainings import deadlines
from trainings.models import Session, Training

from . import funding_todo, rules
from .models import Dossier, DossierState

CLOSING_SOON_DAYS = 7

# Query-string values of the list filters the items link to (see enrolment.admin and admin_sessions).
WAITING_PARAM = "attente"
WAITING_ALL = "toutes"
WAITING_OVERDUE = "en_retard"
MCF_PARAM = "mcf"  # trainings.admin.McfIdentifiersFilter
MCF_WITHOUT = "sans"
IDENTITY_URGENT = "identite_urgente"
SESSION_SITUATION_PARAM = "situation"
CLOSING_SOON = "cloture_proche"
FULL = "complete"


def awaiting_answer():
    return Q(state=DossierState.SUBMITTED)


def overdue(now=None):
    """Sent dossiers waiting for the AMIL's answer for more than AMIL_RESPONSE_WORKING_DAYS working days."""
    return awaiting_answer() & Q(submitted_at__lt=rules.overdue_if_sent_before(now))


def identity_urgent(now=None):
    """Dossiers still to be sent whose élu's identity document waits for review, for a session still open whose
    last registration day comes sooner than the usual review time (enrolment.rules.identity_late_before)."""
    pending = IdentityDocument.objects.filter(user_id=OuterRef("user_id"), status=IdentityDocument.Status.PENDING)
    open_from = deadlines.paris_midnight(deadlines.earliest_open_first_day(now))
    return (
        Q(state__in=[DossierState.DRAFT, DossierState.AWAITING_IDENTITY])
        & Q(session__status=Session.Status.OPEN)
        & Q(session__starts_at__gte=open_from, session__starts_at__lt=rules.identity_late_before(now))
        & Exists(pending)
    )


def sessions_closing_soon(now=None, days=CLOSING_SOON_DAYS):
    """Open sessions whose last registration day is today or within the next `days` days."""
    today = deadlines.paris_today(now)
    first = deadlines.earliest_first_day_closing_on_or_after(today)
    after = deadlines.earliest_first_day_closing_on_or_after(today + datetime.timedelta(days=days + 1))
    return Session.objects.open().filter(
        starts_at__gte=deadlines.paris_midnight(first), starts_at__lt=deadlines.paris_midnight(after)
    )


def published_without_mcf_identifiers():
    """Published trainings whose Mon Compte Formation page the portal cannot link to."""
    return Training.objects.published().filter(Q(mcf_training_id="") | Q(mcf_action_id=""))


def full_sessions(now=None):
    """Open sessions still to come that a new request cannot get a seat in (trainings.availability)."""
    return Session.objects.open().upcoming(now).without_seats_left(now)


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str
    sub: bool = False  # a part of the item above ("dont … en retard")
    urgent: bool = False


def items_for(user, now=None):
    """The to-do items `user` may act on (each needs the view permission of its list)."""
    now = now or timezone.now()
    items = []
    if user.has_perm("enrolment.view_dossier"):
        counts = Dossier.objects.aggregate(
            waiting=Count("pk", filter=awaiting_answer()), overdue=Count("pk", filter=overdue(now))
        )
        dossiers_url = reverse("admin:enrolment_dossier_changelist")
        items.append(
            Item(
                "Dossiers en attente de réponse",
                counts["waiting"],
                f"{dossiers_url}?{WAITING_PARAM}={WAITING_ALL}",
            )
        )
        items.append(
            Item(
                f"dont en attente depuis plus de {settings.AMIL_RESPONSE_WORKING_DAYS} jours ouvrés",
                counts["overdue"],
                f"{dossiers_url}?{WAITING_PARAM}={WAITING_OVERDUE}",
                sub=True,
                urgent=counts["overdue"] > 0,
            )
        )
        items.extend(funding_todo.items(now))
    if user.has_perm("accounts.view_identitydocument"):
        pending = IdentityDocument.objects.filter(status=IdentityDocument.Status.PENDING).count()
        url = reverse("admin:accounts_identitydocument_changelist")
        items.append(Item("Pièces d'identité à vérifier", pending, f"{url}?status__exact=pending"))
        if user.has_perm("enrolment.view_dossier"):
            urgent = Dossier.objects.filter(identity_urgent(now)).count()
            items.append(
                Item(
                    "dont à vérifier en priorité : inscriptions bientôt closes",
                    urgent,
                    f"{reverse('admin:enrolment_dossier_changelist')}?{WAITING_PARAM}={IDENTITY_URGENT}",
                    sub=True,
                    urgent=urgent > 0,
                )
            )
    if user.has_perm("trainings.view_training"):
        url = reverse("admin:trainings_training_changelist")
        items.append(
            Item(
                "Formations publiées sans identifiants Mon Compte Formation",
                published_without_mcf_identifiers().count(),
                f"{url}?is_published__exact=1&{MCF_PARAM}={MCF_WITHOUT}",
            )
        )
    if user.has_perm("trainings.view_session"):
        url = reverse("admin:trainings_session_changelist")
        items.append(
            Item(
                f"Sessions dont les inscriptions ferment dans les {CLOSING_SOON_DAYS} jours",
                sessions_closing_soon(now).count(),
                f"{url}?{SESSION_SITUATION_PARAM}={CLOSING_SOON}",
            )
        )
        items.append(
            Item("Sessions à venir complètes", full_sessions(now).count(), f"{url}?{SESSION_SITUATION_PARAM}={FULL}")
        )
    return items
