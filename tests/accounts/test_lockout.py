"""accounts/lockout.py with accounts/email_addresses.py: one lockout counter per account, whatever the spelling
of its address (issue #18, finding 1), on the portal's sign-in and on the admin's.

The attack: five wrong passwords lock `elu…@amil.example`; the right password typed as `…@amıl.example`
(dotless ı) then signed in and cleared the lockout, because PostgreSQL's UPPER('ı') is 'I' while the lockout
counted the Python-lower-cased text apart. PostgreSQL folds the long s the same way (UPPER('ſ') = 'S').
"""

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.email_addresses import canonical_email
from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Mauvais-mot-de-passe-1"
PAGES = {"portail": reverse("accounts:login"), "admin": reverse("admin:login")}
EMAIL = "elu.kessler@amélie.example"
# Spellings Unicode maps onto the address (NFKC then case folding): they reach the account, so they count on
# its counter.
SAME_ADDRESS = {
    "capitales": "Elu.Kessler@AMÉLIE.example",
    "signe kelvin": "elu.\u212aessler@amélie.example",
    "s long": "elu.ke\u017f\u017fler@amélie.example",
    "pleine largeur": "\uff45\uff4c\uff55.kessler@amélie.example",
    "accent combiné": "elu.kessler@ame\u0301lie.example",
}
# Spellings that are another address to Unicode, but that a database's case-insensitive comparison may fold
# onto the account: they must never sign in.
LOOK_ALIKES = {
    "i sans point": "elu.kessler@am\u00e9l\u0131e.example",
    "i majuscule pointé": "elu.kessler@am\u00e9l\u0130e.example",
}


@pytest.fixture
def staff_elu(db):
    # Staff, so that the right password also signs into the admin.
    return UserFactory(email=EMAIL, staff=True)


def sign_in(client, page, email, password=TEST_PASSWORD):
    return client.post(PAGES[page], {"username": email, "password": password})


def lock_out(client, page, spellings, settings):
    for index in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, page, spellings[index % len(spellings)], WRONG)
    assert response.status_code == 429
    return response


def signed_in(client):
    return "_auth_user_id" in client.session


def test_canonical_email_maps_compatibility_spellings_and_keeps_other_letters():
    assert {canonical_email(spelling) for spelling in SAME_ADDRESS.values()} == {EMAIL}
    assert canonical_email(" Marie@Example.FR ") == "marie@example.fr"
    assert canonical_email("elu.kessler@am\u00e9l\u0131e.example") != EMAIL  # ı is another letter


@pytest.mark.parametrize("page", PAGES)
def test_failures_through_every_spelling_of_the_address_land_on_the_accounts_counter(staff_elu, settings, page):
    client = Client()
    lock_out(client, page, list(SAME_ADDRESS.values()), settings)
    assert sign_in(client, page, EMAIL).status_code == 429
    assert not signed_in(client)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {EMAIL}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("spelling", [*SAME_ADDRESS.values(), *LOOK_ALIKES.values()])
def test_no_spelling_signs_into_a_locked_account_or_clears_its_lockout(staff_elu, settings, page, spelling):
    client = Client()
    lock_out(client, page, [EMAIL], settings)
    response = sign_in(client, page, spelling)
    assert response.status_code in (200, 429) and not signed_in(client)
    assert sign_in(client, page, EMAIL).status_code == 429
    assert not signed_in(client)


@pytest.mark.parametrize("page", PAGES)
def test_a_success_never_clears_the_lockout_of_another_spelling(staff_elu, settings, page):
    dotless = LOOK_ALIKES["i sans point"]
    client = Client()
    lock_out(client, page, [dotless], settings)
    assert sign_in(client, page, EMAIL).status_code == 302 and signed_in(client)
    assert AccessAttempt.objects.filter(username=canonical_email(dotless)).exists()
    assert sign_in(Client(), page, dotless).status_code == 429


def test_the_mapped_spellings_sign_in_when_nothing_is_locked(staff_elu):
    for spelling in SAME_ADDRESS.values():
        client = Client()
        assert sign_in(client, "portail", spelling).status_code == 302
        assert client.session["_auth_user_id"] == str(staff_elu.pk)


@pytest.mark.postgres
@pytest.mark.parametrize("page", PAGES)
def test_postgresql_case_folding_signs_no_one_into_a_locked_account(settings, page):
    """The attack as found, on the database where it worked: PostgreSQL folds 'ı' onto 'I'."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT UPPER(%s) = UPPER(%s), UPPER(%s) = UPPER(%s)", ["amıl", "amil", "ſ", "s"])
        assert cursor.fetchone() == (True, True)  # the folding the attack relied on is there
    UserFactory(email="elu.demo3@amil.example", staff=True)
    client = Client()
    lock_out(client, page, ["elu.demo3@amil.example"], settings)
    assert sign_in(client, page, "elu.demo3@am\u0131l.example").status_code != 302
    assert not signed_in(client)
    assert sign_in(client, page, "elu.demo3@amil.example").status_code == 429
    assert not signed_in(client)


def test_an_address_saved_in_the_admin_with_capitals_is_stored_in_the_spelling_sign_in_looks_up(staff_elu):
    staff_elu.email = "Elu.Kessler@AMÉLIE.example"
    staff_elu.full_clean(exclude=["password"])
    assert staff_elu.email == EMAIL
    assert User.objects.get_by_natural_key("ELU.KESSLER@amélie.example") == staff_elu
