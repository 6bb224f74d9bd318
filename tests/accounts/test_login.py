"""accounts/views/login.py: "Se connecter", lockout, "Mot de passe oublié", sign-out, next=."""

import re

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def login(client, email, password=TEST_PASSWORD, next_url=None):
    data = {"username": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_sign_in_page_shows_both_hypotheses_franceconnect_and_the_nir_explanation(client):
    html = client.get(LOGIN + "?next=/formations/3-budget/").content.decode()
    assert "Vous avez déjà un compte" in html and "Connexion avec votre compte" in html
    assert "Vous n'avez pas de compte ?" in html and "Créer mon compte" in html
    assert 'href="/compte/franceconnect/connexion/?next=/formations/3-budget/"' in html
    assert 'href="/compte/inscription/?next=%2Fformations%2F3-budget%2F"' in html
    assert "carte Vitale" in html and "NIR" in html and "ne vous le demande jamais" in html
    assert 'name="next" value="/formations/3-budget/"' in html
    assert reverse("accounts:password_reset") in html
    assert 'aria-current="step"' in html


def test_sign_in_with_email_in_any_case_goes_to_the_rights_page(client):
    user = UserFactory(email="marie@example.fr")
    response = login(client, "Marie@Example.fr")
    assert response.status_code == 302 and response.url == reverse("accounts:rights")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_follows_a_local_next(client):
    UserFactory(email="marie@example.fr")
    response = login(client, "marie@example.fr", next_url="/formations/3-budget/?session=4")
    assert response.url == "/formations/3-budget/?session=4"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "https://testserver.evil.example/",
        " //evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(client, next_url):
    UserFactory(email="marie@example.fr")
    html = client.get(LOGIN, {"next": next_url}).content.decode()
    assert "evil" not in html and "javascript:" not in html
    response = login(client, "marie@example.fr", next_url=next_url)
    assert response.status_code == 302 and response.url == reverse("accounts:rights")


def test_wrong_password_and_unknown_address_get_the_same_french_message(client):
    UserFactory(email="marie@example.fr")
    wrong = login(client, "marie@example.fr", "Mauvais-mot-de-passe-1").content.decode()
    unknown = login(client, "personne@example.fr", "Mauvais-mot-de-passe-1").content.decode()
    message = "Adresse mail ou mot de passe incorrect."
    assert message in wrong and message in unknown
    assert 'value="personne@example.fr"' in unknown  # what was typed is kept
    assert 'class="alert alert-danger error-summary"' in wrong


def test_unconfirmed_account_is_told_after_the_right_password_and_can_get_a_new_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="marie@example.fr", unconfirmed=True)
    html = login(client, "marie@example.fr").content.decode()
    assert "n&#x27;est pas encore confirmée" in html and "_auth_user_id" not in client.session
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:activation_resend"))
    assert mailoutbox[0].to == ["marie@example.fr"]
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    client.post(reverse("accounts:activation"), {"code": code})
    user.refresh_from_db()
    assert user.email_confirmed_at is not None and client.session["_auth_user_id"] == str(user.pk)


def test_unconfirmed_message_needs_the_right_password(client):
    UserFactory(email="marie@example.fr", unconfirmed=True)
    html = login(client, "marie@example.fr", "Mauvais-mot-de-passe-1").content.decode()
    assert "pas encore confirmée" not in html and "Adresse mail ou mot de passe incorrect." in html


def lock_out(client, email, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, email, "Mauvais-mot-de-passe-1")
    return response


def test_repeated_failures_lock_out_with_a_french_page_that_reveals_nothing(client, settings):
    UserFactory(email="marie@example.fr")
    existing = lock_out(client, "marie@example.fr", settings)
    unknown = lock_out(client, "personne@example.fr", settings)
    assert existing.status_code == unknown.status_code == 429
    existing_html, unknown_html = existing.content.decode(), unknown.content.decode()
    assert "Connexion temporairement bloquée" in existing_html and "15 minutes" in existing_html
    assert "marie@example.fr" not in existing_html and "personne@example.fr" not in unknown_html
    # the two pages are identical but for the CSRF token
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", existing_html) == strip.sub("", unknown_html)
    # even the right password is refused while locked
    assert login(client, "marie@example.fr").status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_ignores_the_case_of_the_address(client, settings):
    UserFactory(email="marie@example.fr")
    for index in range(settings.AXES_FAILURE_LIMIT):
        login(client, "Marie@example.fr" if index % 2 else "marie@EXAMPLE.fr", "Mauvais-mot-de-passe-1")
    assert login(client, "marie@example.fr").status_code == 429


def test_sign_out_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("home") and "_auth_user_id" not in client.session


def test_password_reset_mails_a_french_link_only_to_existing_accounts_and_says_the_same(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    UserFactory(email="marie@example.fr")
    for email in ("marie@example.fr", "personne@example.fr"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.url == reverse("accounts:password_reset_done")
    assert "Si un compte existe avec cette adresse" in client.get(response.url).content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["marie@example.fr"]
    assert mailoutbox[0].subject == "Choisir un nouveau mot de passe — Portail DIFE"
    assert settings.SITE_URL + "/compte/mot-de-passe-oublie/" in mailoutbox[0].body


def test_password_reset_sets_a_strong_password_unlocks_and_confirms_the_address(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(email="marie@example.fr", unconfirmed=True)
    lock_out(client, "marie@example.fr", settings)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "marie@example.fr"})
    path = re.search(r"http://[^/]+(/compte/mot-de-passe-oublie/\S+/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(path).url  # Django swaps the token for a session marker
    weak = client.post(form_url, {"new_password1": "faible", "new_password2": "faible"}).content.decode()
    assert "trop court" in weak and 'class="alert alert-danger error-summary"' in weak
    new_password = "Nouveau-Mot-de-passe-2026!"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password) and user.email_confirmed_at is not None
    assert login(client, "marie@example.fr", new_password).url == reverse("accounts:rights")


def test_signed_in_user_visiting_sign_in_goes_on(client):
    client.force_login(UserFactory())
    assert client.get(LOGIN + "?next=/formations/").url == "/formations/"
    assert client.get(LOGIN + "?next=https://evil.example/").url == reverse("accounts:rights")


def test_next_pointing_to_the_sign_in_page_does_not_loop(client):
    client.force_login(UserFactory())
    assert client.get(LOGIN + "?next=" + LOGIN).url == reverse("accounts:rights")
