"""Redis unreachable: the portal goes on without its cache (dife_portal/redis_cache.py), never an error page."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import activation
from enrolment.models import DossierState
from mailing import outbox
from tests.factories import DossierFactory, InvitationFactory, MandateFactory, SessionFactory, UserFactory
from trainings import invitations

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens there once the socket is closed


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "dife_portal.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return cache


def test_every_cache_operation_answers_without_redis(redis_down, caplog, monkeypatch):
    from dife_portal import redis_cache

    monkeypatch.setattr(redis_cache, "_last_warning", [0.0])  # no warning logged yet in this process
    with caplog.at_level(logging.WARNING, logger="dife_portal.redis_cache"):
        assert redis_down.get("k", "absent") == "absent"
        assert redis_down.get_many(["a", "b"]) == {}
        assert redis_down.add("k", 1) is True  # nothing is throttled while the cache is away
        redis_down.set("k", 1)
        redis_down.set_many({"a": 1})
        assert redis_down.delete("k") is False
        assert redis_down.has_key("k") is False
    outage_lines = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
    assert len(outage_lines) == 1  # logged at most every 10 s, not once per call


def test_the_portal_serves_its_pages_and_takes_dossiers_without_redis(client, redis_down):
    session = SessionFactory(days_ahead=30, seats=3, training__title="Le budget communal")
    invitation = InvitationFactory(
        training=session.training, collectivite__name="Amboise", collectivite__kind="commune"
    )
    url = session.training.get_absolute_url()
    for page in ("/", reverse("trainings:search"), f"{reverse('trainings:search')}?q=budget", url):
        assert client.get(page).status_code == 200, page
    assert client.get(reverse("invitation", args=[invitation.token])).status_code == 302
    assert "transmise à la commune d&#x27;Amboise" in client.get(url).content.decode()

    elu = UserFactory(franceconnect=True)
    MandateFactory(user=elu)
    client.force_login(elu)  # the session lives in the database too (cached_db)
    dossier = DossierFactory(user=elu, session=session)
    response = client.post(reverse("enrolment:send", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    for page in (url, reverse("enrolment:list"), reverse("trainings:search")):
        response = client.get(page)
        assert response.status_code == 200 and "Se déconnecter" in response.content.decode(), page
    assert "2 places disponibles sur 3" in client.get(url).content.decode()


def test_mail_and_throttles_go_on_without_redis(redis_down, mailoutbox):
    assert activation.mail_recently_sent("elu@example.fr") is False
    invitation = InvitationFactory()
    email = outbox.queue("mairie@example.fr", "emails/invitations/invitation", invitations.email_context(invitation))
    assert outbox.deliver_after_commit(email) == (1, 0)
    assert [message.to for message in mailoutbox] == [["mairie@example.fr"]]


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(redis_down, monkeypatch):
    from dife_portal import redis_cache
    from dife_portal.redis_cache import RedisCacheClient

    calls = []
    original = RedisCacheClient.get_client

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCacheClient, "get_client", counting)
    for _ in range(5):
        assert redis_down.get("k") is None
    assert len(calls) == 1  # one timeout per worker, not one per cache call of a page
    monkeypatch.setattr(redis_cache.time, "monotonic", lambda: 10**9)  # BREAKER_SECONDS later
    redis_down.get("k")
    assert len(calls) == 2


def test_a_deletion_is_tried_even_while_redis_is_left_alone_and_its_loss_is_an_error(redis_down, monkeypatch, caplog):
    """A sign-out deletes the session from the cache: dropped in silence because an earlier call timed out, it
    would leave the session valid there once Redis answers again."""
    from dife_portal.redis_cache import RedisCacheClient

    calls = []
    original = RedisCacheClient.get_client

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("write", False))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCacheClient, "get_client", counting)
    assert redis_down.get("k") is None  # fails: Redis is left alone for a few seconds
    assert redis_down.get("k") is None
    assert len(calls) == 1
    with caplog.at_level(logging.ERROR, logger="dife_portal.redis_cache"):
        assert redis_down.delete("session") is False
        redis_down.delete_many(["a", "b"])
    assert len(calls) == 3  # both tried
    assert len([r for r in caplog.records if r.levelno == logging.ERROR and "sign-out" in r.getMessage()]) == 2
