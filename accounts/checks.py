from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def franceconnect_simulator_only_in_debug(app_configs, **kwargs):
    """The FranceConnect simulator hands out any identity: it must never run outside development."""
    if settings.FRANCECONNECT_SIMULATOR and not settings.DEBUG:
        return [
            Error(
                "FRANCECONNECT_SIMULATOR is on while DEBUG is off.",
                hint="The simulator lets anyone sign in as a test identity: unset FRANCECONNECT_SIMULATOR "
                "and configure the real FranceConnect (FRANCECONNECT_ISSUER, _CLIENT_ID, _CLIENT_SECRET).",
                id="accounts.E001",
            )
        ]
    return []


FRANCECONNECT_ENDPOINTS = [
    "FRANCECONNECT_ISSUER",
    "FRANCECONNECT_AUTHORIZE_URL",
    "FRANCECONNECT_TOKEN_URL",
    "FRANCECONNECT_USERINFO_URL",
    "FRANCECONNECT_JWKS_URL",
    "FRANCECONNECT_SESSION_END_URL",
]


@register(Tags.security)
def franceconnect_over_https_in_production(app_configs, **kwargs):
    """Codes, tokens, identities and signing keys travel on these URLs: outside development they are https."""
    if settings.DEBUG or settings.FRANCECONNECT_SIMULATOR:
        return []
    plain = [name for name in FRANCECONNECT_ENDPOINTS if (url := getattr(settings, name, "")) and not _is_https(url)]
    if not plain:
        return []
    return [
        Error(
            f"FranceConnect endpoints not in https while DEBUG is off: {', '.join(plain)}.",
            hint="Set them to the https:// addresses FranceConnect gives (an http:// provider lets anyone on the "
            "way read or forge the identities it returns).",
            id="accounts.E002",
        )
    ]


def _is_https(url):
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() == "https" and bool(parts.hostname)
