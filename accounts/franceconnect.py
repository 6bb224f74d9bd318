"""FranceConnect sign-in: the whole OpenID Connect authorization code flow, top to bottom.

1. `authorization_url()` remembers a signed, single-use, expiring state and its nonce in the browser's
   session and returns the address of FranceConnect's authorize endpoint.
2. `complete_authorization()` checks the state FranceConnect sends back, exchanges the code for the
   tokens, verifies the ID token and the userinfo JWT against the provider's published keys, and
   returns the verified identity.
3. `sign_in_user()` and `link_user()` map that identity to an élu.
4. `logout_url()` ends the FranceConnect session too.

Every failure is its own exception carrying the French sentence the élu reads; nothing here is faked
for tests: they sign real tokens and answer at the HTTP boundary.
"""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import birthplaces
from .email_addresses import canonical_email
from .models import User
from .models.user import IdentityMethod

logger = logging.getLogger(__name__)

ALGORITHMS = ["ES256", "RS256"]
# Tolerated clock difference between FranceConnect and us when checking exp and iat.
CLOCK_SKEW_SECONDS = 30
# How many sign-in attempts (browser tabs) one session may have in flight.
MAX_PENDING_FLOWS = 5
ACR_LEVELS = {"eidas1": 1, "eidas2": 2, "eidas3": 3}

SESSION_FLOWS = "franceconnect_flows"
SESSION_ID_TOKEN = "franceconnect_id_token"
SESSION_LOGOUT_STATE = "franceconnect_logout_state"
STATE_SALT = "accounts.franceconnect.state"

SIGN_IN = "sign_in"
LINK = "link"

RETRY = "Réessayez, ou connectez-vous avec votre adresse mail et votre mot de passe."


# --- Failures: one class per cause, each with the sentence shown on the sign-in page -----------------


class FranceConnectError(Exception):
    message = "La connexion avec FranceConnect n'a pas abouti. " + RETRY

    def __init__(self, detail=""):
        super().__init__(detail or self.__class__.__name__)
        # The attempt the failure belongs to, when known: tells the view where to send the élu back.
        self.flow = None


class NotConfigured(FranceConnectError):
    message = (
        "La connexion avec FranceConnect n'est pas disponible pour le moment. "
        "Connectez-vous avec votre adresse mail et votre mot de passe."
    )


class InvalidState(FranceConnectError):
    message = (
        "Cette demande de connexion FranceConnect n'est pas reconnue ou a déjà été utilisée. "
        "Cliquez de nouveau sur « S'identifier avec FranceConnect »."
    )


class ExpiredState(FranceConnectError):
    message = (
        "Votre demande de connexion FranceConnect a expiré. Cliquez de nouveau sur « S'identifier avec FranceConnect »."
    )


class AccessDenied(FranceConnectError):
    message = "Vous avez annulé la connexion avec FranceConnect. " + RETRY


class ProviderError(FranceConnectError):
    message = "FranceConnect n'a pas pu vous identifier. " + RETRY


class ProviderUnavailable(FranceConnectError):
    message = (
        "FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes, "
        "ou connectez-vous avec votre adresse mail et votre mot de passe."
    )


class TokenExchangeFailed(FranceConnectError):
    message = "FranceConnect n'a pas confirmé votre connexion. " + RETRY


class UserinfoFailed(FranceConnectError):
    message = "FranceConnect n'a pas transmis les informations de votre identité. " + RETRY


class MalformedToken(FranceConnectError):
    message = "La réponse de FranceConnect est illisible. " + RETRY


class InvalidSignature(FranceConnectError):
    message = (
        "La réponse reçue n'a pas pu être authentifiée comme venant de FranceConnect (signature invalide). " + RETRY
    )


class UnknownSigningKey(FranceConnectError):
    message = "La réponse reçue est signée avec une clé que FranceConnect ne publie pas. " + RETRY


class WrongIssuer(FranceConnectError):
    message = "La réponse reçue ne provient pas de FranceConnect. " + RETRY


class WrongAudience(FranceConnectError):
    message = "La réponse de FranceConnect n'est pas destinée à ce portail. " + RETRY


class TokenExpired(FranceConnectError):
    message = "La réponse de FranceConnect a expiré avant d'être reçue. " + RETRY


class InvalidIssuedAt(FranceConnectError):
    message = "La réponse de FranceConnect porte une date d'émission invalide. " + RETRY


class NonceMismatch(FranceConnectError):
    message = "La réponse de FranceConnect ne correspond pas à votre demande de connexion. " + RETRY


class SubjectMismatch(FranceConnectError):
    message = "Les informations transmises par FranceConnect ne concernent pas la personne connectée. " + RETRY


class InsufficientAssurance(FranceConnectError):
    message = "Le niveau de sécurité de votre identification FranceConnect est insuffisant pour ce portail. " + RETRY


class MissingAssuranceLevel(FranceConnectError):
    message = (
        "FranceConnect n'a pas indiqué le niveau de sécurité de votre identification : "
        "la connexion ne peut pas être acceptée. " + RETRY
    )


class MissingClaims(FranceConnectError):
    message = (
        "FranceConnect n'a pas transmis toutes les informations nécessaires "
        "(nom, prénoms, date de naissance, adresse mail). " + RETRY
    )


class EmailAlreadyRegistered(FranceConnectError):
    message = (
        "Un compte existe déjà sur le portail avec l'adresse mail transmise par FranceConnect. "
        "Connectez-vous avec cette adresse mail et votre mot de passe, puis choisissez "
        "« Lier mon compte à FranceConnect » : vous pourrez ensuite utiliser FranceConnect."
    )


class AccountDisabled(FranceConnectError):
    message = "Votre compte est désactivé. Contactez la Maison des Maires."


class IdentityLinkedElsewhere(FranceConnectError):
    message = "Cette identité FranceConnect est déjà liée à un autre compte du portail. Contactez la Maison des Maires."


class AccountLinkedElsewhere(FranceConnectError):
    message = "Votre compte est déjà lié à une autre identité FranceConnect. Contactez la Maison des Maires."


# --- Configuration ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    """Where FranceConnect answers and who we are for it, read from the settings."""

    issuer: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str
    session_end_url: str
    client_id: str
    client_secret: str
    acr_values: str
    scopes: tuple

    @classmethod
    def from_settings(cls):
        issuer = settings.FRANCECONNECT_ISSUER.rstrip("/")

        def endpoint(explicit, path):
            return explicit or (f"{issuer}/{path}" if issuer else "")

        provider = cls(
            issuer=issuer,
            authorize_url=endpoint(settings.FRANCECONNECT_AUTHORIZE_URL, "authorize"),
            token_url=endpoint(settings.FRANCECONNECT_TOKEN_URL, "token"),
            userinfo_url=endpoint(settings.FRANCECONNECT_USERINFO_URL, "userinfo"),
            jwks_url=endpoint(settings.FRANCECONNECT_JWKS_URL, "jwks"),
            session_end_url=endpoint(settings.FRANCECONNECT_SESSION_END_URL, "session/end"),
            client_id=settings.FRANCECONNECT_CLIENT_ID,
            client_secret=settings.FRANCECONNECT_CLIENT_SECRET,
            acr_values=settings.FRANCECONNECT_ACR_VALUES,
            scopes=tuple(settings.FRANCECONNECT_SCOPES),
        )
        if not all([provider.issuer, provider.client_id, provider.client_secret]):
            raise NotConfigured(
                "FRANCECONNECT_ISSUER, FRANCECONNECT_CLIENT_ID and FRANCECONNECT_CLIENT_SECRET are required"
            )
        return provider


def is_configured():
    try:
        Provider.from_settings()
    except NotConfigured:
        return False
    return True


def callback_url():
    return settings.SITE_URL + reverse("franceconnect:callback")


def post_logout_url():
    return settings.SITE_URL + reverse("franceconnect:logout_callback")


# --- 1. The authorize request: a signed, single-use, expiring state bound to this browser --------------


@dataclass(frozen=True)
class Flow:
    """One sign-in attempt, remembered in the browser's session until FranceConnect answers."""

    purpose: str
    next_url: str
    nonce: str
    user_id: int | None


def authorization_url(request, *, purpose=SIGN_IN, next_url=""):
    """Remember a new attempt in the session and return FranceConnect's authorize URL for it."""
    provider = Provider.from_settings()
    key = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    # The state sent to FranceConnect is the key, signed and timestamped; the nonce stays server side.
    pending = list(request.session.get(SESSION_FLOWS, {}).items())[-(MAX_PENDING_FLOWS - 1) :]
    pending.append(
        (
            key,
            {
                "purpose": purpose,
                "next": next_url,
                "nonce": nonce,
                "user_id": request.user.pk if purpose == LINK else None,
            },
        )
    )
    request.session[SESSION_FLOWS] = dict(pending)
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": callback_url(),
        "scope": " ".join(provider.scopes),
        "state": signing.TimestampSigner(salt=STATE_SALT).sign(key),
        "nonce": nonce,
        "acr_values": provider.acr_values,
    }
    return f"{provider.authorize_url}?{urlencode(params)}"


def _pop_flow(request, state):
    """The attempt this state belongs to, removed from the session so that it is used only once."""
    try:
        key = signing.TimestampSigner(salt=STATE_SALT).unsign(state, max_age=settings.FRANCECONNECT_STATE_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        key = state.split(":", 1)[0]
        expired = True
    except signing.BadSignature as error:
        raise InvalidState(f"bad state signature: {state[:80]!r}") from error
    pending = request.session.get(SESSION_FLOWS, {})
    data = pending.pop(key, None)
    request.session[SESSION_FLOWS] = pending
    if expired:
        raise ExpiredState("state older than FRANCECONNECT_STATE_MAX_AGE")
    if data is None:
        raise InvalidState("state unknown to this session or already used")
    return Flow(purpose=data["purpose"], next_url=data["next"], nonce=data["nonce"], user_id=data["user_id"])


# --- 2. FranceConnect's answer: code exchange, keys, token verification ---------------------------------


@dataclass(frozen=True)
class Identity:
    """The identity certified by FranceConnect, in the portal's words."""

    sub: str
    email: str
    birth_name: str
    usage_name: str
    first_names: str
    birth_date: date | None
    birth_place_code: str
    birth_country_code: str
    gender: str

    @classmethod
    def from_claims(cls, claims):
        missing = [name for name in ("sub", "email", "family_name", "given_name", "birthdate") if not claims.get(name)]
        if missing:
            raise MissingClaims(f"missing claims: {', '.join(missing)}")
        try:
            birth_date = date.fromisoformat(claims["birthdate"])
        except (TypeError, ValueError):
            # FranceConnect sends presumed birth dates as they are on the civil record, e.g. "1950-00-00".
            birth_date = None
        return cls(
            sub=claims["sub"],
            email=canonical_email(claims["email"]),
            birth_name=claims["family_name"],
            usage_name=claims.get("preferred_username") or "",
            first_names=claims["given_name"],
            birth_date=birth_date,
            birth_place_code=claims.get("birthplace") or "",
            birth_country_code=claims.get("birthcountry") or "",
            gender=claims.get("gender") or "",
        )

    def user_fields(self):
        fields = {
            "birth_name": self.birth_name,
            "usage_name": self.usage_name,
            "first_names": self.first_names,
            "birth_date": self.birth_date,
            "birth_place_code": self.birth_place_code,
            "birth_country_code": self.birth_country_code,
            "gender": self.gender,
        }
        # The codes in words (commune, or country for a birth abroad); an unknown code leaves the name as it was.
        place = birthplaces.label(self.birth_place_code, self.birth_country_code)
        if place:
            fields["birth_place"] = place
        return fields


def complete_authorization(request):
    """Check FranceConnect's answer to the authorize request; return (flow, identity, id_token)."""
    flow = _pop_flow(request, request.GET.get("state", ""))
    try:
        if flow.purpose == LINK and request.user.pk != flow.user_id:
            raise InvalidState("account link started by another user of this browser")
        identity, id_token = _verified_identity(request, flow)
    except FranceConnectError as error:
        error.flow = flow
        raise
    return flow, identity, id_token


def _verified_identity(request, flow):
    error = request.GET.get("error")
    if error == "access_denied":
        raise AccessDenied(request.GET.get("error_description", ""))
    if error:
        raise ProviderError(f"{error}: {request.GET.get('error_description', '')}"[:300])
    code = request.GET.get("code")
    if not code:
        raise ProviderError("no code in the callback")
    provider = Provider.from_settings()
    tokens = _exchange_code(provider, code)
    id_claims = _verify_jwt(provider, tokens["id_token"], required=["iss", "aud", "sub", "exp", "iat", "nonce"])
    if not hmac.compare_digest(str(id_claims["nonce"]), flow.nonce):
        raise NonceMismatch("nonce in the ID token differs from the one sent")
    if not id_claims.get("acr"):
        # Logged by the caller with this detail: which level was asked for and that none came back.
        raise MissingAssuranceLevel(f"no acr in the ID token, {provider.acr_values!r} requested")
    requested, given = ACR_LEVELS.get(provider.acr_values, 1), ACR_LEVELS.get(id_claims.get("acr"), 0)
    if given < requested:
        raise InsufficientAssurance(f"acr {id_claims.get('acr')!r} below {provider.acr_values!r}")
    userinfo = _fetch_userinfo(provider, tokens["access_token"])
    if userinfo.get("sub") != id_claims["sub"]:
        raise SubjectMismatch("userinfo sub differs from the ID token sub")
    return Identity.from_claims(userinfo), tokens["id_token"]


def _exchange_code(provider, code):
    try:
        response = requests.post(
            provider.token_url,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback_url(),
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
            },
            headers={"Accept": "application/json"},
            timeout=settings.FRANCECONNECT_HTTP_TIMEOUT,
        )
    except requests.RequestException as error:
        raise ProviderUnavailable(f"token endpoint: {error}") from error
    if response.status_code >= 500:
        raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
    if response.status_code != 200:
        raise TokenExchangeFailed(f"token endpoint answered {response.status_code}: {response.text[:200]}")
    try:
        tokens = response.json()
    except ValueError as error:
        raise TokenExchangeFailed("token endpoint answer is not JSON") from error
    if not isinstance(tokens, dict) or not all(isinstance(tokens.get(k), str) for k in ("id_token", "access_token")):
        raise TokenExchangeFailed("token endpoint answer lacks id_token or access_token")
    return tokens


def _fetch_userinfo(provider, access_token):
    try:
        response = requests.get(
            provider.userinfo_url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/jwt"},
            timeout=settings.FRANCECONNECT_HTTP_TIMEOUT,
        )
    except requests.RequestException as error:
        raise ProviderUnavailable(f"userinfo endpoint: {error}") from error
    if response.status_code != 200:
        raise UserinfoFailed(f"userinfo endpoint answered {response.status_code}")
    # FranceConnect v2 answers with a signed JWT, checked exactly like the ID token.
    return _verify_jwt(provider, response.text.strip(), required=["iss", "aud", "sub"])


def _verify_jwt(provider, token, *, required):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise MalformedToken(str(error)) from error
    if header.get("alg") not in ALGORITHMS:
        raise InvalidSignature(f"algorithm {header.get('alg')!r} not accepted")
    key = _signing_key(provider, header.get("kid"))
    try:
        return jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": required},
        )
    except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError) as error:
        raise InvalidSignature(str(error)) from error
    except jwt.ExpiredSignatureError as error:
        raise TokenExpired(str(error)) from error
    except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError) as error:
        raise InvalidIssuedAt(str(error)) from error
    except jwt.InvalidAudienceError as error:
        raise WrongAudience(str(error)) from error
    except jwt.InvalidIssuerError as error:
        raise WrongIssuer(str(error)) from error
    except jwt.PyJWTError as error:
        raise MalformedToken(str(error)) from error


def _signing_key(provider, kid):
    """The provider's public key with this id: from the cache, refetched once when the id is unknown."""
    cache_key = f"franceconnect:jwks:{provider.jwks_url}"
    keys = cache.get(cache_key)
    if keys is None or kid not in keys:
        # An unknown kid usually means FranceConnect rotated its keys since we cached them.
        keys = _fetch_jwks(provider)
        cache.set(cache_key, keys, settings.FRANCECONNECT_JWKS_CACHE_SECONDS)
    if kid not in keys:
        raise UnknownSigningKey(f"kid {kid!r} not in the provider's JWKS")
    try:
        return jwt.PyJWK(keys[kid])
    except jwt.PyJWTError as error:
        raise UnknownSigningKey(f"kid {kid!r} is not a usable key: {error}") from error


def _fetch_jwks(provider):
    try:
        response = requests.get(provider.jwks_url, timeout=settings.FRANCECONNECT_HTTP_TIMEOUT)
        response.raise_for_status()
        published = response.json()["keys"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise ProviderUnavailable(f"JWKS endpoint: {error}") from error
    return {
        jwk["kid"]: jwk
        for jwk in published
        if isinstance(jwk, dict)
        and jwk.get("kid")
        and jwk.get("use", "sig") == "sig"
        and jwk.get("kty") in ("EC", "RSA")
    }


# --- 3. From the identity to the élu ---------------------------------------------------------------------


def _certify(user, identity):
    """Copy the certified identity onto the élu and record that FranceConnect verified it."""
    for field, value in identity.user_fields().items():
        setattr(user, field, value)
    if not user.verified_by_franceconnect:
        user.identity_verified_at = timezone.now()
    user.identity_method = IdentityMethod.FRANCECONNECT
    user.save()


@transaction.atomic
def sign_in_user(identity):
    """The élu this FranceConnect identity belongs to, created on first sign-in: returns (user, created).

    An existing account is found by its FranceConnect `sub` only, never by e-mail: a password account
    with the same e-mail must first be linked by its owner, signed in.
    """
    user = User.objects.select_for_update().filter(franceconnect_sub=identity.sub).first()
    if user is not None:
        if not user.is_active:
            raise AccountDisabled(f"user {user.pk} is inactive")
        _certify(user, identity)
        return user, False
    if User.objects.filter(email=canonical_email(identity.email)).exists():
        raise EmailAlreadyRegistered("an unlinked account uses the FranceConnect e-mail")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                identity.email,
                password=None,
                franceconnect_sub=identity.sub,
                identity_method=IdentityMethod.FRANCECONNECT,
                identity_verified_at=timezone.now(),
                **identity.user_fields(),
            )
    except IntegrityError as error:
        raise EmailAlreadyRegistered("an account was created meanwhile with this e-mail or sub") from error
    return user, True


@transaction.atomic
def link_user(user, identity):
    """Link the signed-in élu's account to this FranceConnect identity and certify its identity."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if User.objects.filter(franceconnect_sub=identity.sub).exclude(pk=user.pk).exists():
        raise IdentityLinkedElsewhere("sub already linked to another account")
    if user.franceconnect_sub and user.franceconnect_sub != identity.sub:
        raise AccountLinkedElsewhere("account already linked to another sub")
    user.franceconnect_sub = identity.sub
    _certify(user, identity)
    return user


# --- 4. The FranceConnect session: remembered at sign-in, ended at sign-out --------------------------------


def remember_sign_in(request, id_token):
    """Keep the ID token: signing out of the portal will then sign out of FranceConnect too."""
    request.session[SESSION_ID_TOKEN] = id_token


def signed_in_id_token(request):
    return request.session.get(SESSION_ID_TOKEN)


def logout_url(request, id_token):
    """FranceConnect's session/end URL for this ID token; its state is kept for the way back."""
    provider = Provider.from_settings()
    state = secrets.token_urlsafe(32)
    request.session[SESSION_LOGOUT_STATE] = state
    params = {"id_token_hint": id_token, "state": state, "post_logout_redirect_uri": post_logout_url()}
    return f"{provider.session_end_url}?{urlencode(params)}"


def confirm_logout(request):
    """Whether FranceConnect came back from the logout this browser started (the state matches)."""
    expected = request.session.pop(SESSION_LOGOUT_STATE, None)
    return bool(expected) and hmac.compare_digest(expected, request.GET.get("state", ""))
