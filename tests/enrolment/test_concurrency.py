"""Real parallel connections on PostgreSQL: row locks must keep the seats and the log exact."""

import threading

import pytest
from django.db import connection, connections, transaction

from enrolment import exceptions, seats, services
from enrolment.models import Dossier, DossierLog, DossierState
from tests.factories import DossierFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(calls):
    """Start every call at the same instant, each in its own thread (hence its own connection)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # every error is a test failure, reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


# Both ways of sending: the service given the dossier (staff, tests), and the élu's own view, which only has the
# dossier's number and finds its session with the seat lock.
SENDS = {
    "submit": lambda dossier, user: services.submit(Dossier.objects.get(pk=dossier.pk), by=user),
    "submit_own": lambda dossier, user: services.submit_own(dossier.pk, elu=user),
}


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
def test_fifty_concurrent_sends_for_fifteen_seats(send):
    session = SessionFactory(seats=15)
    dossiers = [DossierFactory(session=session, user=UserFactory(franceconnect=True)) for _ in range(50)]

    results, errors = run_concurrently([lambda d=d: send(d, d.user).state for d in dossiers])

    assert errors == []
    assert results.count(DossierState.SUBMITTED) == 15 and results.count(DossierState.WAITLISTED) == 35
    states = list(Dossier.objects.filter(session=session).values_list("state", flat=True))
    assert states.count(DossierState.SUBMITTED) == 15 and states.count(DossierState.WAITLISTED) == 35
    assert DossierLog.objects.filter(dossier__session=session).count() == 50
    waiting = list(
        Dossier.objects.filter(state=DossierState.WAITLISTED).order_by("waitlisted_at").values_list("pk", flat=True)
    )
    assert len(set(waiting)) == 35


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
def test_a_double_clicked_send_writes_one_log_row(send):
    user = UserFactory(franceconnect=True)
    dossier = DossierFactory(user=user, session=SessionFactory())
    results, errors = run_concurrently([lambda: send(dossier, user).state for _ in range(5)])
    assert errors == [] and set(results) == {DossierState.SUBMITTED}
    assert Dossier.objects.count() == 1
    assert DossierLog.objects.filter(dossier=dossier).count() == 1


def test_a_double_clicked_create_gives_one_dossier():
    user = UserFactory(franceconnect=True)
    session = SessionFactory()
    results, errors = run_concurrently([lambda: services.create_draft(user, session)[0].pk for _ in range(5)])
    assert errors == [] and len(set(results)) == 1
    assert Dossier.objects.filter(user=user, session=session).count() == 1


def test_a_lock_not_obtained_in_time_asks_to_retry(settings):
    settings.ENROLMENT_LOCK_TIMEOUT_MS = 200
    user = UserFactory(franceconnect=True)
    session = SessionFactory()
    dossier = DossierFactory(user=user, session=session)
    locked, release = threading.Event(), threading.Event()

    def hold_the_session_lock():
        try:
            with transaction.atomic():
                seats.lock_session(session.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_session_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with pytest.raises(exceptions.Busy) as error:
            services.submit(dossier, by=user)
        assert "réessayez" in str(error.value)
    finally:
        release.set()
        holder.join()
    assert connection.vendor == "postgresql"
    assert services.submit(dossier, by=user).state == DossierState.SUBMITTED
