"""accounts/password_reset.py: "Mot de passe oublié" does the same work for every address (issue #18, finding 3).

The attack: over 60 interleaved pairs, an address with an account answered in 22/30 ms (p10/median) against
10/16 ms for an unknown one, because the account was looked up and its e-mail rendered and written in the request.
Timing is not asserted here (benchmarks/password_reset_timing.py measures it): these tests check that the
request runs the very same code and the very same SQL for both, and that the e-mail is prepared afterwards.
"""

import io
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import password_reset
from mailing import deferred
from mailing.models import DeferredEmail, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
EXISTING = "marie.existante@example.fr"
UNKNOWN = "personne.inconnue@example.fr"
PROJECT = str(settings.BASE_DIR)
OUTSIDE_PROJECT = (f"{PROJECT}/.venv", f"{PROJECT}/tests")


def request_path(email):
    """Post "Mot de passe oublié" for `email`; return the response, the portal's functions called and the SQL run
    until the response is complete (the work after it, `deferred.run_after_response`, is left out)."""
    calls, queries, answering = [], [], [True]

    def profile(frame, event, arg):
        if event != "call" or not answering[0]:
            return
        code = frame.f_code
        if code is deferred.run_after_response.__code__:
            answering[0] = False
        elif code.co_filename.startswith(PROJECT) and not code.co_filename.startswith(OUTSIDE_PROJECT):
            calls.append(f"{code.co_filename.removeprefix(PROJECT)}:{code.co_name}")

    def record(execute, sql, params, many, context):
        if answering[0]:
            queries.append((sql, tuple("<adresse>" if p == email else type(p).__name__ for p in params or ())))
        return execute(sql, params, many, context)

    client = Client()
    with connection.execute_wrapper(record):
        sys.setprofile(profile)
        try:
            response = client.post(RESET, {"email": email})
        finally:
            sys.setprofile(None)
    assert not answering[0], "the deferred work never ran"
    return response, calls, queries


def test_an_existing_and_an_unknown_address_run_the_same_code_and_the_same_sql(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email=EXISTING)
    request_path(UNKNOWN)  # warm up: imports, template loading, first queries of a connection
    with django_capture_on_commit_callbacks(execute=True):
        existing = request_path(EXISTING)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = request_path(UNKNOWN)
    assert existing[0].status_code == unknown[0].status_code == 302
    assert existing[0].url == unknown[0].url == reverse("accounts:password_reset_done")
    assert existing[1] == unknown[1] and "/accounts/password_reset.py:request_reset" in existing[1]
    assert "/accounts/password_reset.py:mail_reset_link" not in existing[1]  # not in the request
    assert existing[2] == unknown[2]
    assert not any("accounts_user" in sql for sql, _ in existing[2])  # the account is not even looked up
    # After the response: the link goes to the account, nothing to the unknown address, no address kept.
    assert [message.to for message in mailoutbox] == [[EXISTING]]
    assert OutgoingEmail.objects.count() == 1 and not DeferredEmail.objects.exists()


def test_the_link_mailed_after_the_response_resets_the_password(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email=EXISTING)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "Marie.Existante@Example.FR"})
    link = mailoutbox[0].body.split(settings.SITE_URL)[1].split()[0]
    form_url = client.get(link).url
    new = "Nouveau-Mot-de-passe-2026!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


@pytest.mark.parametrize("account", ["inactive", "franceconnect_only"])
def test_no_link_for_an_account_that_cannot_use_one(client, mailoutbox, django_capture_on_commit_callbacks, account):
    user = UserFactory(email=EXISTING, is_active=account != "inactive")
    if account == "franceconnect_only":
        user.set_unusable_password()
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": EXISTING})
    assert response.url == reverse("accounts:password_reset_done") and mailoutbox == []


def test_a_request_left_behind_is_prepared_by_send_outbox(mailoutbox):
    UserFactory(email=EXISTING)
    password_reset.request_reset(EXISTING)  # no response closed: as if the worker had stopped
    assert mailoutbox == [] and DeferredEmail.objects.count() == 1
    call_command("send_outbox", stdout=io.StringIO())
    assert [message.to for message in mailoutbox] == [[EXISTING]] and not DeferredEmail.objects.exists()
