from django.db import models
from django.utils import timezone


class ConfirmationCode(models.Model):
    """A 6-digit code mailed to confirm an address (accounts.confirmation_codes). Only a keyed hash is stored."""

    code_hash = models.CharField("empreinte du code", max_length=128)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)
    failed_attempts = models.PositiveSmallIntegerField("essais manqués", default=0)

    class Meta:
        abstract = True
