"""Invitation links: created by staff for collectivités, opened by élus without login."""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Collectivite
from mailing import outbox

from .models import Invitation

SESSION_KEY = "invitation"


class InvitationError(Exception):
    message = "Ce lien d'invitation n'est pas valable."


class InvitationExpired(InvitationError):
    message = "Ce lien d'invitation a expiré."


class InvitationRevoked(InvitationError):
    message = "Ce lien d'invitation a été retiré par l'association."


def url_for(invitation):
    return settings.SITE_URL + reverse("invitation", kwargs={"token": invitation.token})


def resolve(token, now=None):
    """The valid invitation for `token`; raises Invitation.DoesNotExist or an InvitationError."""
    invitation = Invitation.objects.select_related("training", "session", "collectivite").get(token=token)
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        raise InvitationRevoked()
    if invitation.expires_at is not None and invitation.expires_at <= now:
        raise InvitationExpired()
    return invitation


def record_open(invitation, session):
    """Count the opening and remember the invitation in the visitor's session for attribution."""
    Invitation.objects.filter(pk=invitation.pk).update(open_count=F("open_count") + 1)
    session[SESSION_KEY] = {
        "id": invitation.pk,
        "training_id": invitation.training_id,
        "session_id": invitation.session_id,
        "label": banner_label(invitation),
    }


def banner_label(invitation):
    name = settings.ASSOCIATION["short_name"]
    collectivite = invitation.collectivite
    if collectivite is None:
        return f"Invitation de l'{name} transmise aux collectivités adhérentes"
    if collectivite.kind == Collectivite.Kind.COMMUNE:
        return f"Invitation de l'{name} transmise à la commune de {collectivite.name}"
    return f"Invitation de l'{name} transmise à {collectivite.name}"


def invitation_from_session(session, training_session):
    """The invitation the visitor followed, if it is for this session's training and still valid."""
    data = session.get(SESSION_KEY)
    if not data or data.get("training_id") != training_session.training_id:
        return None
    try:
        invitation = Invitation.objects.get(pk=data["id"])
    except Invitation.DoesNotExist:
        return None
    if invitation.revoked_at or (invitation.expires_at and invitation.expires_at <= timezone.now()):
        return None
    return invitation


@transaction.atomic
def create_for(training, collectivites, *, by, session=None, expires_at=None):
    """One invitation per collectivité; a collectivité that already has a valid one keeps it."""
    existing = set(
        Invitation.objects.filter(training=training, session=session, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .values_list("collectivite_id", flat=True)
    )
    new = [
        Invitation(training=training, session=session, collectivite=c, created_by=by, expires_at=expires_at)
        for c in collectivites
        if c.pk not in existing
    ]
    return Invitation.objects.bulk_create(new)


def create_for_all_members(training, *, by, session=None, expires_at=None):
    members = Collectivite.objects.filter(is_member=True).order_by("name")
    return create_for(training, members, by=by, session=session, expires_at=expires_at)


def revoke(invitations):
    return invitations.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def with_stats(queryset):
    """Annotate opened (open_count), dossiers created and dossiers sent — one query for the list."""
    return queryset.annotate(
        dossiers_created=Count("dossiers", distinct=True),
        dossiers_sent=Count("dossiers", filter=Q(dossiers__submitted_at__isnull=False), distinct=True),
    )


def email_context(invitation):
    return {
        "invitation": invitation,
        "training": invitation.training,
        "training_session": invitation.session,
        "collectivite": invitation.collectivite,
        "url": url_for(invitation),
    }


@transaction.atomic
def send_by_email(invitations):
    """Queue one e-mail per invitation to its collectivité's contact address. Returns (sent, skipped)."""
    sent = skipped = 0
    for invitation in invitations.select_related("training", "session", "collectivite"):
        collectivite = invitation.collectivite
        if collectivite is None or not collectivite.contact_email or invitation.revoked_at:
            skipped += 1
            continue
        outbox.queue(collectivite.contact_email, "emails/invitations/invitation", email_context(invitation))
        sent += 1
    return sent, skipped
