from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.email_addresses import canonical_email
from dife_portal.collation import french_order


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=canonical_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        """The account signing in: an exact match on the canonical spelling, never the database's own
        case-insensitive comparison (PostgreSQL folds 'ı' into 'I')."""
        return self.get(email=canonical_email(username))


class StreetRepetition(models.TextChoices):
    BIS = "B", "bis"
    TER = "T", "ter"
    QUATER = "Q", "quater"
    QUINQUIES = "C", "quinquies"


class StreetType(models.TextChoices):
    RUE = "rue", "Rue"
    AVENUE = "avenue", "Avenue"
    BOULEVARD = "boulevard", "Boulevard"
    PLACE = "place", "Place"
    ALLEE = "allee", "Allée"
    CHEMIN = "chemin", "Chemin"
    IMPASSE = "impasse", "Impasse"
    ROUTE = "route", "Route"
    QUAI = "quai", "Quai"
    COURS = "cours", "Cours"
    SQUARE = "square", "Square"
    LIEU_DIT = "lieu_dit", "Lieu-dit"
    HAMEAU = "hameau", "Hameau"
    RESIDENCE = "residence", "Résidence"
    PASSAGE = "passage", "Passage"
    AUTRE = "autre", "Autre"


class IdentityMethod(models.TextChoices):
    NONE = "", "Non vérifiée"
    FRANCECONNECT = "franceconnect", "Identité vérifiée par FranceConnect"
    DOCUMENT = "document", "Identité vérifiée par pièce d'identité"


class User(AbstractBaseUser, PermissionsMixin):
    """An élu (or a staff member): e-mail is the login identifier. The NIR is never stored."""

    email = models.EmailField("adresse mail personnelle", unique=True)
    email_confirmed_at = models.DateTimeField("adresse mail confirmée le", null=True, blank=True)

    # Identity — the birth name and the usage (married) name are never confused.
    birth_name = models.CharField("nom de naissance", max_length=150, blank=True)
    usage_name = models.CharField("nom d'usage", max_length=150, blank=True)
    first_names = models.CharField("prénoms", max_length=200, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    birth_place = models.CharField("commune ou pays de naissance", max_length=150, blank=True)
    birth_place_code = models.CharField("code INSEE du lieu de naissance", max_length=5, blank=True)
    birth_country_code = models.CharField("code INSEE du pays de naissance", max_length=5, blank=True)
    gender = models.CharField("sexe", max_length=10, blank=True)
    nationality = models.CharField("nationalité", max_length=100, blank=True)

    # Contact
    phone_mobile = models.CharField("téléphone mobile", max_length=20, blank=True)
    phone_landline = models.CharField("téléphone fixe", max_length=20, blank=True)

    # Home address
    street_number = models.CharField("numéro de voie", max_length=10, blank=True)
    street_repetition = models.CharField(
        "indice de répétition", max_length=1, choices=StreetRepetition.choices, blank=True
    )
    street_type = models.CharField("type de voie", max_length=20, choices=StreetType.choices, blank=True)
    street_name = models.CharField("nom de la voie", max_length=200, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=200, blank=True)
    lieu_dit = models.CharField("lieu-dit", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=150, blank=True)

    cgu_accepted_at = models.DateTimeField("CGU acceptées le", null=True, blank=True)

    # Identity verification: by FranceConnect or by an accepted identity document.
    identity_method = models.CharField(
        "vérification d'identité", max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_verified_at = models.DateTimeField("identité vérifiée le", null=True, blank=True)
    franceconnect_sub = models.CharField(
        "identifiant FranceConnect", max_length=255, unique=True, null=True, blank=True, editable=False
    )

    # "Vos droits formation" — what the élu (or staff) last read on Mon Compte Formation.
    dife_balance = models.DecimalField(
        "compte élu (DIFE) : montant disponible", max_digits=8, decimal_places=2, null=True, blank=True
    )
    dife_balance_date = models.DateField("compte élu mis à jour le", null=True, blank=True)
    dife_account_missing = models.BooleanField("le compte élu n'apparaît pas", default=False)
    cpf_balance = models.DecimalField(
        "droits CPF : montant disponible", max_digits=8, decimal_places=2, null=True, blank=True
    )
    cpf_balance_date = models.DateField("droits CPF mis à jour le", null=True, blank=True)

    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("équipe de la Maison des Maires", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "élu"
        verbose_name_plural = "élus"
        ordering = [french_order("birth_name"), french_order("first_names")]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        # Before the uniqueness check of the admin's forms: "Marie@X.fr" is the same account as "marie@x.fr".
        self.email = canonical_email(self.email)

    def save(self, *args, **kwargs):
        # Sign-in matches the stored address exactly (accounts.email_addresses): store the one spelling.
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        name = self.usage_name or self.birth_name
        return f"{self.first_names} {name}".strip()

    def get_short_name(self):
        return self.first_names or self.email

    @property
    def identity_verified(self):
        return self.identity_verified_at is not None

    @property
    def verified_by_franceconnect(self):
        return self.identity_method == IdentityMethod.FRANCECONNECT and self.identity_verified
