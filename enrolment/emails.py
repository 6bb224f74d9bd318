"""E-mails of the enrolment journey: French, plain text + HTML, written to the outbox in the transaction of
the change they report and delivered after its commit (see mailing.outbox)."""

from django.conf import settings
from django.urls import reverse

from mailing.outbox import queue, render_email

from . import funding_guide

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
    "prepared": "Votre dossier d'inscription est prêt : vérifiez-le et envoyez-le",
    "convocation": "Votre convocation à la formation",
    "certificate": "Votre attestation de présence à la formation",
    "funding_proposal_sent": "Validez votre dossier sur Mon Compte Formation",
    "funding_service_declared": "Confirmez votre présence et donnez votre avis sur Mon Compte Formation",
    "funding_cancelled": "Votre dossier Mon Compte Formation est annulé",
    "funding_refused": "Votre demande sur Mon Compte Formation n'a pas été acceptée",
    "funding_expired": "Votre dossier Mon Compte Formation a expiré",
    "funding_reminder_no_request": "Faites votre demande sur Mon Compte Formation",
    "funding_reminder_proposal": "Validez votre dossier sur Mon Compte Formation : dernier jour proche",
    "satisfaction_invitation": "Votre avis sur la formation suivie",
}


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def _subject(kind):
    return f"{SUBJECTS[kind]} — {settings.ASSOCIATION['short_name']}"


def _queue(kind, to, context, attachments=()):
    context = {**context, "list_url": absolute_url(reverse("enrolment:list"))}
    return queue(to, f"emails/enrolment/{kind}", context, subject=_subject(kind), attachments=attachments)


def _dossier_context(dossier, extra):
    return {
        "dossier": dossier,
        "session": dossier.session,
        "training": dossier.session.training,
        "user": dossier.user,
        "dossier_url": absolute_url(reverse("enrolment:detail", args=[dossier.pk])),
        # The funding on Mon Compte Formation: the guide while a request is to make, else the next action.
        "mcf_guide": funding_guide.guide(dossier),
        "next_action": funding_guide.next_action(dossier),
        **extra,
    }


def dossier_email(kind, dossier, attachments=(), **extra):
    """Queue the e-mail about `dossier` for its élu. Call it inside the transaction of the change."""
    return _queue(kind, dossier.user.email, _dossier_context(dossier, extra), attachments)


def preview_dossier_email(kind, dossier, **extra):
    """What `dossier_email` would send (subject, text, html), without queueing anything: for staff previews."""
    context = {**_dossier_context(dossier, extra), "list_url": absolute_url(reverse("enrolment:list"))}
    return render_email(f"emails/enrolment/{kind}", context, subject=_subject(kind))


def identity_email(kind, document, dossiers):
    """Queue the outcome of an identity review, with a link to each dossier the élu can now continue."""
    context = {
        "document": document,
        "user": document.user,
        "dossiers": [{"dossier": d, "url": absolute_url(reverse("enrolment:detail", args=[d.pk]))} for d in dossiers],
    }
    return _queue(kind, document.user.email, context)
