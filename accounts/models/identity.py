from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """Storage outside MEDIA_ROOT: files are only served through a permission-checked view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def identity_upload_to(instance, filename):
    # The original file name is never kept: it may hold personal data or a path.
    import uuid

    return f"identity/{uuid.uuid4().hex}"


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        CNI = "cni", "Carte nationale d'identité (recto et verso)"
        PASSPORT = "passport", "Passeport (page avec la photo)"

    class Status(models.TextChoices):
        PENDING = "pending", "À vérifier"
        ACCEPTED = "accepted", "Acceptée"
        REJECTED = "rejected", "Refusée"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_documents",
        verbose_name="élu",
    )
    kind = models.CharField("pièce", max_length=10, choices=Kind.choices)
    front = models.FileField("recto", storage=private_storage, upload_to=identity_upload_to, blank=True)
    back = models.FileField("verso", storage=private_storage, upload_to=identity_upload_to, blank=True)
    # What the élu confirms reading on the document.
    birth_name = models.CharField("nom de naissance", max_length=150)
    usage_name = models.CharField("nom d'usage ou marital", max_length=150, blank=True)
    first_names = models.CharField("prénoms", max_length=200)
    birth_date = models.DateField("date de naissance")
    birth_place = models.CharField("lieu de naissance", max_length=150)
    nationality = models.CharField("nationalité", max_length=100)

    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    uploaded_at = models.DateTimeField("envoyée le", auto_now_add=True)
    reviewed_at = models.DateTimeField("vérifiée le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifiée par",
    )
    rejection_reason = models.TextField("motif du refus", blank=True)
    files_deleted_at = models.DateTimeField("fichiers supprimés le", null=True, blank=True)

    class Meta:
        verbose_name = "pièce d'identité"
        verbose_name_plural = "pièces d'identité"
        ordering = ["-uploaded_at"]
        permissions = [("view_identity_files", "Peut consulter les fichiers des pièces d'identité")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.first_names} {self.birth_name}"
