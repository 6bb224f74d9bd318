from django.db import models


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the change it reports, delivered after commit.

    If the mail server is down the row stays pending and `send_outbox` retries it later: a dossier
    transition never waits for SMTP and never loses its e-mail.
    """

    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self):
        return self.subject


class OutgoingAttachment(models.Model):
    """A file sent with an outgoing e-mail (a calendar invitation…), stored with it in the same transaction."""

    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.CASCADE, related_name="attachments", verbose_name="courriel"
    )
    filename = models.CharField("nom du fichier", max_length=150)
    content_type = models.CharField("type", max_length=100)
    content = models.BinaryField("contenu")

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self):
        return self.filename


class DeferredEmail(models.Model):
    """An e-mail asked for by a request that must not look at what decides it (does this address have an
    account?): the request writes this row, the same for every address; the e-mail is prepared after the
    response (or by `send_outbox`), and the row is deleted once prepared (mailing/deferred.py)."""

    preparer = models.CharField("préparation", max_length=100)
    to = models.EmailField("adresse demandée")
    created_at = models.DateTimeField("demandé le", auto_now_add=True)

    class Meta:
        verbose_name = "courriel à préparer"
        verbose_name_plural = "courriels à préparer"
        ordering = ["pk"]

    def __str__(self):
        return self.preparer
