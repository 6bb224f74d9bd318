"""Certificates of attendance sent by e-mail: "Envoyer les attestations" gives each élu marked present at a session
their certificate (PDF), once, through the outbox."""

from django.db import transaction
from django.utils import timezone

from . import attendance, documents, emails, services
from .exceptions import EnrolmentError
from .models import DossierEvent, DossierState


class CertificateAlreadySent(EnrolmentError):
    message = "L'attestation de cet élu lui a déjà été envoyée."


def is_due(dossier):
    """Whether the élu is marked present and their certificate has not been e-mailed yet."""
    return dossier.state == DossierState.ATTENDED and dossier.certificate_sent_at is None


def to_send(session):
    """The élus marked present at `session` whose certificate has not been e-mailed yet, sorted by name."""
    return [d for d in attendance.attended(session) if is_due(d)]


def send_certificate(dossier, *, by, pdf=None):
    """E-mail the élu their certificate of attendance (PDF attached), once; logged on the dossier.

    `pdf` is the certificate already rendered (a batch lays them out together); it is rendered here otherwise.
    Raises NotAttended unless the élu is marked present, CertificateAlreadySent when it was sent before.
    """
    with transaction.atomic():
        dossier = services.lock_dossier(dossier.pk)
        if dossier.state != DossierState.ATTENDED:
            raise documents.NotAttended()
        if dossier.certificate_sent_at is not None:
            raise CertificateAlreadySent()
        filename = documents.certificate_filename(dossier)
        if pdf is None:
            filename, pdf = documents.certificate(dossier)
        dossier.certificate_sent_at = timezone.now()
        dossier.save(update_fields=["certificate_sent_at"])
        services.log_event(dossier, by, dossier.state, DossierEvent.CERTIFICATE_SENT)
        emails.dossier_email(
            "certificate",
            dossier,
            attachments=[(filename, pdf, documents.PDF_CONTENT_TYPE)],
            hours=attendance.hours_attended(dossier),
        )
    return dossier


def rendered_for_sending(session):
    """[(dossier, PDF)] of the certificates still to e-mail for `session`, laid out in one pass."""
    return documents.certificates_for(session, to_send(session))
