import uuid

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


class FundingState(models.TextChoices):
    """The élu's dossier on Mon Compte Formation, which the DIFE pays through (see enrolment/funding.py)."""

    TODO = "todo", "À faire sur Mon Compte Formation"
    REQUESTED = "requested", "Demande envoyée sur Mon Compte Formation"
    TO_VALIDATE = "to_validate", "Proposition à valider"
    VALIDATED = "validated", "Validée, payée par le DIFE"
    IN_TRAINING = "in_training", "En formation"
    SERVICE_DECLARED = "service_declared", "Service fait déclaré"
    SERVICE_VALIDATED = "service_validated", "Service fait validé"
    CANCELLED = "cancelled", "Annulée"
    REFUSED = "refused", "Refusée"
    EXPIRED = "expired", "Expirée"


class FundingSource(models.TextChoices):
    ELU = "elu", "Élu"
    STAFF = "staff", "Équipe"
    IMPORT = "import", "Import Mon Compte Formation"
    SYSTEM = "system", "Automatique"


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
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    convocation_sent_at = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    certificate_sent_at = models.DateTimeField("attestation envoyée le", null=True, blank=True)

    # What the AMIL receives: pre-filled from the élu's account, editable while the dossier is a draft.
    # The verified identity (names, birth) is copied from the account when the dossier is sent.
    birth_name = models.CharField("nom de naissance", max_length=150, blank=True)
    usage_name = models.CharField("nom d'usage ou marital", max_length=150, blank=True)
    first_names = models.CharField("prénoms", max_length=200, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    birth_place = models.CharField("lieu de naissance", max_length=150, blank=True)
    nationality = models.CharField("nationalité", max_length=100, blank=True)
    contact_email = models.EmailField("adresse mail", blank=True)
    phone_mobile = models.CharField("téléphone mobile", max_length=20, blank=True)
    phone_landline = models.CharField("téléphone fixe", max_length=20, blank=True)
    street_address = models.CharField("adresse", max_length=300, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=150, blank=True)
    mandate_label = models.CharField(
        "mandat (fonction et collectivité)",
        max_length=200,
        blank=True,
        help_text="Utilisé quand aucun mandat n'est enregistré dans le compte.",
    )

    # The funding track on Mon Compte Formation, separate from the AMIL's decision (`state`); it changes only through
    # enrolment.funding. Meaningful once the dossier is sent to the AMIL.
    funding_state = models.CharField(
        "financement Mon Compte Formation", max_length=20, choices=FundingState.choices, default=FundingState.TODO
    )
    funding_state_since = models.DateTimeField("étape de financement depuis le", null=True, blank=True)
    mcf_number = models.CharField("n° de dossier Mon Compte Formation", max_length=12, blank=True)
    mcf_requested_at = models.DateTimeField("demande Mon Compte Formation enregistrée le", null=True, blank=True)
    proposal_sent_on = models.DateField("proposition envoyée le", null=True, blank=True)
    entry_declared_on = models.DateField("entrée en formation déclarée le", null=True, blank=True)
    service_declared_on = models.DateField("service fait déclaré le", null=True, blank=True)

    class Meta:
        verbose_name = "dossier d'inscription"
        verbose_name_plural = "dossiers d'inscription"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="one_active_dossier_per_session",
            ),
            models.UniqueConstraint(
                fields=["mcf_number"], condition=~models.Q(mcf_number=""), name="unique_mcf_number_when_set"
            ),
        ]
        indexes = [
            # Every column the seat count of a session reads (enrolment.seats): counted from the index alone.
            models.Index(fields=["session", "state", "offer_expires_at"], name="dossier_session_seats"),
            models.Index(fields=["funding_state", "session"], name="dossier_funding_state"),
        ]

    def __str__(self):
        return f"Dossier n° {self.pk} — {self.user}"

    @property
    def is_active(self):
        return self.state in ACTIVE_STATES

    @property
    def holds_seat(self):
        return self.state in SEAT_HOLDING_STATES

    @property
    def is_editable(self):
        """The élu may still change the information sent to the AMIL."""
        return self.state in (DossierState.DRAFT, DossierState.AWAITING_IDENTITY)

    @property
    def prepared_by_staff(self):
        """Started by the association's team on the élu's behalf (assisted enrolment)."""
        return self.created_by_id is not None and self.created_by_id != self.user_id

    def has_pending_offer(self, now):
        return (
            self.state == DossierState.WAITLISTED and self.offer_expires_at is not None and self.offer_expires_at > now
        )


class DossierEvent(models.TextChoices):
    """What happened, for the élu's dated timeline (a state alone does not say it: an offer keeps the state)."""

    CREATED = "created", "Dossier créé"
    IDENTITY_SUBMITTED = "identity_submitted", "Pièce d'identité envoyée"
    IDENTITY_ACCEPTED = "identity_accepted", "Identité vérifiée"
    IDENTITY_REJECTED = "identity_rejected", "Pièce d'identité refusée"
    SUBMITTED = "submitted", "Demande envoyée"
    WAITLISTED = "waitlisted", "Demande envoyée — inscrite sur la liste d'attente"
    SEAT_OFFERED = "seat_offered", "Une place vous est proposée"
    OFFER_CONFIRMED = "offer_confirmed", "Place confirmée"
    OFFER_EXPIRED = "offer_expired", "Place proposée non confirmée à temps"
    ACCEPTED = "accepted", "Inscription validée par l'AMIL"
    REFUSED = "refused", "Demande refusée par l'AMIL"
    CANCELLED = "cancelled", "Demande annulée"
    ATTENDED = "attended", "Formation suivie"
    ABSENT = "absent", "Absent à la formation"
    CONVOCATION_SENT = "convocation_sent", "Convocation envoyée"
    CERTIFICATE_SENT = "certificate_sent", "Attestation de présence envoyée"


# The timeline's words for an event and for a state (DossierLog.label).
EVENT_LABELS = dict(DossierEvent.choices)
STATE_LABELS = dict(DossierState.choices)


class SatisfactionAnswer(models.Model):
    """One participant's answer to the satisfaction questionnaire (enrolment.satisfaction), kept apart from who gave
    it: only the session is recorded, and a random key, so that no one can tell whose answer it is."""

    class Objectives(models.TextChoices):
        YES = "oui", "Oui"
        PARTLY = "en_partie", "En partie"
        NO = "non", "Non"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        "trainings.Session", on_delete=models.CASCADE, related_name="satisfaction_answers", verbose_name="session"
    )
    overall = models.PositiveSmallIntegerField("appréciation générale (1 à 5)")
    objectives_met = models.CharField("objectifs atteints", max_length=10, choices=Objectives.choices)
    usefulness = models.PositiveSmallIntegerField("utilité pour le mandat (1 à 5)")
    would_recommend = models.BooleanField("recommanderait la formation")
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "réponse au questionnaire de satisfaction"
        verbose_name_plural = "réponses au questionnaire de satisfaction"
        constraints = [
            models.CheckConstraint(condition=models.Q(overall__gte=1, overall__lte=5), name="satisfaction_overall_1_5"),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5), name="satisfaction_usefulness_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(objectives_met__in=["oui", "en_partie", "non"]), name="satisfaction_objectives_known"
            ),
        ]

    def __str__(self):
        return f"Réponse au questionnaire — {self.session}"


class SatisfactionReceipt(models.Model):
    """That a participant has answered: one per dossier, enforced by the database (the answer itself is anonymous)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="satisfaction_receipt", verbose_name="dossier"
    )
    answered_on = models.DateField("répondu le")

    class Meta:
        verbose_name = "participation au questionnaire de satisfaction"
        verbose_name_plural = "participations au questionnaire de satisfaction"

    def __str__(self):
        return f"{self.dossier} — a répondu le {self.answered_on:%d/%m/%Y}"


class DossierLog(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="logs", verbose_name="dossier")
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    from_state = models.CharField("de", max_length=20, choices=DossierState.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=DossierState.choices)
    event = models.CharField("événement", max_length=20, choices=DossierEvent.choices, blank=True)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "historique du dossier"
        verbose_name_plural = "historique des dossiers"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

    @property
    def label(self):
        """What the timeline says: the event, or the state reached for a log without one (as get_FOO_display)."""
        if self.event:
            return EVENT_LABELS.get(self.event, self.event)
        return STATE_LABELS.get(self.to_state, self.to_state)


class FundingLog(models.Model):
    """One step of a dossier's funding track: who, when, from, to, and where the news came from."""

    Source = FundingSource

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="funding_logs", verbose_name="dossier")
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    source = models.CharField("source", max_length=10, choices=FundingSource.choices)
    from_state = models.CharField("de", max_length=20, choices=FundingState.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=FundingState.choices)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "étape du financement Mon Compte Formation"
        verbose_name_plural = "historique du financement Mon Compte Formation"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class FundingReminder(models.Model):
    """That one reminder of the funding track was sent for a dossier (enrolment.funding_reminders): unique, so that a
    reminder goes out once however often, and however many times at once, the command runs."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="funding_reminders", verbose_name="dossier"
    )
    kind = models.CharField("rappel", max_length=30)
    key = models.CharField("occurrence", max_length=30, blank=True)  # e.g. the proposal's day: one per proposal
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel du financement Mon Compte Formation"
        verbose_name_plural = "rappels du financement Mon Compte Formation"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "key"], name="one_funding_reminder_per_occurrence")
        ]

    def __str__(self):
        return f"{self.kind} — {self.dossier}"


class StaffDigestPreference(models.Model):
    """A staff member's daily summary of what waits (the admin home's to-do), sent by `send_staff_digest`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_digest",
        verbose_name="membre de l'équipe",
    )
    enabled = models.BooleanField("recevoir le récapitulatif quotidien par e-mail", default=True)
    # The Paris date of the last summary sent: one a day, however often the command runs.
    last_sent_on = models.DateField("dernier récapitulatif envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "récapitulatif quotidien de l'équipe"
        verbose_name_plural = "récapitulatifs quotidiens de l'équipe"

    def __str__(self):
        return f"{self.user} — {'activé' if self.enabled else 'désactivé'}"
