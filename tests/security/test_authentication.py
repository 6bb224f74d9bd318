"""Sign-in lockout, single-use password-reset links, and no user enumeration (complements tests/accounts).

"Same response" is checked on the whole page, byte for byte once the CSRF token is taken out, for an
existing address and an unknown one: sign-in, lockout, "Mot de passe oublié", and every step of the sign-up.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_signup import VALID, post_step
from tests.factories import TEST_PASSWORD, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
EXISTING = "marie.existante@example.fr"
UNKNOWN = "personne.inconnue@example.fr"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def comparable(response, typed=""):
    """The page without what differs by nature: the CSRF token and the address the visitor typed."""
    text = CSRF.sub("", response.content.decode())
    return text.replace(typed, "<adresse saisie>") if typed else text


@pytest.fixture
def existing(db):
    return UserFactory(email=EXISTING)


def sign_in(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_a_wrong_password_and_an_unknown_address_get_the_very_same_page(existing):
    wrong = sign_in(Client(), EXISTING, "Mauvais-mot-de-passe-1")
    unknown = sign_in(Client(), UNKNOWN, "Mauvais-mot-de-passe-1")
    assert wrong.status_code == unknown.status_code == 200
    assert comparable(wrong, EXISTING) == comparable(unknown, UNKNOWN)


def test_the_lockout_holds_even_with_the_right_password_on_the_portal_and_the_admin(existing, settings):
    client = Client()
    statuses = [sign_in(client, EXISTING, "Mauvais-mot-de-passe-1").status_code for _ in range(5)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert sign_in(client, EXISTING, TEST_PASSWORD).status_code == 429
    admin = client.post(reverse("admin:login"), {"username": EXISTING, "password": TEST_PASSWORD})
    assert admin.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Connexion temporairement bloquée" in page_text(admin)


def test_a_lockout_page_is_the_same_for_an_existing_and_an_unknown_address(existing, settings):
    pages = []
    for email in (EXISTING, UNKNOWN):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = sign_in(client, email, "Mauvais-mot-de-passe-1")
        pages.append(comparable(response, email))
    assert pages[0] == pages[1]


def reset_link(mailoutbox):
    return re.search(r"https?://[^/\s]+(/compte/mot-de-passe-oublie/[^/\s]+/[^/\s]+/)", mailoutbox[-1].body).group(1)


def test_a_password_reset_link_works_once(existing, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("accounts:password_reset"), {"email": EXISTING})
    link = reset_link(mailoutbox)

    first = Client()
    form_url = first.get(link).url
    new = "Nouveau-Mot-de-passe-2026!"
    assert first.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302

    # The same link again, in the same browser or another one: refused, the password stays the one set.
    for browser in (first, Client()):
        response = browser.get(link, follow=True)
        assert "Ce lien n'est plus valable" in page_text(response)
        again = "Troisieme-Mot-de-passe-2026!"
        browser.post(form_url, {"new_password1": again, "new_password2": again})
        existing.refresh_from_db()
        assert existing.check_password(new) and not existing.check_password(again)


def test_a_reset_link_dies_once_the_user_signs_in(existing, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("accounts:password_reset"), {"email": EXISTING})
    link = reset_link(mailoutbox)
    assert sign_in(Client(), EXISTING, TEST_PASSWORD).status_code == 302  # last_login changes
    assert "Ce lien n'est plus valable" in page_text(Client().get(link, follow=True))


def test_password_reset_says_the_same_for_an_existing_and_an_unknown_address(
    existing, mailoutbox, django_capture_on_commit_callbacks
):
    pages = []
    for email in (EXISTING, UNKNOWN):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.status_code == 302
        pages.append((response.url, comparable(client.get(response.url), email)))
    assert pages[0] == pages[1]
    assert [m.to for m in mailoutbox] == [[EXISTING]]  # only the owner of the account hears of it


def sign_up_pages(email, django_capture_on_commit_callbacks):
    """Every answer of the sign-up wizard for `email`, made comparable."""
    client = Client()
    client.get(reverse("accounts:signup"))
    pages = []
    for step, data in VALID.items():
        data = {**data, "email": email} if step == "contact" else data
        response = post_step(client, step, data)
        pages.append((response.status_code, response.get("Location"), comparable(response, email)))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(client, "verification", {})
    pages.append((response.status_code, response["Location"]))
    pages.append(comparable(client.get(response["Location"]), email))
    pages.append(comparable(client.post(reverse("accounts:activation"), {"code": "000000"}), email))
    resend = client.post(reverse("accounts:activation_resend"), follow=True)
    pages.append(comparable(resend, email))
    return pages


def test_sign_up_answers_the_same_whether_the_address_has_an_account_or_not(
    existing, mailoutbox, django_capture_on_commit_callbacks
):
    taken = sign_up_pages(EXISTING, django_capture_on_commit_callbacks)
    free = sign_up_pages("nouvelle.adresse@example.fr", django_capture_on_commit_callbacks)
    assert taken == free
    assert User.objects.filter(email__iexact=EXISTING).count() == 1
    existing.refresh_from_db()
    assert existing.check_password(TEST_PASSWORD)  # the sign-up with a taken address changed nothing


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_an_overlong_address_is_refused_like_any_wrong_one(existing, url_name):
    """django-axes stores the address typed (255 characters at most): a longer one must not break that
    write on PostgreSQL (found by the fuzzing), and repeated ones still count towards the lockout."""
    overlong = "a" * 300 + "@example.fr"
    client = Client()
    response = client.post(reverse(url_name), {"username": overlong, "password": "Mauvais-mot-de-passe-1"})
    assert response.status_code == 200
    assert re.search(r"incorrect|Veuillez compléter correctement", page_text(response))  # each form's usual refusal
    for _ in range(5):
        response = client.post(reverse(url_name), {"username": overlong, "password": "Mauvais-mot-de-passe-1"})
    assert response.status_code == 429
