"""Faults under load, on the real HTTP stack (gunicorn against PostgreSQL):

- database connections killed (pg_terminate_backend) while requests are in flight: those requests get the
  French 503 page, the app recovers without a restart, and no dossier is half-written (a transition, its
  log row and its e-mail are committed together or not at all);
- the outgoing mail server down while élus send their dossiers: the transitions are kept, the e-mails wait
  in the outbox without slowing the élus down, and `send_outbox` delivers them to a real SMTP server later.
"""

import datetime
import socket
import struct
import threading
import time
from collections import Counter

import psycopg
import pytest
import requests
from django.core.management import call_command
from django.db import connection

from enrolment import services
from enrolment.models import Dossier, DossierEvent, DossierLog, DossierState
from mailing.models import OutgoingEmail
from tests.factories import CollectiviteFactory, MandateFactory, SessionFactory, UserFactory
from tests.security.figures import save
from tests.security.server import APPLICATION_NAME, free_port, gunicorn, send, signed_in
from tests.smtp import SMTPServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEATS = 15
SEND_EVENTS = (DossierEvent.SUBMITTED, DossierEvent.WAITLISTED)


def elus_with_drafts(session, count):
    collectivite = CollectiviteFactory()
    people = []
    for _ in range(count):
        user = UserFactory(franceconnect=True)
        MandateFactory(user=user, collectivite=collectivite)
        dossier, _ = services.create_draft(user, session)
        people.append({"credentials": signed_in(user), "dossier": dossier.pk, "email": user.email})
    return people


def admin_connection():
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    )


def app_backends(cursor, waiting_on_lock=False):
    # Inside a transaction PostgreSQL keeps one snapshot of the statistics views: take a fresh one.
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s"
    if waiting_on_lock:
        query += " AND wait_event_type = 'Lock'"
    cursor.execute(query, [APPLICATION_NAME])
    return [row[0] for row in cursor.fetchall()]


def assert_no_half_written_dossier(session):
    """Each dossier is either a draft with no send row, or sent/waiting with exactly one send row from draft;
    each send row has its e-mail; the seats are never exceeded."""
    sends = Counter()
    for dossier in Dossier.objects.filter(session=session).prefetch_related("logs"):
        rows = [log for log in dossier.logs.all() if log.event in SEND_EVENTS]
        if dossier.state == DossierState.DRAFT:
            assert rows == [] and dossier.submitted_at is None, f"dossier {dossier.pk} half-written"
        else:
            assert dossier.state in (DossierState.SUBMITTED, DossierState.WAITLISTED)
            assert len(rows) == 1 and rows[0].from_state == DossierState.DRAFT and rows[0].to_state == dossier.state
        sends[dossier.state] += 1
    assert sends[DossierState.SUBMITTED] <= SEATS
    sent_rows = DossierLog.objects.filter(dossier__session=session, event__in=SEND_EVENTS).count()
    assert OutgoingEmail.objects.count() == sent_rows  # the e-mail was committed with its transition
    return sends


def assert_french_503(response):
    assert response.status_code == 503
    assert response.headers.get("Retry-After") == "5"
    text = response.content.decode()
    assert 'lang="fr"' in text and "Service momentanément indisponible" in text


def test_killed_database_connections_give_a_french_503_and_leave_no_half_written_dossier(tmp_path):
    started = time.monotonic()
    session = SessionFactory(seats=SEATS)
    people = elus_with_drafts(session, 60)
    figures = {"test": "database connections killed", "requests_sent": 0}

    # Persistent connections (with health checks): a killed idle connection is replaced, a killed busy one fails.
    with gunicorn(tmp_path, workers=2, threads=4, CONN_MAX_AGE=30, ENROLMENT_LOCK_TIMEOUT_MS=20000) as (
        url,
        process,
        _,
    ):
        error_log = tmp_path / "error.log"
        booted = error_log.read_text().count("Booting worker")
        killer = admin_connection()
        cursor = killer.cursor()

        # 1. Requests caught inside their transaction (the outbox table is locked: the first one has already
        # updated its dossier and written its log row, the others wait for the session row), then killed.
        caught = people[:6]
        answers = {}
        with killer.transaction():
            cursor.execute("LOCK TABLE mailing_outgoingemail IN EXCLUSIVE MODE")
            threads = [
                threading.Thread(
                    target=lambda p=p: answers.__setitem__(p["dossier"], send(url, p["credentials"], p["dossier"]))
                )
                for p in caught
            ]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 20
            while len(app_backends(cursor, waiting_on_lock=True)) < len(caught) and time.monotonic() < deadline:
                time.sleep(0.05)
            waiting = app_backends(cursor, waiting_on_lock=True)
            assert len(waiting) >= 2, "the sends did not reach the database"
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'enrolment_dossierlog' AND l.mode = 'RowExclusiveLock' AND l.granted "
                "AND l.pid = ANY(%s)",
                [waiting],
            )
            assert cursor.fetchone()[0] >= 1, "no request had written its log row yet"
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [waiting])
        for thread in threads:
            thread.join(timeout=30)
        assert len(answers) == len(caught)
        killed_in_flight = [pk for pk, response in answers.items() if response.status_code == 503]
        assert len(killed_in_flight) == len(waiting)
        for pk, response in answers.items():
            if response.status_code == 503:
                assert_french_503(response)
                assert Dossier.objects.get(pk=pk).state == DossierState.DRAFT  # rolled back as a whole
            else:  # reached the database after the kill: sent normally
                assert response.status_code == 302
        assert_no_half_written_dossier(session)

        # 2. A burst of sends and page views while every connection of the app is killed every 100 ms.
        statuses, stop = Counter(), threading.Event()
        queue = list(people[6:])
        lock = threading.Lock()

        def client():
            while not stop.is_set():
                with lock:
                    person = queue.pop() if queue else None
                if person is None:
                    response = requests.get(f"{url}/formations/", timeout=30)
                else:
                    response = send(url, person["credentials"], person["dossier"], timeout=30)
                    if response.status_code == 503:
                        assert_french_503(response)
                    detail = requests.get(
                        f"{url}/dossiers/{person['dossier']}/",
                        headers={"Cookie": person["credentials"]["cookie"]},
                        timeout=30,
                    )
                    with lock:
                        statuses[detail.status_code] += 1
                with lock:
                    statuses[response.status_code] += 1

        workers = [threading.Thread(target=client) for _ in range(8)]
        kills = 0
        for worker in workers:
            worker.start()
        burst_end = time.monotonic() + 6
        while time.monotonic() < burst_end:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [APPLICATION_NAME],
            )
            kills += cursor.fetchone()[0]
            time.sleep(0.1)
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
        killer.close()

        if not set(statuses) <= {200, 302, 503}:
            output = (tmp_path / "output.log").read_text() + (tmp_path / "error.log").read_text()
            start = max(output.find("Internal Server Error"), output.find("Error handling request"), 0)
            print(output[start : start + 20000])  # shown by pytest with the failure
        assert set(statuses) <= {200, 302, 503}, statuses
        assert statuses[503] >= 1 and kills >= 10, (statuses, kills)
        assert_no_half_written_dossier(session)

        # 3. Recovery without a restart: same processes, same workers, the database answers again, and the
        # élus whose click failed simply click again.
        assert process.poll() is None
        assert requests.get(f"{url}/sante/", timeout=10).status_code == 200
        retried = Counter()
        for person in people:
            if Dossier.objects.get(pk=person["dossier"]).state == DossierState.DRAFT:
                retried[send(url, person["credentials"], person["dossier"]).status_code] += 1
        assert set(retried) <= {302}, retried
        assert error_log.read_text().count("Booting worker") == booted  # no worker was replaced

    sends = assert_no_half_written_dossier(session)
    assert sends == {DossierState.SUBMITTED: SEATS, DossierState.WAITLISTED: len(people) - SEATS}
    requests_sent = len(caught) + sum(statuses.values()) + sum(retried.values())
    figures.update(
        requests_sent=requests_sent,
        connections_killed=kills + len(killed_in_flight),
        killed_inside_a_transaction=len(killed_in_flight),
        http_503=statuses[503] + len(killed_in_flight),
        http_5xx_other=0,
        resent_after_recovery=sum(retried.values()),
        submitted=sends[DossierState.SUBMITTED],
        waitlisted=sends[DossierState.WAITLISTED],
        total_seconds=round(time.monotonic() - started, 1),
    )
    save("faults-db", [figures])
    print(figures)


class SilentServer:
    """Accepts TCP connections and never says a word: an SMTP server that hangs."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(50)
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        for conn in self.accepted:  # reset, not closed politely: the port is free again at once
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.mark.parametrize("failure", ["refused", "silent"])
def test_mail_server_down_keeps_the_transitions_and_delivers_later(tmp_path, settings, time_machine, failure):
    started = time.monotonic()
    session = SessionFactory(seats=SEATS)
    people = elus_with_drafts(session, 20)
    port = free_port()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_TIMEOUT": 10,
    }
    down = SilentServer(port) if failure == "silent" else None
    durations, statuses = [], Counter()
    try:
        if down:
            down.__enter__()
        with gunicorn(tmp_path, workers=2, threads=4, **smtp) as (url, _, _):
            barrier = threading.Barrier(len(people))

            def click(person):
                barrier.wait(timeout=30)
                begin = time.monotonic()
                response = send(url, person["credentials"], person["dossier"])
                durations.append(time.monotonic() - begin)
                statuses[response.status_code] += 1

            threads = [threading.Thread(target=click, args=(p,)) for p in people]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
    finally:
        if down:
            down.__exit__()

    # The élus were answered, the transitions are kept, and every e-mail waits in the outbox.
    assert statuses == {302: len(people)}
    sends = assert_no_half_written_dossier(session)
    assert sends == {DossierState.SUBMITTED: SEATS, DossierState.WAITLISTED: len(people) - SEATS}
    pending = OutgoingEmail.objects.filter(sent_at__isnull=True)
    assert pending.count() == len(people)
    assert any(e.attempts >= 1 and e.last_error for e in pending)  # tried once, then left to send_outbox
    # Nobody waits for a mail server that does not answer (EMAIL_TIMEOUT is 10 s; the in-request try is 3 s,
    # then skipped while the server is known to be down).
    assert max(durations) < 8, f"an élu waited {max(durations):.1f} s for the mail server"

    # Later, the mail server is back: the scheduler's `send_outbox` delivers every e-mail, once.
    for key, value in smtp.items():
        setattr(settings, key, value)
    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    with SMTPServer(port) as server:
        call_command("send_outbox")
        call_command("send_outbox")
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert sorted(m.rcpt_tos[0] for m in server.messages) == sorted(p["email"] for p in people)
    save(
        f"faults-smtp-{failure}",
        [
            {
                "test": f"mail server down ({failure})",
                "requests_sent": len(people),
                "http_5xx": sum(n for s, n in statuses.items() if s >= 500),
                "slowest_answer_seconds": round(max(durations), 2),
                "emails_queued": len(people),
                "emails_delivered_later": len(server.messages),
                "total_seconds": round(time.monotonic() - started, 1),
            }
        ],
    )
