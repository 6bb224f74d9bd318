import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from dife_portal.collation import french_order

from . import availability, deadlines, mcf
from .normalization import searchable


class Organiser(models.Model):
    name = models.CharField("nom", max_length=200)
    short_name = models.CharField("sigle", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse mail", blank=True)
    is_default = models.BooleanField("organisateur par défaut", default=False)

    class Meta:
        verbose_name = "organisateur"
        verbose_name_plural = "organisateurs"
        ordering = [french_order("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_organiser"
            )
        ]

    def __str__(self):
        return self.name


class Theme(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = [french_order("name")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The theme's name is part of each training's search text: keep them in step.
        trainings = list(self.trainings.all())
        for training in trainings:
            training.theme = self
            training.search_text = training.build_search_text()
        Training.objects.bulk_update(trainings, ["search_text"])


class Modality(models.TextChoices):
    IN_PERSON = "centre", "Formation en centre"
    REMOTE = "distance", "Formation à distance"
    BLENDED = "mixte", "Formation mixte (en centre et à distance)"


class TrainingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Training(models.Model):
    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField(max_length=200, blank=True)
    reference = models.CharField("référence", max_length=30, unique=True)
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="trainings", verbose_name="organisateur"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="trainings", verbose_name="thème")
    summary = models.TextField("résumé")
    strengths = models.TextField("les points forts de cette formation", blank=True)
    objectives = models.TextField("objectifs")
    content = models.TextField("contenu (programme)")
    audience = models.CharField("public", max_length=300, blank=True, default="Élus locaux")
    prerequisites = models.CharField("prérequis", max_length=300, blank=True, default="Aucun")
    duration_hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1)
    modality = models.CharField("modalité", max_length=10, choices=Modality.choices, default=Modality.IN_PERSON)
    price = models.DecimalField("prix", max_digits=8, decimal_places=2)
    has_exam = models.BooleanField(
        "avec examen",
        default=False,
        help_text="Cochée, le prix est suivi de la mention « frais d'examen non inclus ».",
    )
    financing_aids = models.TextField("aides au financement", blank=True)
    accessibility = models.CharField(
        "accessibilité",
        max_length=300,
        blank=True,
        default="Bâtiment conforme aux normes d'accessibilité",
        help_text="Celle du bâtiment : elle n'est pas affichée pour une formation à distance.",
    )
    contact = models.CharField("contact", max_length=300, blank=True)
    place = models.CharField("lieu de formation", max_length=300, blank=True)
    transport = models.TextField("transport", blank=True)
    mcf_training_id = models.CharField(
        "identifiant de la formation sur Mon Compte Formation",
        max_length=100,
        blank=True,
        validators=[mcf.validate_identifier],
        help_text=mcf.IDENTIFIER_HELP,
    )
    mcf_action_id = models.CharField(
        "identifiant de l'action sur Mon Compte Formation",
        max_length=100,
        blank=True,
        validators=[mcf.validate_identifier],
        help_text="Le second identifiant de l'adresse (par exemple 12345678900012_BUDGET-TOURS).",
    )
    is_published = models.BooleanField("publiée", default=False)
    # Folded title, reference, summary, objectives and theme: what the keyword search looks into.
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "formation"
        verbose_name_plural = "formations"
        ordering = [french_order("title")]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="training_price_not_negative"),
            models.CheckConstraint(condition=models.Q(duration_hours__gt=0), name="training_duration_positive"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200] or "formation"
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trainings:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def moncompteformation_url(self):
        """This training's page on Mon Compte Formation, or "" until staff enter its identifiers."""
        return mcf.exact_url(self)

    @property
    def has_mcf_identifiers(self):
        return mcf.has_identifiers(self)

    @property
    def building_accessibility(self):
        """The accessibility of the training's building, or "" for a training given only at a distance."""
        return "" if self.modality == Modality.REMOTE else self.accessibility

    def build_search_text(self):
        theme_name = self.theme.name if self.theme_id else ""
        return searchable(self.title, self.reference, theme_name, self.summary, self.objectives)


# What a list of sessions needs of their seats (see SessionQuerySet.with_seats_left).
LIST_FIELDS = ("seats_unavailable", "seats_offers_end")


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Sessions that have not started yet."""
        return self.filter(starts_at__gt=now or timezone.now())

    def open(self):
        """Sessions that are not cancelled."""
        return self.filter(status=Session.Status.OPEN)

    def registration_open(self, now=None):
        """Non-cancelled sessions whose registration deadline has not passed (see trainings.deadlines)."""
        first_day = deadlines.earliest_open_first_day(now)
        start = deadlines.paris_midnight(first_day)
        return self.open().filter(starts_at__gte=start)

    def with_availability(self, now=None):
        """Annotate what `Session.availability` reads: the seats held and reserved at `now` (one subquery each,
        whatever the number of sessions; see trainings.availability)."""
        return self.annotate(**availability.annotations(now or timezone.now()))

    def with_seats_left(self, now=None):
        """Annotate only what `seats_left`, `is_full` and `seat_offers_end` read (for pages listing sessions)."""
        return self.annotate(**availability.annotations(now or timezone.now(), LIST_FIELDS))

    def having_seats_left(self, now=None):
        """Sessions a new request would get a seat in (`Availability.left` > 0), counted in the database."""
        unavailable = availability.annotations(now or timezone.now(), ["seats_unavailable"])["seats_unavailable"]
        return self.filter(seats__gt=unavailable)

    def without_seats_left(self, now=None):
        unavailable = availability.annotations(now or timezone.now(), ["seats_unavailable"])["seats_unavailable"]
        return self.filter(seats__lte=unavailable)


class Session(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Ouverte"
        CANCELLED = "cancelled", "Annulée"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions", verbose_name="formation")
    starts_at = models.DateTimeField("début (premier jour)")
    ends_at = models.DateTimeField("fin (dernier jour)")
    venue = models.CharField("adresse du lieu", max_length=300, blank=True)
    city = models.CharField("ville", max_length=150, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    seats = models.PositiveIntegerField("nombre de places", default=settings.DEFAULT_SESSION_SEATS)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.OPEN)
    mcf_action_id = models.CharField(
        "identifiant de l'action sur Mon Compte Formation",
        max_length=100,
        blank=True,
        validators=[mcf.validate_identifier],
        help_text="Seulement si cette session appartient à une autre action que celle de la formation "
        "(un autre lieu, par exemple). Laissez vide sinon.",
    )
    mcf_session_id = models.CharField(
        "numéro de la session sur Mon Compte Formation",
        max_length=100,
        blank=True,
        help_text="Tel qu'il figure dans votre espace EDOF : il sert à reconnaître la session dans la liste des "
        "dossiers importée.",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="session_seats_positive"),
        ]
        indexes = [
            models.Index(fields=["starts_at"]),
            # A training's next sessions in date order: the search's "next (bookable) session" per training and the
            # training page read a few index entries, whatever the number of sessions in the catalogue.
            models.Index(fields=["training", "starts_at"], name="session_training_starts_at"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at).strftime("%d/%m/%Y")
        return f"{self.training.title} — {start}"

    @property
    def moncompteformation_url(self):
        """This session's training (and action) on Mon Compte Formation, or "" without identifiers."""
        return mcf.exact_url(self.training, self)

    @property
    def first_day(self):
        return timezone.localdate(self.starts_at, deadlines.PARIS)

    @property
    def last_day(self):
        return timezone.localdate(self.ends_at, deadlines.PARIS)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def last_registration_day(self):
        """The last Paris date on which a dossier for this session may be sent (see trainings.deadlines)."""
        return deadlines.last_registration_day(self.first_day)

    @property
    def is_registration_open(self):
        return not self.is_cancelled and deadlines.is_registration_open(self.first_day)

    @property
    def registration_days_left(self):
        return deadlines.days_left(self.first_day)

    @property
    def availability(self):
        """The seats of this session (counted again if it was not read `with_availability()`)."""
        if not hasattr(self, "seats_taken"):
            counted = Session.objects.with_availability().values(*availability.FIELDS).get(pk=self.pk)
            for name, value in counted.items():
                setattr(self, name, value)
        return availability.of(self)

    @property
    def seats_left(self):
        """Seats a new request would get (`Availability.left`)."""
        if hasattr(self, "seats_unavailable"):
            return max(0, self.seats - self.seats_unavailable)
        return self.availability.left

    @property
    def is_full(self):
        return self.seats_left == 0

    @property
    def seat_offers_end(self):
        """When the first waiting-list offer still running for this session ends (None without one)."""
        if hasattr(self, "seats_offers_end"):
            return self.seats_offers_end
        return self.availability.offers_end

    @property
    def can_create_dossier(self):
        """Whether the page offers "Créer mon dossier d'inscription" for this session."""
        return self.is_registration_open and not self.is_full


def new_invitation_token():
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link sent to a collectivité that opens a training (or one session) page without login."""

    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="invitations", verbose_name="formation"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name="session"
    )
    collectivite = models.ForeignKey(
        "accounts.Collectivite",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="collectivité",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    open_count = models.PositiveIntegerField("ouvertures", default=0)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self):
        target = self.collectivite or "toutes les collectivités"
        return f"{self.training} — {target}"
