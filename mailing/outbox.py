"""The outbox: queue e-mails inside the caller's transaction, deliver them after commit, retry later."""

import datetime
import functools
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutgoingAttachment, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Set for OUTBOX_PAUSE_SECONDS when a delivery fails: meanwhile the requests that queue e-mails do not try
# to deliver them (an unanswering mail server would hold each one for EMAIL_TIMEOUT); `send_outbox` does.
MAIL_SERVER_DOWN = "mailing:outbox:mail-server-down"


@functools.cache
def _text_engine():
    # Plain-text e-mails must not be HTML-escaped ("l'AMIL", not "l&#x27;AMIL").
    from django.template import engines

    return Engine(
        dirs=[settings.BASE_DIR / "templates"],
        app_dirs=True,
        autoescape=False,
        string_if_invalid=engines["django"].engine.string_if_invalid,
        builtins=[name for name in engines["django"].engine.builtins if name not in Engine.default_builtins],
    )


def render_text(template_name, context):
    """A plain-text template rendered without HTML escaping."""
    # The Context, not the Engine, decides escaping when a template is rendered directly.
    return _text_engine().get_template(template_name).render(Context(context, autoescape=False))


def render_email(template, context=None, *, subject=None):
    """Render `<template>.txt` (and `<template>.html` when it exists) into subject, text and html.

    The first line of the text template is the subject unless `subject` is given.
    """
    context = {
        "association": settings.ASSOCIATION,
        "association_colour": settings.ASSOCIATION_BRANDING["colour"],
        "site_url": settings.SITE_URL,
        "registration_min_days": settings.REGISTRATION_MIN_DAYS,
        **(context or {}),
    }
    text = render_text(f"{template}.txt", context).strip()
    if subject is None:
        subject, _, text = text.partition("\n")
        subject = subject.strip()
        text = text.strip()
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return {"subject": subject[:255], "text": text + "\n", "html": html}


def queue(to, template, context=None, *, subject=None, attachments=()):
    """Queue the rendered e-mail. Call it inside the transaction that makes the change: the e-mail
    exists if and only if the change is committed, and it is delivered after the commit.

    `attachments`: `(filename, content, content_type)` triples, stored with the e-mail (bytes or str).
    """
    rendered = render_email(template, context, subject=subject)
    return queue_message(to, rendered["subject"], rendered["text"], rendered["html"], attachments=attachments)


def queue_text(to, template, context=None):
    """Queue a plain-text e-mail written by `<template>_subject.txt` and `<template>.txt` (same transaction rules
    as `queue`); the association and the site's address are in the context."""
    context = {"association": settings.ASSOCIATION, "site_url": settings.SITE_URL, **(context or {})}
    subject = " ".join(render_text(f"{template}_subject.txt", context).split())
    return queue_message(to, subject, render_text(f"{template}.txt", context))


def queue_message(to, subject, text, html="", *, attachments=()):
    """Queue an already written e-mail (same transaction rules as `queue`)."""
    # No savepoint of its own: inside the caller's transaction, a failed insert fails the whole change anyway.
    with transaction.atomic(savepoint=False):
        email = OutgoingEmail.objects.create(to=to, subject=subject[:255], body_text=text, body_html=html)
        files = OutgoingAttachment.objects.bulk_create(
            OutgoingAttachment(
                email=email,
                filename=filename,
                content_type=content_type,
                content=content.encode() if isinstance(content, str) else bytes(content),
            )
            for filename, content, content_type in attachments
        )
    transaction.on_commit(lambda: deliver_after_commit(email, files))
    return email


def deliver_after_commit(email, attachments=()):
    """The attempt made in the request, right after the commit, with the e-mail as it was just written (it is not
    read again): short (OUTBOX_IMMEDIATE_TIMEOUT), and none at all while the mail server is known to be down. The
    élu never waits for SMTP; what is not sent now stays queued for `send_outbox`. Returns (sent, failed)."""
    if cache.get(MAIL_SERVER_DOWN):
        return 0, 0
    connection = get_connection(timeout=settings.OUTBOX_IMMEDIATE_TIMEOUT)
    if _send(email, attachments, connection):
        # One statement, and only if `send_outbox` has not sent it meanwhile.
        OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, sent_at=timezone.now()
        )
        return 1, 0
    return 0, 1


def _backoff(attempts):
    return datetime.timedelta(minutes=min(2**attempts, 240))


def _send(email, attachments, connection):
    """Hand `email` to the mail server. On failure, record it (the next attempt grows later) and remember the
    server as down for OUTBOX_PAUSE_SECONDS; returns whether it was sent."""
    message = EmailMultiAlternatives(
        email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to], connection=connection
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure leaves the e-mail queued
        email.attempts += 1
        email.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
        email.next_attempt_at = timezone.now() + _backoff(email.attempts)
        email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        cache.set(MAIL_SERVER_DOWN, True, settings.OUTBOX_PAUSE_SECONDS)
        logger.warning("outbox: e-mail %s not sent (attempt %s): %s", email.pk, email.attempts, exc.__class__.__name__)
        return False
    return True


def deliver():
    """Try to send every pending e-mail that is due (`send_outbox`), after preparing those left deferred.
    Returns (sent, failed)."""
    from . import deferred

    deferred.prepare()
    now = timezone.now()
    pending = OutgoingEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    sent = failed = 0
    for email in pending.order_by("pk").prefetch_related("attachments"):
        if _send(email, email.attachments.all(), connection=None):  # the mail backend's settings (EMAIL_TIMEOUT)
            email.attempts += 1
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "sent_at"])
            sent += 1
        else:
            failed += 1
    if sent and not failed:
        cache.delete(MAIL_SERVER_DOWN)
    return sent, failed
