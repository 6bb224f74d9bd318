"""A small OpenID Connect provider that answers like FranceConnect v2, for `make run` and the tests.

The portal's real client talks to it over HTTP: authorize (pick a test person), token, userinfo
(a signed JWT), JWKS, session/end. Authorization codes and access tokens live in the cache, single-use
and short-lived, as at FranceConnect.
"""

import base64
import binascii
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

import jwt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import identities, keys

CODE_SECONDS = 60
ACCESS_TOKEN_SECONDS = 60
ID_TOKEN_SECONDS = 60
ACR_VALUES = ["eidas1", "eidas2", "eidas3"]
CLAIMS = [
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "preferred_username",
    "email",
]


@dataclass(frozen=True)
class RegisteredClient:
    """The portal as registered at the provider (FranceConnect's partner space holds the same)."""

    client_id: str
    client_secret: str
    redirect_uris: tuple
    post_logout_redirect_uris: tuple
    id_token_signed_response_alg: str = "ES256"
    userinfo_signed_response_alg: str = "RS256"


def registered_client():
    return RegisteredClient(
        client_id=settings.FRANCECONNECT_CLIENT_ID,
        client_secret=settings.FRANCECONNECT_CLIENT_SECRET,
        redirect_uris=(settings.SITE_URL + reverse("franceconnect:callback"),),
        post_logout_redirect_uris=(settings.SITE_URL + reverse("franceconnect:logout_callback"),),
    )


def issuer():
    return settings.SITE_URL + reverse("fc_simulator:discovery").removesuffix("/.well-known/openid-configuration")


def subject(client, person):
    # FranceConnect gives each partner its own, stable identifier for a person.
    return hmac.new(client.client_id.encode(), person.key.encode(), "sha256").hexdigest() + "v1"


def _problem(request, problem, status=400):
    return render(request, "fc_simulator/problem.html", {"problem": problem}, status=status)


def _oauth_error(error, description, status=400):
    return JsonResponse({"error": error, "error_description": description}, status=status)


@require_GET
def discovery(request):
    base = issuer()
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/session/end",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": ["openid", *CLAIMS],
            "claims_supported": ["sub", *CLAIMS],
            "acr_values_supported": ACR_VALUES,
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }
    )


def _authorize_problem(params, client):
    if params.get("client_id") != client.client_id:
        return "Le client_id est inconnu du simulateur."
    if params.get("redirect_uri") not in client.redirect_uris:
        return "L'adresse de retour (redirect_uri) n'est pas enregistrée pour ce client."
    if params.get("response_type") != "code":
        return "Seul le flux « authorization code » (response_type=code) est accepté."
    if "openid" not in params.get("scope", "").split():
        return "Le scope doit contenir « openid »."
    if len(params.get("state", "")) < 32 or len(params.get("nonce", "")) < 32:
        return "Les paramètres state et nonce sont obligatoires (32 caractères au moins)."
    if params.get("acr_values") not in ACR_VALUES:
        return "Le paramètre acr_values doit valoir eidas1, eidas2 ou eidas3."
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request):
    params = request.GET
    client = registered_client()
    problem = _authorize_problem(params, client)
    if problem:
        return _problem(request, problem)
    redirect_uri, state = params["redirect_uri"], params["state"]
    if request.method == "POST" and "cancel" in request.POST:
        error = {"error": "access_denied", "error_description": "User canceled the authentication", "state": state}
        return redirect(f"{redirect_uri}?{urlencode(error)}")
    person = identities.find(request.POST.get("identity", ""))
    if request.method == "POST" and person is not None:
        code = secrets.token_urlsafe(32)
        grant = {
            "person": person.key,
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "nonce": params["nonce"],
            "scopes": params["scope"].split(),
            "acr": params["acr_values"],
        }
        cache.set(f"fc_simulator:code:{code}", grant, CODE_SECONDS)
        return redirect(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")
    context = {"people": identities.PEOPLE, "not_chosen": request.method == "POST"}
    return render(request, "fc_simulator/authorize.html", context)


def _client_credentials(request):
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote(client_id), unquote(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@require_POST
def token(request):
    client = registered_client()
    client_id, secret = _client_credentials(request)
    if client_id != client.client_id or not hmac.compare_digest(secret, client.client_secret):
        return _oauth_error("invalid_client", "Client authentication failed", status=401)
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Only authorization_code is supported")
    key = f"fc_simulator:code:{request.POST.get('code', '')}"
    grant = cache.get(key)
    cache.delete(key)  # single use, even when the request is refused below
    if grant is None or grant["client_id"] != client_id or grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return _oauth_error("invalid_grant", "Unknown, expired or already used code")
    person = identities.find(grant["person"])
    now = int(time.time())
    id_token = keys.sign(
        {
            "iss": issuer(),
            "sub": subject(client, person),
            "aud": client.client_id,
            "exp": now + ID_TOKEN_SECONDS,
            "iat": now,
            "auth_time": now,
            "nonce": grant["nonce"],
            "acr": grant["acr"],
            "amr": ["pwd"],
        },
        client.id_token_signed_response_alg,
    )
    access_token = secrets.token_urlsafe(32)
    cache.set(f"fc_simulator:access:{access_token}", grant, ACCESS_TOKEN_SECONDS)
    return JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
            "id_token": id_token,
            "scope": " ".join(grant["scopes"]),
        },
        headers={"Cache-Control": "no-store"},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request):
    header = request.headers.get("Authorization", "")
    grant = cache.get(f"fc_simulator:access:{header.removeprefix('Bearer ')}") if header.startswith("Bearer ") else None
    if grant is None:
        response = _oauth_error("invalid_token", "Unknown or expired access token", status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    client = registered_client()
    person = identities.find(grant["person"])
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": client.client_id,
        "sub": subject(client, person),
        "iat": now,
        "exp": now + ACCESS_TOKEN_SECONDS,
        **person.claims(grant["scopes"]),
    }
    signed = keys.sign(claims, client.userinfo_signed_response_alg)
    return HttpResponse(signed, content_type="application/jwt")


@require_GET
def jwks(request):
    return JsonResponse(keys.jwks())


@never_cache
@require_GET
def session_end(request):
    client = registered_client()
    redirect_uri = request.GET.get("post_logout_redirect_uri", "")
    if redirect_uri not in client.post_logout_redirect_uris:
        return _problem(request, "L'adresse de retour après déconnexion n'est pas enregistrée pour ce client.")
    if not request.GET.get("state"):
        return _problem(request, "Le paramètre state est obligatoire.")
    try:
        keys.verify(request.GET.get("id_token_hint", ""), audience=client.client_id)
    except jwt.PyJWTError:
        return _problem(request, "Le paramètre id_token_hint est absent ou n'a pas été émis par ce simulateur.")
    return redirect(f"{redirect_uri}?{urlencode({'state': request.GET['state']})}")
