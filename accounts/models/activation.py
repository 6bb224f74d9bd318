from django.conf import settings
from django.db import models

from .confirmation_code import ConfirmationCode


class ActivationCode(ConfirmationCode):
    """The code sent to confirm a new account's e-mail address (accounts.activation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_code", verbose_name="élu"
    )

    class Meta:
        verbose_name = "code d'activation"
        verbose_name_plural = "codes d'activation"

    def __str__(self):
        return f"Code d'activation de {self.user}"
