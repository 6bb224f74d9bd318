import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from dife_portal import french

# Extensions kept on stored files; they come from content sniffing, never from the uploaded name.
IDENTITY_FILE_EXTENSIONS = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


class PrivateStorage(FileSystemStorage):
    """Storage outside MEDIA_ROOT: files are only served through a permission-checked view.

    The location is read from settings on every access so that tests (and deployments that change
    PRIVATE_MEDIA_ROOT) never write to a stale folder.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def get_private_storage():
    """Where identity documents are stored: the STORAGES alias `IDENTITY_DOCUMENTS_STORAGE` ("private").

    By default a PrivateStorage folder; several app servers point it at a shared volume or an S3-compatible
    private bucket (docs/deployment.md §5). A callable keeps the storage out of the migrations.
    """
    return storages[settings.IDENTITY_DOCUMENTS_STORAGE]


def identity_upload_to(instance, filename):
    # The original file name is never kept: it may hold personal data or a path. Only a known
    # extension (set by the upload service from the sniffed content) survives.
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    suffix = f".{ext}" if ext in IDENTITY_FILE_EXTENSIONS else ""
    return f"identity/{uuid.uuid4().hex}{suffix}"


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
    front = models.FileField("recto", storage=get_private_storage, upload_to=identity_upload_to, blank=True)
    back = models.FileField("verso", storage=get_private_storage, upload_to=identity_upload_to, blank=True)
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
        indexes = [models.Index(fields=["status", "reviewed_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.first_names} {self.birth_name}"

    @property
    def files(self):
        """The stored files, by side ("recto"/"verso"), skipping empty ones."""
        return {side: f for side, f in (("recto", self.front), ("verso", self.back)) if f}

    def delete_files(self):
        """Remove the stored files (not the row): what the élu confirmed stays as the trace of the review."""
        for field in (self.front, self.back):
            if field:
                field.storage.delete(field.name)
        self.front = ""
        self.back = ""


class IdentityDocumentAccess(models.Model):
    """Who opened which identity file, and when. Holds no personal data beyond the two references."""

    document = models.ForeignKey(
        IdentityDocument, on_delete=models.CASCADE, related_name="accesses", verbose_name="pièce d'identité"
    )
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="consultée par"
    )
    viewed_at = models.DateTimeField("consultée le", auto_now_add=True)
    side = models.CharField("face", max_length=5, choices=[("recto", "Recto"), ("verso", "Verso")])

    class Meta:
        verbose_name = "consultation d'une pièce d'identité"
        verbose_name_plural = "consultations des pièces d'identité"
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.viewed_by} — {self.side} — {french.date_heure(self.viewed_at, 'd/m/Y')}"


@receiver(post_delete, sender=IdentityDocument)
def _delete_identity_files(sender, instance, **kwargs):
    # Deleting an élu (cascade) must not leave copies of their identity card on disk; wait for the
    # commit so that a rolled-back deletion keeps its files.
    files = [(f.storage, f.name) for f in (instance.front, instance.back) if f]
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
