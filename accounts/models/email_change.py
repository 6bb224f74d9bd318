from django.conf import settings
from django.db import models

from .confirmation_code import ConfirmationCode


class EmailChange(ConfirmationCode):
    """A change of the élu's e-mail address waiting to be confirmed with the code mailed to the new address
    (accounts.email_change). Until then the account keeps its address: signing in works with the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_change", verbose_name="élu"
    )
    new_email = models.EmailField("nouvelle adresse mail")

    class Meta:
        verbose_name = "changement d'adresse mail"
        verbose_name_plural = "changements d'adresse mail"

    def __str__(self):
        return f"Changement d'adresse mail de {self.user}"
