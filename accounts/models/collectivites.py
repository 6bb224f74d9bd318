from django.conf import settings
from django.db import models

from dife_portal.collation import french_order


class Collectivite(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "EPCI"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    code = models.CharField(
        "code INSEE ou SIREN", max_length=9, unique=True, help_text="Code INSEE (commune) ou SIREN (EPCI)."
    )
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    is_member = models.BooleanField("adhérente à l'association", default=False)
    contact_email = models.EmailField("adresse mail de contact", blank=True)

    class Meta:
        verbose_name = "collectivité"
        verbose_name_plural = "collectivités"
        ordering = [french_order("name")]

    def __str__(self):
        return self.name


class Mandate(models.Model):
    class Function(models.TextChoices):
        MAIRE = "maire", "Maire"
        MAIRE_DELEGUE = "maire_delegue", "Maire délégué"
        ADJOINT = "adjoint", "Adjoint au maire"
        CONSEILLER_DELEGUE = "conseiller_delegue", "Conseiller municipal délégué"
        CONSEILLER = "conseiller", "Conseiller municipal"
        PRESIDENT_EPCI = "president_epci", "Président d'EPCI"
        VICE_PRESIDENT_EPCI = "vice_president_epci", "Vice-président d'EPCI"
        CONSEILLER_COMMUNAUTAIRE = "conseiller_communautaire", "Conseiller communautaire"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mandates", verbose_name="élu"
    )
    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.PROTECT, related_name="mandates", verbose_name="collectivité"
    )
    function = models.CharField("fonction", max_length=30, choices=Function.choices)
    start_date = models.DateField("début du mandat")
    end_date = models.DateField("fin du mandat", null=True, blank=True)

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_function_display()} — {self.collectivite}"
