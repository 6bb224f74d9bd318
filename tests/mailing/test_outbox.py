import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mailing.models import OutgoingEmail
from mailing.outbox import deliver, queue
from tests.smtp import SMTPServer, free_port


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.mark.django_db(transaction=True)
def test_email_is_delivered_over_smtp_after_commit(smtp_settings):
    with SMTPServer(smtp_settings.EMAIL_PORT) as server:
        with transaction.atomic():
            queue("elu@example.fr", "emails/tests/hello", {"name": "Marie"})
            assert server.messages == []  # nothing leaves before the commit
        assert len(server.messages) == 1
    email = OutgoingEmail.objects.get()
    assert email.subject == "Bonjour Marie"
    assert email.sent_at is not None
    assert "Votre demande est enregistrée." in server.messages[0].content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_delivery_after_commit_does_not_read_the_email_again(smtp_settings):
    with SMTPServer(smtp_settings.EMAIL_PORT) as server, CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            queue("elu@example.fr", "emails/tests/hello", {"name": "Marie"})
        assert len(server.messages) == 1
    statements = [q["sql"] for q in queries if not re.match(r"(BEGIN|COMMIT|SAVEPOINT|RELEASE)", q["sql"])]
    assert len(statements) == 2 and statements[0].startswith('INSERT INTO "mailing_outgoingemail"')
    assert statements[1].startswith('UPDATE "mailing_outgoingemail"')  # marked sent, nothing read
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None and email.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing(smtp_settings):
    with SMTPServer(smtp_settings.EMAIL_PORT) as server:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue("elu@example.fr", "emails/tests/hello", {"name": "Marie"})
                raise RuntimeError("the transition failed")
        assert server.messages == []
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_keeps_the_email_and_the_retry_sends_it(smtp_settings, time_machine):
    time_machine.move_to("2026-11-26 10:00 +01:00", tick=False)
    # Nothing listens on the port: the real SMTP backend gets "connection refused".
    with transaction.atomic():
        queue("elu@example.fr", "emails/tests/hello", {"name": "Marie"})
    email = OutgoingEmail.objects.get()
    assert email.sent_at is None and email.attempts == 1 and "ConnectionRefused" in email.last_error

    # Not due yet: a retry right away does nothing.
    with SMTPServer(smtp_settings.EMAIL_PORT) as server:
        assert deliver() == (0, 0)
        time_machine.shift(600)
        call_command("send_outbox", verbosity=0)
        assert len(server.messages) == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 2


ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//AMIL//Portail DIFE//FR\r\nEND:VCALENDAR\r\n"


@pytest.mark.django_db(transaction=True)
def test_attachments_are_stored_with_the_email_and_delivered_after_commit(smtp_settings):
    import email as email_lib

    with SMTPServer(smtp_settings.EMAIL_PORT) as server:
        with transaction.atomic():
            queue(
                "elu@example.fr",
                "emails/tests/hello",
                {"name": "Marie"},
                attachments=[("convocation.ics", ICS.encode(), "text/calendar"), ("note.txt", "Él", "text/plain")],
            )
            assert server.messages == []
        assert len(server.messages) == 1
    message = email_lib.message_from_bytes(server.messages[0].content)
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert set(parts) == {"convocation.ics", "note.txt"}
    assert parts["convocation.ics"].get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in parts["convocation.ics"].get_payload(decode=True).decode()
    assert parts["note.txt"].get_payload(decode=True).decode() == "Él"
    stored = OutgoingEmail.objects.get()
    assert [a.filename for a in stored.attachments.all()] == ["convocation.ics", "note.txt"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_keeps_no_attachment(smtp_settings):
    from mailing.models import OutgoingAttachment

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            queue(
                "elu@example.fr", "emails/tests/hello", {"name": "Marie"}, attachments=[("a.ics", ICS, "text/calendar")]
            )
            raise RuntimeError("the transition failed")
    assert not OutgoingAttachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_email_with_an_attachment_is_retried_with_it(smtp_settings, time_machine):
    time_machine.move_to("2026-11-26 10:00 +01:00", tick=False)
    with transaction.atomic():
        queue("elu@example.fr", "emails/tests/hello", {"name": "Marie"}, attachments=[("a.ics", ICS, "text/calendar")])
    assert OutgoingEmail.objects.get().sent_at is None  # no server yet
    time_machine.shift(600)
    with SMTPServer(smtp_settings.EMAIL_PORT) as server:
        assert deliver() == (1, 0)
    assert b"a.ics" in server.messages[0].content
