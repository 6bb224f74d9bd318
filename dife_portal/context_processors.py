from django.conf import settings

from . import branding


def association(request):
    """The association's identity and the headline rules, so that templates never hard-code them."""
    return {
        "association": settings.ASSOCIATION,
        "registration_min_days": settings.REGISTRATION_MIN_DAYS,
        "branding": branding.urls(),
    }
