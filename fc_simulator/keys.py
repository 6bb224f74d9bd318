"""The simulator's signing keys (EC P-256 for ES256, RSA for RS256).

Generated at first use into FRANCECONNECT_SIMULATOR_KEYS_FILE (a git-ignored folder by default):
private keys are never committed.
"""

import functools
import json
import os
import secrets
import threading
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings

_generation_lock = threading.Lock()


def _generate(path):
    private_keys = {
        "ES256": ec.generate_private_key(ec.SECP256R1()),
        "RS256": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }
    stored = {
        alg: {
            "kid": f"simulateur-{alg.lower()}-{secrets.token_hex(4)}",
            "pem": key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode(),
        }
        for alg, key in private_keys.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(stored, file)
    os.replace(temporary, path)


@functools.lru_cache(maxsize=8)
def _keys_in(path):
    with _generation_lock:
        if not path.exists():
            _generate(path)
    stored = json.loads(path.read_text())
    return {
        alg: (entry["kid"], serialization.load_pem_private_key(entry["pem"].encode(), password=None))
        for alg, entry in stored.items()
    }


def _keys():
    return _keys_in(Path(settings.FRANCECONNECT_SIMULATOR_KEYS_FILE))


def jwks():
    """The public keys, as the provider publishes them."""
    published = []
    for alg, (kid, private_key) in _keys().items():
        algorithm = jwt.get_algorithm_by_name(alg)
        jwk = algorithm.to_jwk(private_key.public_key(), as_dict=True)
        published.append({**jwk, "kid": kid, "use": "sig", "alg": alg})
    return {"keys": published}


def sign(claims, alg):
    kid, private_key = _keys()[alg]
    return jwt.encode(claims, private_key, algorithm=alg, headers={"kid": kid})


def verify(token, audience):
    """Claims of a token this simulator signed, its expiry ignored (an ID token used as a logout hint)."""
    kid = jwt.get_unverified_header(token).get("kid")
    for alg, (known_kid, private_key) in _keys().items():
        if kid == known_kid:
            return jwt.decode(
                token, private_key.public_key(), algorithms=[alg], audience=audience, options={"verify_exp": False}
            )
    raise jwt.InvalidTokenError(f"unknown kid {kid!r}")
