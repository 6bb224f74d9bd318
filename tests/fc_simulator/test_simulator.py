"""The simulator is a real OpenID Connect provider: the portal's real client signs in through it.

The browser is Django's test client; the client's server-to-server calls (token, userinfo, JWKS) go
through `requests`, which `responses` hands to the simulator's views: HTTP all the way, no shortcut.
"""

import re
import stat
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import franceconnect
from accounts.models import User
from fc_simulator import identities, keys

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fc_simulator.urls")]

SITE = "http://testserver"
ISSUER = f"{SITE}/fc-simulateur/api/v2"


@pytest.fixture
def simulator(settings, tmp_path):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "fc_simulator"]
    settings.SITE_URL = SITE
    settings.FRANCECONNECT_SIMULATOR = True
    settings.FRANCECONNECT_ISSUER = ISSUER
    settings.FRANCECONNECT_CLIENT_ID = "portail-dife-simulateur"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret-du-simulateur"
    settings.FRANCECONNECT_SIMULATOR_KEYS_FILE = tmp_path / "fc-simulator" / "keys.json"
    cache.clear()

    def over_http(request):
        """What the dev server does when the portal calls itself: serve the request with Django."""
        url = urlsplit(request.url)
        server = Client(enforce_csrf_checks=True)
        body = request.body or b""
        response = server.generic(
            request.method,
            f"{url.path}?{url.query}" if url.query else url.path,
            data=body.encode() if isinstance(body, str) else body,
            content_type=request.headers.get("Content-Type", ""),
            headers={k: v for k, v in request.headers.items() if k in ("Authorization", "Accept")},
        )
        return response.status_code, dict(response.items()), response.content

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(re.escape(ISSUER) + r"/.*"), callback=over_http)
        yield rsps
    cache.clear()


def query_of(location):
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def test_sign_in_and_out_through_the_simulator(client, simulator):
    # "S'identifier avec FranceConnect" leads to the simulator's page of test identities.
    response = client.get(reverse("franceconnect:start"), {"next": "/formations/"})
    authorize_url = response["Location"]
    assert authorize_url.startswith(f"{ISSUER}/authorize?")
    page = client.get(authorize_url)
    assert page.status_code == 200
    assert "Choisissez une identité de test" in page.content.decode()
    assert "Marie-Thérèse Jeanne LEFEBVRE" in page.content.decode()

    # Choosing Marie-Thérèse sends the browser back to the portal with a code.
    response = client.post(authorize_url, {"identity": "marie-therese-lefebvre"})
    assert response["Location"].startswith(f"{SITE}/compte/franceconnect/callback/?")
    response = client.get(response["Location"], follow=True)

    user = User.objects.get()
    assert response.redirect_chain[0][0].startswith(reverse("franceconnect:complete"))
    assert (user.birth_name, user.usage_name, user.first_names) == ("LEFEBVRE", "MOREAU", "Marie-Thérèse Jeanne")
    assert (user.birth_place_code, user.email) == ("37003", "mt.moreau@example.fr")
    assert user.verified_by_franceconnect and len(user.franceconnect_sub) == 66
    assert client.session[SESSION_KEY] == str(user.pk)
    # Both algorithms went through: ES256 for the ID token, RS256 for userinfo.
    assert {jwk["alg"] for jwk in keys.jwks()["keys"]} == {"ES256", "RS256"}

    # Signing out goes through the simulator's session/end and back.
    response = client.post(reverse("franceconnect:logout"))
    assert response["Location"].startswith(f"{ISSUER}/session/end?")
    response = client.get(response["Location"])
    assert response["Location"].startswith(f"{SITE}/compte/franceconnect/deconnexion/retour/?state=")
    response = client.get(response["Location"], follow=True)
    assert "Vous êtes déconnecté du portail et de FranceConnect." in [str(m) for m in response.context["messages"]]
    assert SESSION_KEY not in client.session

    # Signing in again finds the same élu by its sub.
    authorize_url = client.get(reverse("franceconnect:start"))["Location"]
    client.get(client.post(authorize_url, {"identity": "marie-therese-lefebvre"})["Location"])
    assert User.objects.count() == 1 and client.session[SESSION_KEY] == str(user.pk)


def test_cancelling_at_the_simulator_is_an_access_denied(client, simulator):
    authorize_url = client.get(reverse("franceconnect:start"))["Location"]
    response = client.post(authorize_url, {"cancel": "1"})
    assert query_of(response["Location"])["error"] == "access_denied"
    response = client.get(response["Location"], follow=True)
    assert [str(m) for m in response.context["messages"]] == [franceconnect.AccessDenied.message]
    assert not User.objects.exists()


def test_the_simulator_refuses_an_unregistered_redirect_uri(client, simulator):
    authorize_url = client.get(reverse("franceconnect:start"))["Location"]
    response = client.get(authorize_url.replace("testserver%2Fcompte", "pirate.example%2Fcompte"))
    assert response.status_code == 400
    assert "redirect_uri" in response.content.decode()


def test_the_simulator_token_endpoint_checks_the_client_and_uses_codes_once(client, simulator):
    authorize_url = client.get(reverse("franceconnect:start"))["Location"]
    code = query_of(client.post(authorize_url, {"identity": "karim-benali"})["Location"])["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{SITE}/compte/franceconnect/callback/",
        "client_id": "portail-dife-simulateur",
    }
    wrong = requests.post(f"{ISSUER}/token", data={**form, "client_secret": "mauvais"}, timeout=5)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    basic = requests.post(
        f"{ISSUER}/token", data=form, auth=("portail-dife-simulateur", "secret-du-simulateur"), timeout=5
    )
    assert basic.status_code == 200 and basic.json()["token_type"] == "Bearer"
    again = requests.post(f"{ISSUER}/token", data=form, auth=("portail-dife-simulateur", "secret-du-simulateur"))
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    userinfo = requests.get(
        f"{ISSUER}/userinfo", headers={"Authorization": f"Bearer {basic.json()['access_token']}"}, timeout=5
    )
    assert userinfo.headers["Content-Type"] == "application/jwt"
    assert requests.get(f"{ISSUER}/userinfo", headers={"Authorization": "Bearer inconnu"}).status_code == 401


def test_the_simulator_publishes_its_discovery_document(simulator):
    document = requests.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).json()
    assert document["issuer"] == ISSUER
    assert document["end_session_endpoint"] == f"{ISSUER}/session/end"
    assert document["jwks_uri"] == f"{ISSUER}/jwks"


def test_the_simulator_keys_are_generated_once_into_a_private_file(simulator, settings):
    path = settings.FRANCECONNECT_SIMULATOR_KEYS_FILE
    assert not path.exists()
    first = keys.jwks()
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.jwks() == first
    assert all("d" not in jwk for jwk in first["keys"])  # only public parts are published


def test_session_end_refuses_a_foreign_id_token(client, simulator):
    response = client.get(
        f"{ISSUER}/session/end",
        {
            "id_token_hint": "e30.e30.c2ln",
            "state": "x" * 32,
            "post_logout_redirect_uri": f"{SITE}/compte/franceconnect/deconnexion/retour/",
        },
    )
    assert response.status_code == 400


def test_test_identities_are_distinct_people():
    assert len({person.key for person in identities.PEOPLE}) == len(identities.PEOPLE) >= 4
    assert identities.find("angela-dubois").claims(["openid", "email"]) == {"email": "angela.dubois@example.fr"}
