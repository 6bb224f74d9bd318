"""The FranceConnect client, end to end through the portal's views, against a provider faked at HTTP."""

# ruff: noqa: F811  (the fixtures `fc` and `fc_settings` are imported, then requested by name)

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from accounts import franceconnect
from accounts.models import User
from accounts.models.user import IdentityMethod
from tests.factories import MandateFactory, UserFactory

from .fake_franceconnect import (  # noqa: F401  (fixtures)
    CLIENT_ID,
    ISSUER,
    SITE_URL,
    SUB,
    ec_key,
    fc,
    fc_settings,
    rsa_key,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def assert_refused(response, error_class):
    """Sent back to the sign-in page with the failure's own message, signed in as nobody, no account."""
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert messages_of(response) == [error_class.message]
    assert SESSION_KEY not in response.wsgi_request.session
    assert franceconnect.SESSION_ID_TOKEN not in response.wsgi_request.session
    assert not User.objects.exists()


# --- The authorize request ------------------------------------------------------------------------------


def test_start_redirects_to_the_authorize_endpoint_with_the_configured_parameters(client, fc):
    params = fc.start(client)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == f"{SITE_URL}/compte/franceconnect/callback/"
    assert params["scope"] == (
        "openid given_name family_name birthdate gender birthplace birthcountry preferred_username email"
    )
    assert params["acr_values"] == "eidas1"
    assert len(params["nonce"]) >= 32 and len(params["state"]) >= 32
    assert params["nonce"] not in params["state"]


def test_each_attempt_gets_its_own_state_and_nonce(client, fc):
    first, second = fc.start(client), fc.start(client)
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]


def test_acr_values_come_from_the_settings(client, fc, settings):
    settings.FRANCECONNECT_ACR_VALUES = "eidas2"
    assert fc.start(client)["acr_values"] == "eidas2"


def test_explicit_endpoint_urls_override_the_issuer_layout(client, fc, settings):
    settings.FRANCECONNECT_AUTHORIZE_URL = "https://autre.fc.test/authorize"
    response = client.get(reverse("franceconnect:start"))
    assert response["Location"].startswith("https://autre.fc.test/authorize?")


def test_only_a_few_attempts_are_kept_per_browser(client, fc):
    for _ in range(franceconnect.MAX_PENDING_FLOWS + 3):
        fc.start(client)
    assert len(client.session[franceconnect.SESSION_FLOWS]) == franceconnect.MAX_PENDING_FLOWS


def test_an_unconfigured_franceconnect_says_so_on_the_sign_in_page(client, fc, settings):
    settings.FRANCECONNECT_CLIENT_ID = ""
    response = client.get(reverse("franceconnect:start"), follow=True)
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert messages_of(response) == [franceconnect.NotConfigured.message]


# --- First and later sign-ins ----------------------------------------------------------------------------


def test_first_sign_in_creates_the_elu_verified_by_franceconnect(client, fc):
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        response = fc.sign_in(client, next_url="/formations/")

    user = User.objects.get()
    assert user.franceconnect_sub == SUB
    assert user.email == "angela.dubois@example.fr"
    assert (user.birth_name, user.usage_name, user.first_names) == ("DUBOIS", "MOREAU", "Angela Claire Louise")
    assert user.birth_date == datetime.date(1962, 8, 24)
    assert (user.birth_place_code, user.birth_country_code, user.gender) == ("75107", "99100", "female")
    assert user.birth_place == "Paris 7e Arrondissement (75)"  # the COG code in words
    assert user.identity_method == IdentityMethod.FRANCECONNECT
    assert user.identity_verified_at == moment
    assert user.verified_by_franceconnect
    assert not user.has_usable_password()
    # Signed in, the ID token kept for the logout, and asked for what is missing.
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[franceconnect.SESSION_ID_TOKEN] == fc.issued_id_tokens[0]
    assert response["Location"] == reverse("franceconnect:complete") + "?next=%2Fformations%2F"


def test_the_client_authenticates_at_the_token_endpoint_and_uses_the_access_token(client, fc):
    fc.sign_in(client)
    sent = fc.token_requests[0]
    assert sent["grant_type"] == ["authorization_code"]
    assert sent["code"] == ["code-de-test"]
    assert sent["client_id"] == [CLIENT_ID] and sent["client_secret"] == ["secret-de-test"]
    assert sent["redirect_uri"] == [f"{SITE_URL}/compte/franceconnect/callback/"]
    assert fc.userinfo_requests == ["Bearer access-token-1"]


def test_later_sign_ins_find_the_elu_by_sub_and_refresh_the_certified_identity(client, fc):
    verified_at = timezone.now() - datetime.timedelta(days=30)
    user = UserFactory(franceconnect=True, franceconnect_sub=SUB, identity_verified_at=verified_at, usage_name="")
    MandateFactory(user=user)
    fc.claims["email"] = "une-autre-adresse@example.fr"

    response = fc.sign_in(client, next_url="/formations/")

    assert response["Location"] == "/formations/"
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.usage_name == "MOREAU"  # identity fields follow FranceConnect
    assert user.email.startswith("elu")  # the contact e-mail stays the élu's choice
    assert user.identity_verified_at == verified_at


def test_an_unsafe_next_is_ignored(client, fc):
    user = UserFactory(franceconnect=True, franceconnect_sub=SUB)
    MandateFactory(user=user)
    response = fc.sign_in(client, next_url="https://pirate.example/")
    assert response["Location"] == reverse("accounts:rights")


def test_an_existing_password_account_with_the_same_email_is_never_taken_over(client, fc):
    owner = UserFactory(email="Angela.Dubois@Example.fr")  # same address, other case
    response = fc.sign_in(client, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:login") + "?next=%2Fcompte%2Ffranceconnect%2Flier%2F"
    assert messages_of(response) == [franceconnect.EmailAlreadyRegistered.message]
    assert "Lier mon compte à FranceConnect" in messages_of(response)[0]
    assert SESSION_KEY not in client.session
    owner.refresh_from_db()
    assert owner.franceconnect_sub is None and not owner.identity_verified
    assert User.objects.count() == 1


def test_an_inactive_account_cannot_sign_in(client, fc):
    UserFactory(franceconnect=True, franceconnect_sub=SUB, is_active=False)
    response = fc.sign_in(client, follow=True)
    assert messages_of(response) == [franceconnect.AccountDisabled.message]
    assert SESSION_KEY not in client.session


def test_rs256_id_token_and_es256_userinfo_are_accepted_too(client, fc):
    fc.id_token_key, fc.userinfo_key = rsa_key(), ec_key()
    fc.sign_in(client)
    assert User.objects.get().franceconnect_sub == SUB


def test_presumed_birth_dates_are_kept_empty_rather_than_refused(client, fc):
    fc.claims["birthdate"] = "1950-00-00"
    fc.sign_in(client)
    assert User.objects.get().birth_date is None


# --- Keys ------------------------------------------------------------------------------------------------


def test_the_provider_keys_are_cached(client, fc):
    fc.sign_in(client)
    client.logout()
    fc.sign_in(client)
    assert fc.jwks_calls == 1


def test_a_rotated_key_is_fetched_again(client, fc):
    fc.sign_in(client)
    client.logout()
    fc.published = [ec_key("ec-2", number=1), rsa_key()]
    fc.id_token_key = ec_key("ec-2", number=1)
    fc.sign_in(client)
    assert fc.jwks_calls == 2
    assert User.objects.count() == 1


# --- Everything that must be refused ------------------------------------------------------------------


def _unknown_kid(fc):
    fc.id_token_key = ec_key("jamais-publiee", number=2)


def _bad_signature(fc):
    # Signed by another key, but claiming the published key's id.
    fc.id_token_key = ec_key("ec-1", number=3)


def _hs256(fc):
    fc.id_token_key = type(fc.id_token_key)("HS256", "ec-1", CLIENT_ID * 2)


def _expired(fc):
    fc.id_token_overrides = {"exp": int(timezone.now().timestamp()) - 120}


CASES = {
    "nonce mismatch": (lambda fc: fc.id_token_overrides.update(nonce="x" * 43), franceconnect.NonceMismatch),
    "nonce missing": (lambda fc: fc.id_token_overrides.update(nonce=None), franceconnect.MalformedToken),
    "bad signature": (_bad_signature, franceconnect.InvalidSignature),
    "symmetric algorithm": (_hs256, franceconnect.InvalidSignature),
    "unknown kid": (_unknown_kid, franceconnect.UnknownSigningKey),
    "wrong audience": (lambda fc: fc.id_token_overrides.update(aud="un-autre-site"), franceconnect.WrongAudience),
    "wrong issuer": (
        lambda fc: fc.id_token_overrides.update(iss="https://faux.test/api/v2"),
        franceconnect.WrongIssuer,
    ),
    "expired ID token": (_expired, franceconnect.TokenExpired),
    "issued in the future": (
        lambda fc: fc.id_token_overrides.update(iat=int(timezone.now().timestamp()) + 3600),
        franceconnect.InvalidIssuedAt,
    ),
    "token endpoint down": (lambda fc: setattr(fc, "token_status", 503), franceconnect.ProviderUnavailable),
    "token endpoint timeout": (
        lambda fc: setattr(fc, "token_failure", requests.ConnectTimeout("délai dépassé")),
        franceconnect.ProviderUnavailable,
    ),
    "token endpoint unreachable": (
        lambda fc: setattr(fc, "token_failure", requests.ConnectionError("refusé")),
        franceconnect.ProviderUnavailable,
    ),
    "code refused": (
        lambda fc: (setattr(fc, "token_status", 400), setattr(fc, "token_body", '{"error": "invalid_grant"}')),
        franceconnect.TokenExchangeFailed,
    ),
    "token answer not JSON": (lambda fc: setattr(fc, "token_body", "<html>"), franceconnect.TokenExchangeFailed),
    "JWKS down": (lambda fc: setattr(fc, "jwks_status", 502), franceconnect.ProviderUnavailable),
    "userinfo refused": (lambda fc: setattr(fc, "userinfo_status", 401), franceconnect.UserinfoFailed),
    "userinfo badly signed": (
        lambda fc: setattr(fc, "userinfo_key", rsa_key("rsa-1", number=4)),
        franceconnect.InvalidSignature,
    ),
    "userinfo for another audience": (
        lambda fc: fc.userinfo_overrides.update(aud="un-autre-site"),
        franceconnect.WrongAudience,
    ),
    "userinfo about someone else": (
        lambda fc: fc.userinfo_overrides.update(sub="quelqu-un-d-autre"),
        franceconnect.SubjectMismatch,
    ),
    "e-mail missing": (lambda fc: fc.userinfo_overrides.update(email=None), franceconnect.MissingClaims),
}


@pytest.mark.parametrize("misbehave, error_class", CASES.values(), ids=CASES.keys())
def test_a_bad_answer_is_refused_with_its_own_message(client, fc, misbehave, error_class):
    misbehave(fc)
    assert_refused(fc.sign_in(client, follow=True), error_class)


def test_every_failure_has_its_own_french_message():
    classes = [cls for cls in vars(franceconnect).values() if isinstance(cls, type) and issubclass(cls, Exception)]
    failures = [cls for cls in classes if issubclass(cls, franceconnect.FranceConnectError)]
    assert len(failures) > 20
    assert len({cls.message for cls in failures}) == len(failures)


def test_an_unknown_kid_is_looked_up_again_before_refusing(client, fc):
    fc.sign_in(client, follow=True)
    client.logout()
    _unknown_kid(fc)
    response = fc.sign_in(client, follow=True)
    assert messages_of(response) == [franceconnect.UnknownSigningKey.message]
    assert fc.jwks_calls == 2


def test_a_lower_assurance_level_than_requested_is_refused(client, fc, settings):
    settings.FRANCECONNECT_ACR_VALUES = "eidas2"
    fc.acr = "eidas1"
    assert_refused(fc.sign_in(client, follow=True), franceconnect.InsufficientAssurance)


def test_an_id_token_without_acr_is_refused_saying_the_level_is_missing_and_logs_it(client, fc, caplog):
    fc.acr = None  # left out of the signed ID token
    with caplog.at_level("WARNING", logger="accounts.franceconnect"):
        response = fc.sign_in(client, follow=True)
    assert_refused(response, franceconnect.MissingAssuranceLevel)
    assert "n'a pas indiqué le niveau de sécurité" in messages_of(response)[0]
    assert "insuffisant" not in messages_of(response)[0]
    assert "MissingAssuranceLevel (no acr in the ID token, 'eidas1' requested)" in caplog.text


def test_the_user_cancelling_at_franceconnect_is_told_so(client, fc):
    params = fc.start(client)
    response = client.get(
        reverse("franceconnect:callback"), {"error": "access_denied", "state": params["state"]}, follow=True
    )
    assert_refused(response, franceconnect.AccessDenied)
    assert fc.token_requests == []


def test_another_provider_error_is_reported(client, fc):
    params = fc.start(client)
    response = client.get(
        reverse("franceconnect:callback"),
        {"error": "server_error", "error_description": "<b>panne</b>", "state": params["state"]},
        follow=True,
    )
    assert_refused(response, franceconnect.ProviderError)


def test_a_tampered_state_is_refused(client, fc):
    params = fc.start(client)
    params["state"] = params["state"][:-2] + "xx"
    assert_refused(fc.come_back(client, params, follow=True), franceconnect.InvalidState)
    assert fc.token_requests == []


def test_a_missing_state_is_refused(client, fc):
    fc.start(client)
    response = client.get(reverse("franceconnect:callback"), {"code": "code-de-test"}, follow=True)
    assert_refused(response, franceconnect.InvalidState)


def test_a_state_is_used_only_once(client, fc):
    params = fc.start(client)
    client.get(reverse("franceconnect:callback"), {"error": "access_denied", "state": params["state"]}, follow=True)
    assert_refused(fc.come_back(client, params, follow=True), franceconnect.InvalidState)
    assert fc.token_requests == []


def test_replaying_the_callback_after_a_sign_in_is_refused(client, fc):
    params = fc.start(client)
    fc.come_back(client, params)
    response = fc.come_back(client, params, follow=True)
    assert messages_of(response)[-1] == franceconnect.InvalidState.message
    assert len(fc.token_requests) == 1 and User.objects.count() == 1


def test_a_state_from_another_browser_is_refused(client, fc):
    from django.test import Client

    params = fc.start(Client())
    assert_refused(fc.come_back(client, params, follow=True), franceconnect.InvalidState)


def test_an_old_state_expires(client, fc, settings):
    params = fc.start(client)
    later = timezone.now() + datetime.timedelta(seconds=settings.FRANCECONNECT_STATE_MAX_AGE + 5)
    with time_machine.travel(later):
        response = fc.come_back(client, params, follow=True)
    assert_refused(response, franceconnect.ExpiredState)
    assert franceconnect.SESSION_FLOWS in client.session and not client.session[franceconnect.SESSION_FLOWS]


# --- Linking a password account --------------------------------------------------------------------------


def test_a_signed_in_elu_links_the_account_to_franceconnect(client, fc):
    user = UserFactory(email="marie.martin@example.fr", birth_name="Martin", first_names="Marie")
    client.force_login(user)
    response = client.post(reverse("franceconnect:link"), {"next": "/compte/droits/"})
    location = urlsplit(response["Location"])
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    fc.nonce = params["nonce"]

    response = fc.come_back(client, params, follow=True)

    assert response.redirect_chain[0] == ("/compte/droits/", 302)
    assert messages_of(response) == ["Votre compte est lié à FranceConnect : votre identité est vérifiée."]
    user.refresh_from_db()
    assert user.franceconnect_sub == SUB
    assert user.verified_by_franceconnect
    assert user.birth_name == "DUBOIS" and user.first_names == "Angela Claire Louise"
    assert user.email == "marie.martin@example.fr"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[franceconnect.SESSION_ID_TOKEN] == fc.issued_id_tokens[0]
    assert User.objects.count() == 1


def test_linking_needs_a_signed_in_elu(client, fc):
    response = client.post(reverse("franceconnect:link"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_linking_page_explains_and_offers_the_button(client, fc):
    client.force_login(UserFactory())
    html = client.get(reverse("franceconnect:link")).content.decode()
    assert "Lier mon compte à FranceConnect" in html and 'method="post"' in html


def test_an_identity_already_linked_to_another_account_is_refused(client, fc):
    UserFactory(franceconnect=True, franceconnect_sub=SUB)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("franceconnect:link"))
    params = {name: values[0] for name, values in parse_qs(urlsplit(response["Location"]).query).items()}
    fc.nonce = params["nonce"]

    response = fc.come_back(client, params, follow=True)

    assert messages_of(response) == [franceconnect.IdentityLinkedElsewhere.message]
    assert response.redirect_chain[0][0] == reverse("franceconnect:link")
    user.refresh_from_db()
    assert user.franceconnect_sub is None and not user.identity_verified


def test_a_link_started_by_another_user_of_the_browser_is_refused(client, fc):
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    response = client.post(reverse("franceconnect:link"))
    params = {name: values[0] for name, values in parse_qs(urlsplit(response["Location"]).query).items()}
    # The session keeps its data when the same user signs in again; make the flow survive a user switch.
    session = client.session
    flows = session[franceconnect.SESSION_FLOWS]
    client.force_login(second)
    session = client.session
    session[franceconnect.SESSION_FLOWS] = flows
    session.save()

    response = fc.come_back(client, params, follow=True)

    assert messages_of(response) == [franceconnect.InvalidState.message]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.franceconnect_sub is None and second.franceconnect_sub is None


# --- Signing out ------------------------------------------------------------------------------------------


def test_signing_out_after_franceconnect_goes_through_its_logout(client, fc):
    fc.sign_in(client, follow=True)
    id_token = fc.issued_id_tokens[0]

    response = client.post(reverse("franceconnect:logout"))

    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/session/end"
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == f"{SITE_URL}/compte/franceconnect/deconnexion/retour/"
    assert len(params["state"]) >= 32
    assert SESSION_KEY not in client.session

    response = client.get(reverse("franceconnect:logout_callback"), {"state": params["state"]}, follow=True)
    assert messages_of(response) == ["Vous êtes déconnecté du portail et de FranceConnect."]


def test_a_logout_return_with_a_wrong_state_says_nothing(client, fc):
    fc.sign_in(client, follow=True)
    client.post(reverse("franceconnect:logout"))
    response = client.get(reverse("franceconnect:logout_callback"), {"state": "x" * 43}, follow=True)
    assert messages_of(response) == []


def test_signing_out_of_a_password_session_stays_on_the_portal(client):
    client.force_login(UserFactory())
    response = client.post(reverse("franceconnect:logout"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert messages_of(response) == ["Vous êtes déconnecté."]
    assert SESSION_KEY not in client.session


def test_signing_out_needs_a_post(client):
    assert client.get(reverse("franceconnect:logout")).status_code == 405


def test_the_header_sign_out_button_goes_through_the_branching_logout(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("franceconnect:logout")}"' in html


def test_a_birth_abroad_is_named_by_its_country(client, fc):
    fc.claims.update(birthplace="", birthcountry="99352")
    fc.sign_in(client, next_url="/formations/")
    assert User.objects.get().birth_place == "Algérie"
