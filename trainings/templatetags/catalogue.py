from django import template
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS

register = template.Library()


@register.filter
def long_date(value, weekday=True):
    """ "mardi 1er décembre 2026": a date (or an aware datetime, read in Paris time) as French readers write it."""
    if value in (None, ""):
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    # Django's own day and month names, as the date filter's "l" and "F" write them.
    rest = f"{MONTHS[value.month]} {value.year:04d}"
    return f"{WEEKDAYS[value.weekday()]} {day} {rest}" if weekday else f"{day} {rest}"


@register.filter
def lines(text):
    """The non-blank lines of a staff-written text, so that one item per line can become a list."""
    return [line.strip(" -•\t") for line in str(text or "").splitlines() if line.strip(" -•\t")]
