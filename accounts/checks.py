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
