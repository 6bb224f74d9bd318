"""Invitation links: created by staff for collectivités, opened by élus without login."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Count, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from accounts.models import Collectivite
from dife_portal import french
from dife_portal.collation import french_order
from mailing import outbox

from .models import Invitation, Training

# The invitation a visitor followed is kept in a signed cookie, not in the session: following a link writes no
# session, and the pages it leads to stay shareable (the page cache keys the training page on the invitation).
COOKIE_NAME = "dife_invitation"
COOKIE_SALT = "trainings.invitation"
COOKIE_MAX_AGE = datetime.timedelta(days=90)


class InvitationError(Exception):
    message = "Ce lien d'invitation n'est pas valable."


class InvitationExpired(InvitationError):
    message = "Ce lien d'invitation a expiré."


class InvitationRevoked(InvitationError):
    message = "Ce lien d'invitation a été retiré par l'association."


def url_for(invitation):
    return settings.SITE_URL + reverse("invitation", kwargs={"token": invitation.token})


RESOLVED_FIELDS = (
    "token",
    "training_id",
    "session_id",
    "collectivite_id",
    "revoked_at",
    "expires_at",
    "training__slug",
    "collectivite__name",
    "collectivite__kind",
)


def resolve(token, now=None):
    """The valid invitation for `token`; raises Invitation.DoesNotExist or an InvitationError."""
    # What following a link needs, and no more: a training's texts are long and the link is the busiest write.
    invitation = Invitation.objects.select_related("training", "collectivite").only(*RESOLVED_FIELDS).get(token=token)
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        raise InvitationRevoked()
    if invitation.expires_at is not None and invitation.expires_at <= now:
        raise InvitationExpired()
    return invitation


def follow(token, now=None):
    """The valid invitation `token`, with one opening counted; raises Invitation.DoesNotExist or an InvitationError,
    and counts nothing, when the link is unknown, revoked or expired.

    One statement both counts the opening and reads what the redirect and the banner need (`_count_opening`).
    """
    now = now or timezone.now()
    invitation = _count_opening(token, now)
    if invitation is None:
        # Nothing counted: `resolve` raises why (unknown, revoked, expired). Should the link have become valid in
        # between (a revocation undone by staff), it is followed, uncounted.
        invitation = resolve(token, now)
    return invitation


def _count_opening(token, now):
    """`open_count + 1` on the valid invitation `token` in one statement, returning it with its training's slug and
    its collectivité's name and kind (what `banner_label` and the redirect read); None when no valid link matched.

    The counter is a statistic: on PostgreSQL, outside a transaction, the statement's commit does not wait for the
    disk (`synchronous_commit` off for this one transaction, set by the statement itself), so a burst of clicks costs
    no disk flush each. A crash in the fraction of a second after a click may lose that click's count, nothing else.
    """
    quote = connection.ops.quote_name
    table, training, collectivite = (quote(model._meta.db_table) for model in (Invitation, Training, Collectivite))
    no_flush = ""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        no_flush = " AND set_config('synchronous_commit', 'off', true) = 'off'"
    rows = list(
        Invitation.objects.raw(
            f"UPDATE {table} SET open_count = open_count + 1"
            f" WHERE token = %s AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > %s){no_flush}"
            " RETURNING id, token, training_id, session_id, collectivite_id, revoked_at, expires_at,"
            f" (SELECT slug FROM {training} WHERE {training}.id = {table}.training_id) AS training_slug,"
            f" (SELECT name FROM {collectivite} WHERE {collectivite}.id = {table}.collectivite_id)"
            " AS collectivite_name,"
            f" (SELECT kind FROM {collectivite} WHERE {collectivite}.id = {table}.collectivite_id)"
            " AS collectivite_kind",
            [token, now],
        )
    )
    if not rows:
        return None
    invitation = rows[0]
    invitation.training = Training(pk=invitation.training_id, slug=invitation.training_slug)
    if invitation.collectivite_id is not None:
        invitation.collectivite = Collectivite(
            pk=invitation.collectivite_id, name=invitation.collectivite_name, kind=invitation.collectivite_kind
        )
    return invitation


def remember(invitation, response):
    """`response`, setting the cookie that keeps the followed invitation in the visitor's browser (signed, for the
    banner and the attribution of a dossier), no longer than the link lasts."""
    max_age = COOKIE_MAX_AGE
    if invitation.expires_at is not None:
        max_age = min(max_age, max(invitation.expires_at - timezone.now(), datetime.timedelta(0)))
    response.set_cookie(
        COOKIE_NAME,
        cookie_value(invitation),
        max_age=int(max_age.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def cookie_value(invitation):
    """What the browser keeps of a followed invitation: what its banner says, signed so it cannot be forged."""
    data = {
        "id": invitation.pk,
        "training_id": invitation.training_id,
        "session_id": invitation.session_id,
        "label": banner_label(invitation),
        "expires": int(invitation.expires_at.timestamp()) if invitation.expires_at else None,
    }
    return signing.dumps(data, salt=COOKIE_SALT, compress=True)


def current(request):
    """The invitation this visitor followed, as stored in its cookie ({"id", "training_id", "session_id",
    "label", "expires"}), or None: no cookie, one not signed by us, older than COOKIE_MAX_AGE, or for a link
    past its expiry. No query (a link revoked since still shows its banner; `invitation_for` checks again)."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    if data.get("expires") is not None and data["expires"] <= timezone.now().timestamp():
        return None  # the link has expired: so has what it showed
    return data


def followed(request, training_pk):
    """The number of the invitation this visitor followed to the training `training_pk`, as its cookie says (no
    query: whether the link still holds is `banner`'s question), or None."""
    data = current(request)
    return data["id"] if data and data.get("training_id") == training_pk else None


def banner(request, training_pk):
    """What the training `training_pk`'s page says of the invitation this visitor followed: its label, or "" when
    the visitor followed none for this training, or the link has been revoked or has expired since.

    The cookie says which link was followed; whether it still holds is read from the database (one query, only for
    a visitor who has the cookie), so that a link revoked by staff loses its banner at once. The page cache keeps
    the page of a visitor who followed a link under that link's version, which a change of the link replaces
    (`page_cache`).
    """
    data = current(request)
    if data and data.get("training_id") == training_pk and _still_valid(data["id"]):
        return data.get("label") or ""
    return ""


def _valid(now):
    """Invitations neither revoked nor expired at `now`."""
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _still_valid(pk):
    return Invitation.objects.filter(_valid(timezone.now()), pk=pk).exists()


def banner_label(invitation):
    name = settings.ASSOCIATION["short_name"]
    collectivite = invitation.collectivite
    if collectivite is None:
        return f"Invitation de l'{name} transmise aux collectivités adhérentes"
    if collectivite.kind == Collectivite.Kind.COMMUNE:
        return f"Invitation de l'{name} transmise à la commune {french.de(collectivite.name)}"
    return f"Invitation de l'{name} transmise {french.a(collectivite.name)}"


def invitation_for(request, training_session):
    """The invitation the visitor followed, if it is for this session's training and still valid."""
    data = current(request)
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
        Invitation.objects.filter(_valid(timezone.now()), training=training, session=session).values_list(
            "collectivite_id", flat=True
        )
    )
    new = [
        Invitation(training=training, session=session, collectivite=c, created_by=by, expires_at=expires_at)
        for c in collectivites
        if c.pk not in existing
    ]
    return Invitation.objects.bulk_create(new)


def create_for_all_members(training, *, by, session=None, expires_at=None):
    members = Collectivite.objects.filter(is_member=True).order_by(french_order("name"))
    return create_for(training, members, by=by, session=session, expires_at=expires_at)


# Sent with `pks`, the invitations just revoked (a queryset update sends no post_save).
revoked = Signal()


def revoke(invitations):
    """Revoke the links of `invitations` not revoked yet; returns how many."""
    pks = list(invitations.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    count = Invitation.objects.filter(pk__in=pks, revoked_at__isnull=True).update(revoked_at=timezone.now())
    revoked.send(sender=Invitation, pks=pks)
    return count


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
