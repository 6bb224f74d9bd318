"""accounts/throttling.py: the account e-mails a visitor can ask for, per address and per client address
(issue #18, finding 3: 80 reset e-mails were queued for 6 addresses in seconds).

Every throttled path is counted the same whether the address has an account or not, and a refusal is a French
message that keeps what was typed."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import throttling
from accounts.models import User
from mailing.models import OutgoingEmail
from tests.accounts.test_signup import VALID, fill_all, post_step
from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
EXISTING = "marie.existante@example.fr"
UNKNOWN = "personne.inconnue@example.fr"


def reset(client, email, ip="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("email", [EXISTING, UNKNOWN])
def test_reset_requests_for_one_address_are_throttled_whether_it_has_an_account_or_not(settings, email):
    UserFactory(email=EXISTING)
    limit = settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS
    # From several client addresses, in several spellings: the attack of the issue, sped up.
    statuses = [
        reset(Client(), email.upper() if n % 2 else email, ip=f"203.0.113.{n}").status_code for n in range(limit + 3)
    ]
    assert statuses == [302] * limit + [429] * 3
    assert OutgoingEmail.objects.count() == (limit if email == EXISTING else 0)  # no more e-mails than the limit
    refused = reset(Client(), email, ip="203.0.113.99")
    assert throttling.MESSAGE in page_text(refused) and f'value="{email}"' in refused.content.decode()
    assert throttling.TITLE in page_text(refused)


def test_reset_requests_from_one_client_are_throttled_across_addresses(settings):
    limit = settings.ACCOUNT_MAIL_LIMIT_PER_CLIENT
    statuses = [reset(Client(), f"elu{n}@example.fr").status_code for n in range(limit + 2)]
    assert statuses == [302] * limit + [429] * 2
    assert reset(Client(), "autre@example.fr", ip="198.51.100.1").status_code == 302  # another client is not


def test_the_throttle_window_ends(settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 1
    assert reset(Client(), UNKNOWN).status_code == 302
    assert reset(Client(), UNKNOWN).status_code == 429
    from django.core.cache import cache

    cache.clear()  # what the hour's expiry does
    assert reset(Client(), UNKNOWN).status_code == 302


def test_the_end_of_sign_up_is_throttled_and_keeps_the_answers(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Signing up again and again with someone's address mailed them "vous avez déjà un compte" each time."""
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 2
    UserFactory(email=VALID["contact"]["email"].lower())
    for attempt in range(3):
        client = Client()
        client.get(reverse("accounts:signup"))
        fill_all(client)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_step(client, "verification", {})
        if attempt < 2:
            assert response.status_code == 302 and response.url == reverse("accounts:activation")
    assert response.status_code == 429
    assert throttling.MESSAGE in page_text(response) and "Vérifiez vos réponses" in page_text(response)
    assert throttling.TITLE in page_text(response)
    assert "Dupont" in page_text(response)  # the answers are still there
    assert len(mailoutbox) <= 2 and User.objects.count() == 1


def test_a_new_code_is_throttled(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 2
    start = datetime.datetime(2026, 12, 2, 9, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        client.get(reverse("accounts:signup"))
        fill_all(client)
        with django_capture_on_commit_callbacks(execute=True):
            post_step(client, "verification", {})  # the first mail: one of the two
    sent = []
    for minute in (2, 4, 6):  # past the one-minute pause between two mails, within the hour
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("accounts:activation_resend"), follow=True)
        sent.append(len(mailoutbox))
    assert sent == [2, 2, 2]
    assert throttling.MESSAGE in page_text(response)
