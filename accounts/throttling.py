"""How many account e-mails a visitor can make the portal send: per address asked for, and per client address.

"Mot de passe oublié", the end of sign-up (which mails the owner of an address that already has an account),
"Recevoir un nouveau code" and "Changer mon adresse mail" share one budget per address and one per client
address (the same client address as the sign-in lockout: AXES_IPWARE_* settings), counted in the cache over a
sliding hour. Every request counts, whether the address has an account or not, so that being refused says
nothing about the address.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from accounts.email_addresses import canonical_email

TITLE = "Demande non envoyée"
MESSAGE = (
    "Vous avez demandé plusieurs mails en peu de temps. Pour ne pas encombrer une boîte mail, attendez une heure "
    "avant de faire une nouvelle demande. Pensez à regarder dans vos courriers indésirables."
)
_SALT = "accounts.throttling"


def allow_account_mail(request, email):
    """Count this request against the typed address and the client address; False past either limit."""
    window = settings.ACCOUNT_MAIL_THROTTLE_SECONDS
    address = salted_hmac(_SALT, canonical_email(email or "")).hexdigest()
    client = salted_hmac(_SALT, get_client_ip_address(request) or "").hexdigest()
    per_address = _count(f"accounts:mail-throttle:address:{address}", window)
    per_client = _count(f"accounts:mail-throttle:client:{client}", window)
    return (
        per_address <= settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS and per_client <= settings.ACCOUNT_MAIL_LIMIT_PER_CLIENT
    )


def _count(key, window):
    """This request's rank in the window that started with the first request counted under `key`."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1
