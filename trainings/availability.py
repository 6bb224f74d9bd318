"""The seats of a session, as the training page, the search, the admin and the send all count them.

A seat is free unless a dossier holds it or a running waiting-list offer reserves it; a free seat goes to the waiting
list before a new request. Dossiers belong to
`enrolment`, which registers, at start-up, how they are counted (`enrolment.seats.annotations`); this module only
holds the arithmetic and the registry, so that `trainings` never imports `enrolment`.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

_counter = []
# The annotations a counter returns, read by `of`.
FIELDS = ("seats_taken", "seats_offered", "seats_waiting", "seats_offers_end")


@dataclass(frozen=True)
class Availability:
    seats: int
    taken: int  # held by sent, accepted, attended or absent dossiers
    offered: int  # reserved by a waiting-list offer still running
    waiting: int = 0  # on the waiting list without an offer
    offers_end: datetime.datetime | None = None  # when the first running offer runs out

    @property
    def free(self):
        """Seats neither held nor reserved: what the waiting list is offered first."""
        return max(0, self.seats - self.taken - self.offered)

    @property
    def left(self):
        """Seats a new request would get ("N places disponibles"): the free ones the waiting list does not take."""
        return max(0, self.free - self.waiting)

    @property
    def is_full(self):
        return self.left == 0


def register(annotations):
    """`annotations(now, names)` returns the Session queryset annotations named (FIELDS, or `seats_unavailable`:
    taken + offered + waiting) at `now`."""
    _counter[:] = [annotations]


def annotations(now, names=FIELDS):
    if not _counter:
        raise ImproperlyConfigured("No seat counter registered: is the enrolment app installed?")
    return _counter[0](now, names)


def of(session):
    """The availability of a session annotated with `annotations`."""
    return Availability(
        seats=session.seats,
        taken=session.seats_taken,
        offered=session.seats_offered,
        waiting=session.seats_waiting,
        offers_end=session.seats_offers_end,
    )
