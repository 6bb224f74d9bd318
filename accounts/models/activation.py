from django.conf import settings
from django.db import models
from django.utils import timezone


class ActivationCode(models.Model):
    """The 6-digit code sent to confirm a new account's e-mail address. Only a keyed hash is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_code", verbose_name="élu"
    )
    code_hash = models.CharField("empreinte du code", max_length=128)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)
    failed_attempts = models.PositiveSmallIntegerField("essais manqués", default=0)

    class Meta:
        verbose_name = "code d'activation"
        verbose_name_plural = "codes d'activation"

    def __str__(self):
        return f"Code d'activation de {self.user}"
