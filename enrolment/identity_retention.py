"""Retention of identity document files (GDPR minimisation): deleted a few days after the review."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import IdentityDocument


def documents_to_purge(now=None):
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.IDENTITY_DOCUMENT_RETENTION_DAYS)
    return IdentityDocument.objects.filter(
        status__in=[IdentityDocument.Status.ACCEPTED, IdentityDocument.Status.REJECTED],
        reviewed_at__lte=limit,
        files_deleted_at__isnull=True,
    ).order_by("pk")


def purge_identity_files(now=None):
    """Delete the files of documents reviewed more than IDENTITY_DOCUMENT_RETENTION_DAYS ago.

    The row stays (who reviewed it, when, the outcome): it is the trace of the verification.
    Returns the number of documents purged.
    """
    now = now or timezone.now()
    purged = 0
    for document in documents_to_purge(now):
        with transaction.atomic():
            locked = IdentityDocument.objects.select_for_update().get(pk=document.pk)
            if locked.files_deleted_at is not None:
                continue
            locked.delete_files()
            locked.files_deleted_at = now
            locked.save(update_fields=["front", "back", "files_deleted_at"])
            purged += 1
    return purged
