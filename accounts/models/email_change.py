from django.conf import settings
from django.db import models
from django.utils import timezone


class EmailChange(models.Model):
    """A change of the élu's e-mail address waiting to be confirmed from the new address (accounts.email_change).
    Until then the account keeps its address: signing in works with the old one. Only a keyed hash of the code is
    stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_change", verbose_name="élu"
    )
    new_email = models.EmailField("nouvelle adresse mail")
    code_hash = models.CharField("empreinte du code", max_length=128)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    failed_attempts = models.PositiveSmallIntegerField("essais manqués", default=0)

    class Meta:
        verbose_name = "changement d'adresse mail"
        verbose_name_plural = "changements d'adresse mail"

    def __str__(self):
        return f"Changement d'adresse mail de {self.user}"
