from django.conf import settings


def association(request):
    """The association's identity and the headline rules, so that templates never hard-code them."""
    return {
        "association": settings.ASSOCIATION,
        "registration_min_days": settings.REGISTRATION_MIN_DAYS,
        # The invitation link this visitor followed (kept in the session, no query).
        "current_invitation": request.session.get("invitation") if hasattr(request, "session") else None,
    }
