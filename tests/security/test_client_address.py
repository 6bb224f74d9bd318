"""Sign-in lockout behind a reverse proxy: failures are counted per real client address (django-ipware)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def fail(client, client_address, times):
    for _ in range(times):
        response = client.post(
            reverse("accounts:login"),
            {"username": "marie@example.fr", "password": "Mauvais-mot-de-passe-1"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_address,
        )
    return response


@pytest.fixture
def behind_a_proxy(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0


def test_behind_a_proxy_one_client_locked_out_does_not_lock_the_others(client, settings, behind_a_proxy):
    UserFactory(email="marie@example.fr")
    assert fail(client, "203.0.113.7", settings.AXES_FAILURE_LIMIT).status_code == 429
    # The same address through the same proxy, from another client: not locked.
    assert fail(client, "198.51.100.23", 1).status_code == 200
    assert fail(client, "203.0.113.7", 1).status_code == 429


def test_without_a_declared_proxy_the_forwarded_header_is_ignored(client, settings):
    """A client cannot escape the lockout by making up an X-Forwarded-For header."""
    UserFactory(email="marie@example.fr")
    for index in range(settings.AXES_FAILURE_LIMIT):
        response = fail(client, f"203.0.113.{index}", 1)
    assert response.status_code == 429
    assert fail(client, "198.51.100.23", 1).status_code == 429
