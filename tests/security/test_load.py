"""200 élus click "Envoyer mon dossier" at the same instant for a 15-seat session, through gunicorn.

The real HTTP stack (gunicorn with production settings, several workers and threads, PostgreSQL row
locks): exactly 15 dossiers are sent, the 185 others go to the waiting list in a strict order, no answer is
a server error, and each dossier has exactly one log row for its one transition.
"""

import threading
import time
from collections import Counter

import pytest

from enrolment import rules, services
from enrolment.models import Dossier, DossierEvent, DossierLog, DossierState
from mailing.models import OutgoingEmail
from tests.factories import CollectiviteFactory, MandateFactory, SessionFactory, UserFactory
from tests.security.figures import save
from tests.security.server import access_log_statuses, gunicorn, send, signed_in

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ELUS = 200
SEATS = 15


def test_200_concurrent_sends_for_15_seats_through_gunicorn(tmp_path):
    started = time.monotonic()
    session = SessionFactory(seats=SEATS)
    collectivite = CollectiviteFactory()
    people = []
    for _ in range(ELUS):
        user = UserFactory(franceconnect=True)
        MandateFactory(user=user, collectivite=collectivite)
        dossier, _ = services.create_draft(user, session)
        assert not rules.missing_information(dossier)
        people.append((signed_in(user), dossier.pk))

    with gunicorn(tmp_path, workers=3, threads=4) as (url, _, access_log):
        barrier = threading.Barrier(ELUS)
        answers = [None] * ELUS

        def click(index):
            credentials, dossier_pk = people[index]
            barrier.wait(timeout=30)
            try:
                answers[index] = send(url, credentials, dossier_pk)
            except Exception as error:  # noqa: BLE001 - reported below as a failed request
                answers[index] = error

        threads = [threading.Thread(target=click, args=(i,)) for i in range(ELUS)]
        burst = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        burst_seconds = time.monotonic() - burst
        time.sleep(0.3)  # gunicorn writes its access line just after answering
        logged = access_log_statuses(access_log)

    failures = [a for a in answers if not hasattr(a, "status_code")]
    assert failures == [], f"requests that got no answer: {failures[:3]}"
    statuses = Counter(a.status_code for a in answers)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    assert server_errors == 0, statuses
    # Every élu lands on "Votre demande d'inscription est envoyée" (sent or waiting list): none was asked to retry.
    assert statuses == {302: ELUS}
    assert all(a.headers["Location"].endswith("/envoye/") for a in answers), Counter(
        a.headers["Location"][:40] for a in answers
    )

    states = Counter(Dossier.objects.filter(session=session).values_list("state", flat=True))
    assert states == {DossierState.SUBMITTED: SEATS, DossierState.WAITLISTED: ELUS - SEATS}
    # One log row per transition: "created", then exactly one "sent" or "waiting list" row per dossier.
    logs = Counter(DossierLog.objects.filter(dossier__session=session).values_list("dossier_id", "event"))
    assert all(n == 1 for n in logs.values())
    assert sum(1 for (_, event) in logs if event == DossierEvent.SUBMITTED) == SEATS
    assert sum(1 for (_, event) in logs if event == DossierEvent.WAITLISTED) == ELUS - SEATS
    for dossier in Dossier.objects.filter(session=session).prefetch_related("logs"):
        send_log = [log for log in dossier.logs.all() if log.event != DossierEvent.CREATED]
        assert len(send_log) == 1 and send_log[0].from_state == DossierState.DRAFT
        assert send_log[0].to_state == dossier.state
    # The waiting list has a strict order, and each élu got the one e-mail of their transition.
    waiting = list(Dossier.objects.filter(session=session, state=DossierState.WAITLISTED).values_list("waitlisted_at"))
    assert len(set(waiting)) == ELUS - SEATS
    assert OutgoingEmail.objects.count() == ELUS
    assert Counter(logged) == {302: ELUS, 200: Counter(logged)[200]}  # health checks and the sends

    figures = {
        "test": "200 concurrent sends",
        "requests_sent": ELUS,
        "seats": SEATS,
        "submitted": states[DossierState.SUBMITTED],
        "waitlisted": states[DossierState.WAITLISTED],
        "http_5xx": server_errors,
        "burst_seconds": round(burst_seconds, 2),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    save("load", [figures])
    print(figures)
