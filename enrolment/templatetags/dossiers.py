from django import template
from django.conf import settings

from trainings import deadlines

register = template.Library()


@register.inclusion_tag("enrolment/includes/deadline.html")
def deadline_notice(session, compact=False):
    """How many days are left to send a request for `session` (the rule lives in trainings.deadlines)."""
    first_day = session.first_day
    return {
        "last_day": deadlines.last_registration_day(first_day),
        "days_left": deadlines.days_left(first_day),
        "compact": compact,
        "registration_min_days": settings.REGISTRATION_MIN_DAYS,
    }


@register.filter
def euros(value):
    """150 → "150,00 €" (French separators)."""
    if value is None:
        return ""
    from django.template.defaultfilters import floatformat

    return f"{floatformat(value, '2g')}\u00a0€"


STATE_BADGES = {
    "draft": "text-bg-info",
    "awaiting_identity": "text-bg-warning",
    "submitted": "text-bg-primary",
    "waitlisted": "text-bg-warning",
    "accepted": "text-bg-success",
    "refused": "text-bg-danger",
    "attended": "text-bg-success",
    "absent": "text-bg-secondary",
    "cancelled": "text-bg-secondary",
}


@register.filter
def state_badge(state):
    """Bootstrap colour classes (contrast-checked pairs) for a dossier state."""
    return STATE_BADGES.get(state, "text-bg-secondary")


FUNDING_BADGES = {
    "todo": "text-bg-warning",
    "requested": "text-bg-primary",
    "to_validate": "text-bg-warning",
    "validated": "text-bg-success",
    "in_training": "text-bg-success",
    "service_declared": "text-bg-success",
    "service_validated": "text-bg-success",
    "refused": "text-bg-danger",
}


@register.filter
def funding_badge(funding_state):
    """Bootstrap colour classes (contrast-checked pairs) for a funding state on Mon Compte Formation."""
    return FUNDING_BADGES.get(funding_state, "text-bg-secondary")


@register.inclusion_tag("enrolment/includes/next_step.html")
def next_step(dossier, waiting_position=None, has_pending_offer=False, next_action=None, compact=False):
    """Once a dossier is sent, what happens next (instead of the days left to send it): the AMIL's part and
    `next_action` (enrolment.funding_guide), except on the waiting list, where the place in it and the offer say
    it all."""
    return {
        "dossier": dossier,
        "next_action": next_action,
        "waiting_position": waiting_position,
        "has_pending_offer": has_pending_offer,
        "compact": compact,
        "response_days": settings.AMIL_RESPONSE_WORKING_DAYS,
        "offer_hours": settings.WAITING_LIST_OFFER_HOURS,
    }
