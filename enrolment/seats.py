"""Seats of a session, counted only while the session row is locked.

Lock discipline (every service follows it, so two transactions never wait for each other in a cycle):
Session row → Dossier rows (ordered by pk) → IdentityDocument row. On PostgreSQL each lock waits at most
ENROLMENT_LOCK_TIMEOUT_MS; then the service raises `Busy` and the élu is asked to retry.

A seat is held by a dossier in SEAT_HOLDING_STATES, and reserved by a waiting-list dossier whose seat offer
has not expired yet: a new request never takes a seat that was offered to someone else.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from trainings.models import Session

from .exceptions import Busy
from .models import SEAT_HOLDING_STATES, Dossier, DossierState

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL SQLSTATE for lock_timeout


def _is_lock_timeout(error):
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE or getattr(cause, "pgcode", None) == (
        LOCK_NOT_AVAILABLE
    )


@contextmanager
def locking_transaction():
    """`transaction.atomic` with a short lock timeout; a lock not obtained in time becomes `Busy`."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)", [f"{settings.ENROLMENT_LOCK_TIMEOUT_MS}ms"]
                    )
            yield
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise Busy() from error
        raise


def lock_session(session_pk):
    """Lock and return the session row (its training read along, not locked). Call inside `locking_transaction()`,
    before locking any dossier."""
    return Session.objects.select_for_update(of=("self",)).select_related("training").get(pk=session_pk)


def lock_session_of(dossier_pk):
    """`lock_session` for a caller that only has a dossier's number: its session is found and locked in the same
    query (Session.DoesNotExist if there is no such dossier)."""
    return Session.objects.select_for_update(of=("self",)).select_related("training").get(dossiers__pk=dossier_pk)


def _per_session(dossiers, value):
    return Subquery(dossiers.filter(session=OuterRef("pk")).order_by().values("session").annotate(v=value).values("v"))


def _conditions(now):
    """The one rule for the seats of a session at `now`: held by a dossier in SEAT_HOLDING_STATES, reserved by a
    waiting-list offer that has not run out, or waited for (on the waiting list without an offer yet)."""
    waitlisted = Q(state=DossierState.WAITLISTED)
    return {
        "taken": Q(state__in=SEAT_HOLDING_STATES),
        "offered": waitlisted & Q(offer_expires_at__gt=now),
        "waiting": waitlisted & Q(offer_expires_at__isnull=True),
    }


def _count(condition):
    # COUNT(*) lets PostgreSQL answer from the dossier (session, state) index.
    return Coalesce(_per_session(Dossier.objects.filter(condition), Count("*")), 0)


def annotations(now, names):
    """The rule as Session queryset annotations, those in `names` (registered in trainings.availability): the
    seats taken, offered, waited for, all three together (`seats_unavailable`: what a new request cannot get),
    and when the first running offer ends."""
    conditions = _conditions(now)
    conditions["unavailable"] = conditions["taken"] | conditions["offered"] | conditions["waiting"]
    found = {}
    for name in names:
        if name == "seats_offers_end":
            found[name] = _per_session(Dossier.objects.filter(conditions["offered"]), Min("offer_expires_at"))
        else:
            found[name] = _count(conditions[name.removeprefix("seats_")])
    return found


def availability(session, now):
    """Count the seats of `session` at `now` in one query. Exact only while the session row is locked."""
    return Session.objects.with_availability(now).only("seats").get(pk=session.pk).availability


def next_on_waiting_list(session, limit):
    """The first `limit` waiting-list dossiers without an offer, in the order they joined, locked."""
    return list(
        Dossier.objects.select_for_update()
        .filter(session_id=session.pk, state=DossierState.WAITLISTED, offer_expires_at__isnull=True)
        .order_by("waitlisted_at", "pk")[:limit]
    )


def _waiting_ahead():
    """Subquery: the waiting-list dossiers of the outer dossier's session that joined before it."""
    outer_at = OuterRef("waitlisted_at")
    return (
        Dossier.objects.filter(session_id=OuterRef("session_id"), state=DossierState.WAITLISTED)
        .filter(Q(waitlisted_at__lt=outer_at) | Q(waitlisted_at=outer_at, pk__lt=OuterRef("pk")))
        .order_by()
        .values("session_id")
        .annotate(count=Count("*"))
        .values("count")
    )


def with_waiting_list_position(dossiers):
    """Annotate `waiting_ahead` (waiting-list dossiers of the same session ahead of each one): one subquery."""
    return dossiers.annotate(waiting_ahead=Coalesce(Subquery(_waiting_ahead()), 0))


def read_waiting_list_positions(dossiers):
    """Give each waiting-list dossier of `dossiers` its `waiting_ahead` (as `with_waiting_list_position` does) in one
    query, and none when no dossier is on the list: a page that lists dossiers then reads `waiting_list_position`."""
    waitlisted = [dossier for dossier in dossiers if dossier.state == DossierState.WAITLISTED]
    if not waitlisted:
        return
    ahead = dict(
        with_waiting_list_position(Dossier.objects.filter(pk__in=[dossier.pk for dossier in waitlisted])).values_list(
            "pk", "waiting_ahead"
        )
    )
    for dossier in waitlisted:
        dossier.waiting_ahead = ahead[dossier.pk]


def waiting_list_position(dossier):
    """1 for the first on its session's waiting list (by the moment it joined); None when not on the list."""
    if dossier.state != DossierState.WAITLISTED:
        return None
    ahead = getattr(dossier, "waiting_ahead", None)
    if ahead is None:
        ahead = with_waiting_list_position(Dossier.objects.filter(pk=dossier.pk)).values_list(
            "waiting_ahead", flat=True
        )[0]
    return ahead + 1
