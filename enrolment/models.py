from django.conf import settings
from django.db import models


class DossierState(models.TextChoices):
    DRAFT = "draft", "En cours de création"
    AWAITING_IDENTITY = "awaiting_identity", "En attente de vérification d'identité"
    SUBMITTED = "submitted", "Demande envoyée"
    WAITLISTED = "waitlisted", "Liste d'attente"
    ACCEPTED = "accepted", "Validée"
    REFUSED = "refused", "Refusée"
    ATTENDED = "attended", "Formation suivie"
    ABSENT = "absent", "Absent"
    CANCELLED = "cancelled", "Annulée"


# A dossier in one of these states blocks another dossier for the same élu and session.
ACTIVE_STATES = [
    DossierState.DRAFT,
    DossierState.AWAITING_IDENTITY,
    DossierState.SUBMITTED,
    DossierState.WAITLISTED,
    DossierState.ACCEPTED,
    DossierState.ATTENDED,
    DossierState.ABSENT,
]
# A dossier in one of these states holds a seat of its session.
SEAT_HOLDING_STATES = [DossierState.SUBMITTED, DossierState.ACCEPTED, DossierState.ATTENDED, DossierState.ABSENT]


class Dossier(models.Model):
    """An élu's registration request for one session. Its state changes only through enrolment.services."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossiers", verbose_name="élu"
    )
    session = models.ForeignKey(
        "trainings.Session", on_delete=models.PROTECT, related_name="dossiers", verbose_name="session"
    )
    state = models.CharField("état", max_length=20, choices=DossierState.choices, default=DossierState.DRAFT)
    mandate = models.ForeignKey(
        "accounts.Mandate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="mandat"
    )
    invitation = models.ForeignKey(
        "trainings.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name="invitation",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    submitted_at = models.DateTimeField("envoyé le", null=True, blank=True)
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    waitlisted_at = models.DateTimeField("mis en liste d'attente le", null=True, blank=True)
    offer_expires_at = models.DateTimeField("place proposée jusqu'au", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    elu_comment = models.TextField("message de l'élu", blank=True)

    class Meta:
        verbose_name = "dossier d'inscription"
        verbose_name_plural = "dossiers d'inscription"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="one_active_dossier_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "state"])]

    def __str__(self):
        return f"Dossier n° {self.pk} — {self.user}"


class DossierLog(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="logs", verbose_name="dossier")
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    from_state = models.CharField("de", max_length=20, choices=DossierState.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=DossierState.choices)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "historique du dossier"
        verbose_name_plural = "historique des dossiers"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
