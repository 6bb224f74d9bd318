from django.conf import settings

from trainings import invitations


def association(request):
    """The association's identity and the headline rules, so that templates never hard-code them."""
    return {
        "association": settings.ASSOCIATION,
        "registration_min_days": settings.REGISTRATION_MIN_DAYS,
        # The invitation link this visitor followed (kept in a signed cookie, no query).
        "current_invitation": invitations.current(request),
    }
