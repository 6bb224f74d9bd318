"""Every change of a dossier's state, one function per transition.

Each function runs in a transaction, locks what it makes scarcer (the session row first, see `seats.py`),
re-checks its rule once the lock is held, writes a `DossierLog` row (who, when, from, to, note) and schedules
its e-mail after the commit. A refused transition raises an `EnrolmentError` subclass whose message is
French. `by` is the user who acts: the élu from the portal, a staff member from the admin.

Waiting list: when the seats are all held, a sent dossier goes to WAITLISTED (ordered by `waitlisted_at`).
A seat freed by a refusal, a cancellation or an expired offer is offered to the first dossier of the list:
its `offer_expires_at` is set (WAITING_LIST_OFFER_HOURS, never past the registration deadline) and the élu
gets an e-mail. The seat stays reserved for them until then. The élu accepts the offer with
`confirm_offer` ("Je confirme ma place" on the dossier page): the dossier becomes SUBMITTED and holds the
seat. An offer not confirmed in time is expired by the `expire_seat_offers` command: the dossier is
cancelled and the seat goes to the next one. No offer is made once registration has closed.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import IdentityDocument, User
from accounts.models.user import IdentityMethod
from dife_portal import french
from trainings import deadlines
from trainings.models import Session

from . import emails, rules, seats
from .exceptions import (
    Busy,
    EnrolmentError,
    IdentityDocumentAlreadyReviewed,
    IdentityDocumentPending,
    IdentityNotVerified,
    IncompleteDossier,
    NotAllowed,
    OfferExpired,
    ReasonRequired,
    RegistrationClosed,
    SessionNotOpen,
    SessionNotStarted,
    SessionStarted,
    TransitionNotAllowed,
)
from .models import ACTIVE_STATES, Dossier, DossierEvent, DossierLog, DossierState

__all__ = [
    "Busy",
    "EnrolmentError",
    "accept",
    "cancel",
    "confirm_offer",
    "create_draft",
    "expire_offer",
    "mark_absent",
    "mark_attended",
    "offer_free_seats",
    "prepare_for_elu",
    "refuse",
    "review_identity_document",
    "send_draft_reminders",
    "submit",
    "submit_own",
    "update_information",
    "upload_identity_document",
]

# Fields the élu may edit while the dossier is a draft.
EDITABLE_FIELDS = [
    "usage_name",
    "nationality",
    "contact_email",
    "phone_mobile",
    "phone_landline",
    "street_address",
    "postal_code",
    "city",
    "mandate",
    "mandate_label",
    "elu_comment",
]
# The log note of a dossier started by staff on the élu's behalf (the log row says which staff member).
PREPARED_BY_STAFF_NOTE = "Dossier préparé par la Maison des Maires"

# Identity copied from the verified account when the dossier is sent.
VERIFIED_IDENTITY_FIELDS = ["birth_name", "first_names", "birth_date", "birth_place"]


def log_event(dossier, by, from_state, event, note=""):
    """The dossier log row of a change (who, from, to, what): call it in the transaction of the change."""
    return DossierLog.objects.create(
        dossier=dossier, by=by, from_state=from_state, to_state=dossier.state, event=event, note=note
    )


def lock_dossier(dossier_pk, related=("session__training", "user")):
    """The dossier row, locked for the transaction, with its training and élu read."""
    # Only the dossier row is locked (of=self): the joined training and élu rows are read, not locked, so that two
    # élus sending to sessions of one training never wait for each other.
    return Dossier.objects.select_for_update(of=("self",)).select_related(*related).get(pk=dossier_pk)


def _lock_session_and_dossier(dossier):
    """Fixed order: the session row, then the dossier row. Returns fresh, locked copies."""
    session = seats.lock_session(dossier.session_id)
    return session, _lock_dossier_in(session, dossier.pk)


def _lock_dossier_in(session, dossier_pk):
    """The dossier row, locked after its (locked) session's, with that session attached."""
    locked = lock_dossier(dossier_pk, related=["user"])  # the session (and its training) was just read with its lock
    locked.session = session
    return locked


def _is_staff(user):
    return bool(user and user.is_staff)


def _ensure_registration_open(session, now):
    if session.status != session.Status.OPEN:
        raise SessionNotOpen()
    if not deadlines.is_registration_open(session.first_day, now):
        raise RegistrationClosed(deadlines.last_registration_day(session.first_day))


def has_dossier_in_progress(user):
    """Whether the AMIL is handling one of the élu's dossiers: the account cannot be deleted until it is settled."""
    in_progress = [
        DossierState.AWAITING_IDENTITY,
        DossierState.SUBMITTED,
        DossierState.WAITLISTED,
        DossierState.ACCEPTED,
    ]
    return Dossier.objects.filter(user=user, state__in=in_progress).exists()


# --- Creating and editing a draft -------------------------------------------------------------------------


def prefill(user):
    """What the dossier form shows first: the élu's recorded details."""
    mandates = rules.current_mandates(list(user.mandates.all()), timezone.localdate())
    return {
        "birth_name": user.birth_name,
        "usage_name": user.usage_name,
        "first_names": user.first_names,
        "birth_date": user.birth_date,
        "birth_place": user.birth_place,
        "nationality": user.nationality,
        "contact_email": user.email,
        "phone_mobile": user.phone_mobile,
        "phone_landline": user.phone_landline,
        "street_address": rules.format_address(user),
        "postal_code": user.postal_code,
        "city": user.city,
        "mandate": mandates[0] if len(mandates) == 1 else None,
    }


def active_dossier(user, session):
    return Dossier.objects.filter(user=user, session=session, state__in=ACTIVE_STATES).first()


def create_draft(user, session, *, by=None, invitation=None):
    """Return `(dossier, created)`: the élu's active dossier for the session, created as a draft if none.

    Clicking "Créer mon dossier" twice, even concurrently, gives one dossier (partial unique constraint).
    """
    by = by or user
    existing = active_dossier(user, session)
    if existing:
        return existing, False
    now = timezone.now()
    _ensure_registration_open(session, now)
    has_pending_document = (
        not user.identity_verified
        and IdentityDocument.objects.filter(user=user, status=IdentityDocument.Status.PENDING).exists()
    )
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                user=user,
                session=session,
                invitation=invitation,
                created_by=by,
                state=DossierState.AWAITING_IDENTITY if has_pending_document else DossierState.DRAFT,
                **prefill(user),
            )
            log_event(dossier, by, "", DossierEvent.CREATED, PREPARED_BY_STAFF_NOTE if by.pk != user.pk else "")
    except IntegrityError:
        existing = active_dossier(user, session)
        if existing is None:
            raise
        return existing, False
    return dossier, True


def prepare_for_elu(user, session, *, by):
    """Assisted enrolment: staff start the élu's dossier (on the phone…); the élu reviews and sends it.

    Returns `(dossier, created)` like `create_draft`; a new draft e-mails the élu a link to it. Nothing is
    sent on the élu's behalf: `submit` stays the élu's own act.
    """
    with transaction.atomic():
        dossier, created = create_draft(user, session, by=by)
        if created:
            emails.dossier_email(
                "prepared",
                dossier,
                last_day=deadlines.last_registration_day(session.first_day),
                identity_verified=user.identity_verified,
            )
    return dossier, created


def update_information(dossier, *, by, data):
    """Save what the élu typed on the dossier form (only while the dossier is still editable)."""
    with transaction.atomic():
        locked = lock_dossier(dossier.pk)
        if not locked.is_editable:
            raise TransitionNotAllowed(locked, "modifier le dossier")
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        locked.save(update_fields=[f for f in EDITABLE_FIELDS if f in data])
    return locked


# --- Sending ----------------------------------------------------------------------------------------------


def submit(dossier, *, by):
    """ "Envoyer mon dossier": DRAFT → SUBMITTED when a seat is free, else WAITLISTED.

    Idempotent: a dossier already sent is returned unchanged (a double click writes one log row).
    The deadline is checked here, on the server, at the time of sending.
    """
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if by.pk != dossier.user_id and not _is_staff(by):
            raise NotAllowed()
        return _submit_locked(session, dossier, by)


def submit_own(dossier_pk, *, elu):
    """`submit` for the élu's own "Envoyer mon dossier", from the dossier's number alone: its session is found and
    locked in the same query. Raises Dossier.DoesNotExist when there is no
    such dossier or it is another élu's (nothing is changed: a 404 for the view)."""
    with seats.locking_transaction():
        try:
            session = seats.lock_session_of(dossier_pk)
        except Session.DoesNotExist:
            raise Dossier.DoesNotExist() from None
        dossier = _lock_dossier_in(session, dossier_pk)
        if dossier.user_id != elu.pk:
            raise Dossier.DoesNotExist()
        return _submit_locked(session, dossier, elu)


def _submit_locked(session, dossier, by):
    """The rest of `submit`, with the session and the dossier rows locked."""
    if dossier.state in (DossierState.SUBMITTED, DossierState.WAITLISTED):
        return dossier
    if dossier.state == DossierState.AWAITING_IDENTITY:
        raise IdentityDocumentPending()
    if not rules.allows("submit", dossier.state):
        raise TransitionNotAllowed(dossier, "envoyer le dossier")
    now = timezone.now()
    _ensure_registration_open(session, now)
    user = dossier.user  # read with the locked dossier, in this transaction
    if not user.identity_verified:
        raise IdentityNotVerified()
    missing = rules.missing_information(dossier)
    if missing:
        raise IncompleteDossier(missing)

    for field in VERIFIED_IDENTITY_FIELDS:
        setattr(dossier, field, getattr(user, field))
    availability = seats.availability(session, now)
    if _offer_free_seats(session, now, availability=availability):  # seats added by staff: waiting list first
        availability = seats.availability(session, now)
    dossier.submitted_at = now
    from_state = dossier.state
    if availability.free > 0:
        dossier.state = DossierState.SUBMITTED
        event, mail = DossierEvent.SUBMITTED, "submitted"
    else:
        dossier.state = DossierState.WAITLISTED
        dossier.waitlisted_at = now
        event, mail = DossierEvent.WAITLISTED, "waitlisted"
    dossier.save(update_fields=[*VERIFIED_IDENTITY_FIELDS, "state", "submitted_at", "waitlisted_at"])
    log_event(dossier, by, from_state, event)
    emails.dossier_email(mail, dossier)
    return dossier


# --- Waiting list -----------------------------------------------------------------------------------------


def _offer_free_seats(session, now, by=None, availability=None):
    """Offer every free seat to the next dossiers of the waiting list. The session row must be locked.

    `availability`: the seats counted under this lock, when the caller has them already.
    """
    if not rules.can_offer_seats(session, now):
        return []
    availability = availability or seats.availability(session, now)
    if availability.free == 0 or availability.waiting == 0:
        return []
    expires_at = rules.offer_expires_at(session, now)
    offered = seats.next_on_waiting_list(session, availability.free)
    for dossier in offered:
        dossier.session = session
        dossier.offer_expires_at = expires_at
        dossier.save(update_fields=["offer_expires_at"])
        log_event(
            dossier,
            by,
            dossier.state,
            DossierEvent.SEAT_OFFERED,
            f"Place proposée jusqu'au {french.date_heure(expires_at)}.",
        )
        emails.dossier_email("seat_offered", dossier, offer_expires_at=expires_at)
    return offered


def offer_free_seats(session, *, by=None):
    """Offer the free seats of `session` to its waiting list (after staff add seats, or from the scheduler)."""
    with seats.locking_transaction():
        locked = seats.lock_session(session.pk)
        return _offer_free_seats(locked, timezone.now(), by=by)


def confirm_offer(dossier, *, by):
    """The élu takes the seat offered from the waiting list: WAITLISTED (with a running offer) → SUBMITTED."""
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if dossier.state == DossierState.SUBMITTED:
            return dossier
        if by.pk != dossier.user_id:
            raise NotAllowed()
        if not rules.allows("confirm_offer", dossier.state) or dossier.offer_expires_at is None:
            raise TransitionNotAllowed(dossier, "confirmer une place")
        now = timezone.now()
        if dossier.offer_expires_at <= now:
            raise OfferExpired()
        if session.status != session.Status.OPEN:
            raise SessionNotOpen()
        from_state = dossier.state
        dossier.state = DossierState.SUBMITTED
        dossier.submitted_at = now
        dossier.offer_expires_at = None
        dossier.save()
        log_event(dossier, by, from_state, DossierEvent.OFFER_CONFIRMED)
        emails.dossier_email("submitted", dossier)
    return dossier


def expire_offer(dossier, *, by=None):
    """Cancel a waiting-list dossier whose offer ran out, and offer the seat to the next one.

    Returns False (and changes nothing) when the offer is still running or was already settled.
    """
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        now = timezone.now()
        if not (
            dossier.state == DossierState.WAITLISTED
            and dossier.offer_expires_at is not None
            and dossier.offer_expires_at <= now
        ):
            return False
        reason = (
            f"La place proposée n'a pas été confirmée avant le {french.date_heure(dossier.offer_expires_at)} : "
            "elle a été proposée à la personne suivante de la liste d'attente."
        )
        from_state = dossier.state
        dossier.state = DossierState.CANCELLED
        dossier.cancel_reason = reason
        dossier.offer_expires_at = None
        dossier.save()
        log_event(dossier, by, from_state, DossierEvent.OFFER_EXPIRED, reason)
        emails.dossier_email("cancelled", dossier, cancelled_by_staff=False)
        _offer_free_seats(session, now, by=by)
    return True


# --- The AMIL's decisions ---------------------------------------------------------------------------------


def accept(dossier, *, by):
    """Staff validate a sent dossier: SUBMITTED → ACCEPTED (it already holds its seat)."""
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if dossier.state == DossierState.ACCEPTED:
            return dossier
        if not rules.allows("accept", dossier.state):
            raise TransitionNotAllowed(dossier, "valider le dossier")
        from_state = dossier.state
        dossier.state = DossierState.ACCEPTED
        dossier.decided_at = timezone.now()
        dossier.save()
        log_event(dossier, by, from_state, DossierEvent.ACCEPTED)
        emails.dossier_email("accepted", dossier)
    return dossier


def refuse(dossier, *, by, reason):
    """Staff refuse a sent or waiting-list dossier, with a reason the élu reads; a freed seat is offered."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if dossier.state == DossierState.REFUSED:
            return dossier
        if not rules.allows("refuse", dossier.state):
            raise TransitionNotAllowed(dossier, "refuser le dossier")
        now = timezone.now()
        from_state = dossier.state
        dossier.state = DossierState.REFUSED
        dossier.refusal_reason = reason
        dossier.decided_at = now
        dossier.offer_expires_at = None
        dossier.save()
        log_event(dossier, by, from_state, DossierEvent.REFUSED, reason)
        emails.dossier_email("refused", dossier)
        _offer_free_seats(session, now, by=by)
    return dossier


def cancel(dossier, *, by, reason=""):
    """Cancel a dossier: by its élu before the session starts (reason optional), or by staff (reason required).

    A freed seat is offered to the waiting list.
    """
    reason = (reason or "").strip()
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if dossier.state == DossierState.CANCELLED:
            return dossier
        now = timezone.now()
        if _is_staff(by):
            if not reason:
                raise ReasonRequired()
        elif by.pk != dossier.user_id:
            raise NotAllowed()
        elif rules.allows("cancel", dossier.state) and not rules.elu_can_cancel(dossier, now):
            raise SessionStarted()
        if not rules.allows("cancel", dossier.state):
            raise TransitionNotAllowed(dossier, "annuler la demande")
        from_state = dossier.state
        dossier.state = DossierState.CANCELLED
        dossier.cancel_reason = reason
        dossier.offer_expires_at = None
        dossier.save()
        log_event(dossier, by, from_state, DossierEvent.CANCELLED, reason)
        # A draft the élu drops needs no e-mail; anything the AMIL has seen, or a staff decision, does.
        if from_state not in (DossierState.DRAFT, DossierState.AWAITING_IDENTITY) or by.pk != dossier.user_id:
            emails.dossier_email("cancelled", dossier, cancelled_by_staff=by.pk != dossier.user_id)
        _offer_free_seats(session, now, by=by)
    return dossier


def _mark_presence(dossier, by, to_state, event):
    with seats.locking_transaction():
        session, dossier = _lock_session_and_dossier(dossier)
        if dossier.state == to_state:
            return dossier
        if not rules.allows(to_state, dossier.state):  # "attended" and "absent" name their transitions
            raise TransitionNotAllowed(dossier, "noter la présence")
        if not rules.session_started(session):
            raise SessionNotStarted()
        from_state = dossier.state
        dossier.state = to_state
        dossier.save(update_fields=["state"])
        log_event(dossier, by, from_state, event)
    return dossier


def mark_attended(dossier, *, by):
    """Staff record that the élu attended (from ACCEPTED, or to correct ABSENT), once the session has begun."""
    return _mark_presence(dossier, by, DossierState.ATTENDED, DossierEvent.ATTENDED)


def mark_absent(dossier, *, by):
    """Staff record that the élu did not come (from ACCEPTED, or to correct ATTENDED)."""
    return _mark_presence(dossier, by, DossierState.ABSENT, DossierEvent.ABSENT)


# --- Identity documents (the path without FranceConnect) ---------------------------------------------------


def upload_identity_document(dossier, *, by, kind, identity, front, back=None):
    """Store the élu's identity document (already checked by `identity_files`) and put their drafts on hold.

    `front`/`back` are uploaded files; `extension` attributes set by the form give the stored names, so
    the original names are never kept. If anything fails, no file stays on disk.
    """
    document = IdentityDocument(user_id=dossier.user_id, kind=kind, **identity)
    written = []
    try:
        with seats.locking_transaction():
            owned = list(
                Dossier.objects.select_for_update()
                .filter(user_id=dossier.user_id, state__in=[DossierState.DRAFT, DossierState.AWAITING_IDENTITY])
                .order_by("pk")
            )
            if dossier.pk not in {d.pk for d in owned}:
                locked = Dossier.objects.get(pk=dossier.pk)
                raise TransitionNotAllowed(locked, "envoyer une pièce d'identité pour ce dossier")
            if by.pk != dossier.user_id:
                raise NotAllowed()
            user = User.objects.get(pk=dossier.user_id)
            if user.identity_verified:
                raise EnrolmentError("Votre identité est déjà vérifiée : vous pouvez envoyer votre dossier.")
            if IdentityDocument.objects.filter(user=user, status=IdentityDocument.Status.PENDING).exists():
                raise IdentityDocumentPending()
            for field, uploaded in (("front", front), ("back", back)):
                if uploaded:
                    getattr(document, field).save(f"piece.{uploaded.extension}", uploaded, save=False)
                    written.append(getattr(document, field).name)
            document.save()
            for owned_dossier in owned:
                if owned_dossier.state == DossierState.DRAFT:
                    owned_dossier.state = DossierState.AWAITING_IDENTITY
                    owned_dossier.save(update_fields=["state"])
                    log_event(owned_dossier, by, DossierState.DRAFT, DossierEvent.IDENTITY_SUBMITTED)
    except BaseException:
        for name in written:
            document.front.storage.delete(name)
        raise
    return document


def review_identity_document(document, *, by, accepted, reason=""):
    """Staff accept or reject an identity document; the élu's dossiers on hold become drafts again.

    Accepted: the élu's identity is verified (method "document") with the details they confirmed, and the
    e-mail says "Vous pouvez poursuivre votre inscription". Rejected: the e-mail says what to fix.
    """
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise ReasonRequired()
    with seats.locking_transaction():
        on_hold = list(
            Dossier.objects.select_for_update(of=("self",))
            .select_related("session__training")
            .filter(user_id=document.user_id, state=DossierState.AWAITING_IDENTITY)
            .order_by("pk")
        )
        document = IdentityDocument.objects.select_for_update().select_related("user").get(pk=document.pk)
        if document.status != IdentityDocument.Status.PENDING:
            raise IdentityDocumentAlreadyReviewed()
        now = timezone.now()
        document.status = IdentityDocument.Status.ACCEPTED if accepted else IdentityDocument.Status.REJECTED
        document.reviewed_at = now
        document.reviewed_by = by
        document.rejection_reason = "" if accepted else reason
        document.save()
        user = document.user
        if accepted and not user.identity_verified:
            confirmed = ["birth_name", "usage_name", "first_names", "birth_date", "birth_place", "nationality"]
            for field in confirmed:
                setattr(user, field, getattr(document, field))
            user.identity_method = IdentityMethod.DOCUMENT
            user.identity_verified_at = now
            user.save(update_fields=[*confirmed, "identity_method", "identity_verified_at"])
        event = DossierEvent.IDENTITY_ACCEPTED if accepted else DossierEvent.IDENTITY_REJECTED
        for dossier in on_hold:
            dossier.state = DossierState.DRAFT
            if accepted:
                dossier.nationality = dossier.nationality or document.nationality
                dossier.usage_name = dossier.usage_name or document.usage_name
            dossier.save()
            log_event(dossier, by, DossierState.AWAITING_IDENTITY, event, "" if accepted else reason)
        emails.identity_email("identity_accepted" if accepted else "identity_rejected", document, on_hold)
    return document


# --- Reminders --------------------------------------------------------------------------------------------


def send_draft_reminders(*, now=None, days=None):
    """E-mail once each élu whose draft is not sent when the deadline is `days` days away or closer."""
    now = now or timezone.now()
    days = settings.DRAFT_REMINDER_DAYS if days is None else days
    candidates = (
        Dossier.objects.filter(
            state=DossierState.DRAFT,
            reminder_sent_at__isnull=True,
            session__status=Session.Status.OPEN,
            session__starts_at__gt=now,
        )
        .select_related("session__training", "user")
        .order_by("pk")
    )
    reminded = []
    for dossier in candidates:
        left = deadlines.days_left(dossier.session.first_day, now)
        if not 0 <= left <= days:
            continue
        with transaction.atomic():
            updated = Dossier.objects.filter(
                pk=dossier.pk, state=DossierState.DRAFT, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if updated:
                emails.dossier_email(
                    "draft_reminder",
                    dossier,
                    days_left=left,
                    last_day=deadlines.last_registration_day(dossier.session.first_day),
                )
                reminded.append(dossier)
    return reminded
