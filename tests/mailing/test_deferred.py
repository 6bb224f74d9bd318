"""mailing/deferred.py: e-mails asked for in a request, prepared after its response or by send_outbox."""

import pytest

from mailing import deferred
from mailing.models import DeferredEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(monkeypatch):
    seen = []
    monkeypatch.setitem(deferred._preparers, "tests.hello", seen.append)
    return seen


def test_a_deferred_email_is_prepared_once_after_the_response_then_forgotten(prepared):
    deferred.defer("tests.hello", "marie@example.fr")
    assert prepared == [] and DeferredEmail.objects.count() == 1
    deferred.run_after_response()
    deferred.run_after_response()
    assert deferred.prepare() == 0
    assert prepared == ["marie@example.fr"] and not DeferredEmail.objects.exists()


def test_a_failing_preparer_keeps_the_row_for_send_outbox(monkeypatch, caplog):
    def broken(to):
        raise RuntimeError("template missing")

    monkeypatch.setitem(deferred._preparers, "tests.broken", broken)
    deferred.defer("tests.broken", "marie@example.fr")
    deferred.run_after_response()
    assert DeferredEmail.objects.count() == 1 and "not prepared" in caplog.text


def test_an_unknown_email_cannot_be_deferred():
    with pytest.raises(LookupError):
        deferred.defer("tests.nobody", "marie@example.fr")
    assert not DeferredEmail.objects.exists()
