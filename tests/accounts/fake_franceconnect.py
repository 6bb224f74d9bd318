"""A FranceConnect faked at the HTTP boundary only: real keys, real signed tokens, `responses` answering.

The portal's client (accounts/franceconnect.py) runs unmodified against it.
"""

import functools
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.urls import reverse

ISSUER = "https://fc.test/api/v2"
CLIENT_ID = "portail-dife-test"
CLIENT_SECRET = "secret-de-test"
SITE_URL = "https://portail.test"
SUB = "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1"


@dataclass(frozen=True)
class SigningKey:
    alg: str
    kid: str
    private_key: object

    def public_jwk(self):
        jwk = jwt.get_algorithm_by_name(self.alg).to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def sign(self, claims, kid=None):
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers={"kid": kid or self.kid})


@functools.cache
def _private_key(kind, number):
    # Generated once per test process: RSA generation is the slow part.
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key(kid="ec-1", number=0):
    return SigningKey("ES256", kid, _private_key("ec", number))


def rsa_key(kid="rsa-1", number=0):
    return SigningKey("RS256", kid, _private_key("rsa", number))


def default_claims():
    return {
        "given_name": "Angela Claire Louise",
        "family_name": "DUBOIS",
        "preferred_username": "MOREAU",
        "birthdate": "1962-08-24",
        "gender": "female",
        "birthplace": "75107",
        "birthcountry": "99100",
        "email": "angela.dubois@example.fr",
    }


class FakeFranceConnect:
    """Answers the token, userinfo and JWKS endpoints; tests change its attributes to misbehave."""

    def __init__(self, rsps):
        self.rsps = rsps
        self.published = [ec_key(), rsa_key()]
        self.id_token_key = ec_key()
        self.userinfo_key = rsa_key()
        self.sub = SUB
        self.claims = default_claims()
        self.acr = "eidas1"
        self.nonce = None
        self.id_token_overrides = {}
        self.userinfo_overrides = {}
        self.token_failure = None  # an exception raised by the HTTP layer
        self.token_status = 200
        self.token_body = None  # replaces the JSON answer when set
        self.userinfo_status = 200
        self.jwks_status = 200
        self.token_requests = []
        self.userinfo_requests = []
        self.issued_id_tokens = []
        rsps.add_callback(responses.POST, f"{ISSUER}/token", callback=self._token)
        rsps.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=self._userinfo)
        rsps.add_callback(responses.GET, f"{ISSUER}/jwks", callback=self._jwks)

    @property
    def jwks_calls(self):
        return sum(1 for call in self.rsps.calls if call.request.url == f"{ISSUER}/jwks")

    def id_token(self):
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": self.sub,
            "aud": CLIENT_ID,
            "exp": now + 60,
            "iat": now,
            "nonce": self.nonce,
            "acr": self.acr,
            "amr": ["pwd"],
        }
        claims.update(self.id_token_overrides)
        return self.id_token_key.sign({k: v for k, v in claims.items() if v is not None})

    def userinfo_jwt(self):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": self.sub, "iat": now, "exp": now + 60, **self.claims}
        claims.update(self.userinfo_overrides)
        return self.userinfo_key.sign({k: v for k, v in claims.items() if v is not None})

    def _token(self, request):
        self.token_requests.append(parse_qs(request.body))
        if self.token_failure is not None:
            raise self.token_failure
        if self.token_body is not None:
            return self.token_status, {"Content-Type": "application/json"}, self.token_body
        id_token = self.id_token()
        self.issued_id_tokens.append(id_token)
        body = {"access_token": "access-token-1", "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        return self.token_status, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request):
        self.userinfo_requests.append(request.headers.get("Authorization"))
        if self.userinfo_status != 200:
            return self.userinfo_status, {}, '{"error": "invalid_token"}'
        return 200, {"Content-Type": "application/jwt"}, self.userinfo_jwt()

    def _jwks(self, request):
        if self.jwks_status != 200:
            return self.jwks_status, {}, "indisponible"
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"keys": [key.public_jwk() for key in self.published]}),
        )

    # --- what a browser does ---

    def start(self, client, next_url=None):
        """Click "S'identifier avec FranceConnect"; return the authorize request's parameters."""
        response = client.get(reverse("franceconnect:start"), {"next": next_url} if next_url else {})
        assert response.status_code == 302, response
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
        params = {name: values[0] for name, values in parse_qs(location.query).items()}
        self.nonce = params["nonce"]
        return params

    def come_back(self, client, params, follow=False, **extra):
        query = {"code": "code-de-test", "state": params["state"], **extra}
        return client.get(reverse("franceconnect:callback"), query, follow=follow)

    def sign_in(self, client, next_url=None, follow=False):
        return self.come_back(client, self.start(client, next_url), follow=follow)


@pytest.fixture
def fc_settings(settings):
    settings.SITE_URL = SITE_URL
    settings.FRANCECONNECT_ISSUER = ISSUER
    for name in ("AUTHORIZE", "TOKEN", "USERINFO", "JWKS", "SESSION_END"):
        setattr(settings, f"FRANCECONNECT_{name}_URL", "")
    settings.FRANCECONNECT_CLIENT_ID = CLIENT_ID
    settings.FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.FRANCECONNECT_ACR_VALUES = "eidas1"
    return settings


@pytest.fixture
def fc(fc_settings):
    from django.core.cache import cache

    cache.clear()  # no JWKS cached by another test
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeFranceConnect(rsps)
    cache.clear()
