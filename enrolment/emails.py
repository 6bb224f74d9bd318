"""E-mails of the enrolment journey: French, plain text + HTML, sent only once the transaction commits."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

SUBJECTS = {
    "submitted": "Votre demande d'inscription est envoyée",
    "waitlisted": "Votre demande d'inscription est sur la liste d'attente",
    "identity_accepted": "Votre identité est vérifiée : vous pouvez poursuivre votre inscription",
    "identity_rejected": "Votre pièce d'identité n'a pas pu être acceptée",
    "accepted": "Votre inscription est validée",
    "refused": "Votre demande d'inscription n'a pas été retenue",
    "seat_offered": "Une place se libère : confirmez votre inscription",
    "cancelled": "Votre demande d'inscription est annulée",
    "draft_reminder": "Votre dossier d'inscription n'est pas encore envoyé",
}


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def _send(kind, to, context):
    context = {
        **context,
        "association": settings.ASSOCIATION,
        "site_url": settings.SITE_URL,
        "list_url": absolute_url(reverse("enrolment:list")),
    }
    subject = f"{SUBJECTS[kind]} — {settings.ASSOCIATION['short_name']}"
    text = render_to_string(f"emails/enrolment/{kind}.txt", context)
    html = render_to_string(f"emails/enrolment/{kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_after_commit(kind, to, context):
    """Schedule an e-mail for after the commit; a mail server failure is logged, never undoes the change."""
    transaction.on_commit(lambda: _send(kind, to, context), robust=True)


def dossier_email(kind, dossier, **extra):
    context = {
        "dossier": dossier,
        "session": dossier.session,
        "training": dossier.session.training,
        "user": dossier.user,
        "dossier_url": absolute_url(reverse("enrolment:detail", args=[dossier.pk])),
        **extra,
    }
    send_after_commit(kind, dossier.user.email, context)


def identity_email(kind, document, dossiers):
    context = {
        "document": document,
        "user": document.user,
        "dossiers": [{"dossier": d, "url": absolute_url(reverse("enrolment:detail", args=[d.pk]))} for d in dossiers],
    }
    send_after_commit(kind, document.user.email, context)
