"""Registration deadline: the one place that knows when a session stops taking requests.

The guide says "La demande d'inscription doit être faite au moins 11 jours avant la formation":
the last allowed day is the first day minus REGISTRATION_MIN_DAYS days, until 23:59 Europe/Paris.
In `business` mode the days counted are working days (Monday–Friday, French public holidays
excluded), as Mon Compte Formation counts them.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=64)
def _french_holidays(year):
    return holidays.country_holidays("FR", years=year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def subtract_working_days(day, count):
    """The date `count` working days before `day` (`day` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def add_working_days(day, count):
    """The date `count` working days after `day` (`day` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start, end):
    """Number of working days in the half-open interval (start, end]."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def last_registration_day(first_day, *, min_days=None, mode=None):
    """The last local (Paris) date on which a request for a session starting on `first_day` may be sent."""
    min_days = settings.REGISTRATION_MIN_DAYS if min_days is None else min_days
    mode = settings.REGISTRATION_DAYS_MODE if mode is None else mode
    if mode == "business":
        return subtract_working_days(first_day, min_days)
    return first_day - datetime.timedelta(days=min_days)


def registration_deadline(first_day, **kwargs):
    """The aware instant after which requests are refused: 23:59:59.999999 Paris time on the last day."""
    last_day = last_registration_day(first_day, **kwargs)
    return datetime.datetime.combine(last_day, datetime.time.max, tzinfo=PARIS)


def paris_midnight(day):
    """The first moment of `day` in Paris (an aware datetime)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=PARIS)


def paris_today(now=None):
    now = now or timezone.now()
    return now.astimezone(PARIS).date()


def is_registration_open(first_day, now=None, **kwargs):
    return paris_today(now) <= last_registration_day(first_day, **kwargs)


def days_left(first_day, now=None, **kwargs):
    """Calendar days from today (Paris) to the last allowed day: 0 on the last day, negative once closed."""
    return (last_registration_day(first_day, **kwargs) - paris_today(now)).days


def rule_in_words(*, min_days=None, mode=None):
    """The rule as the élu reads it: "au moins 11 jours avant la formation" (or "jours ouvrés")."""
    min_days = settings.REGISTRATION_MIN_DAYS if min_days is None else min_days
    mode = settings.REGISTRATION_DAYS_MODE if mode is None else mode
    unit = "jours ouvrés" if mode == "business" else "jours"
    return f"au moins {min_days} {unit} avant la formation"


def earliest_first_day_closing_on_or_after(day, **kwargs):
    """The earliest first day whose last registration day is `day` or later (the inverse of the rule).

    In calendar mode its last registration day is exactly `day`; in business mode it is the first
    working day on or after `day`.
    """
    candidate = day + datetime.timedelta(days=1)
    while last_registration_day(candidate, **kwargs) < day:
        candidate += datetime.timedelta(days=1)
    return candidate


def earliest_open_first_day(now=None, **kwargs):
    """The earliest first day of a session still open for registration today (Paris).

    Because the rule is monotonic (a later first day never has an earlier last day), a session is open
    exactly when its first day is on or after this date: databases can filter on it.
    """
    return earliest_first_day_closing_on_or_after(paris_today(now), **kwargs)


def recommended_upload_day(first_day, now=None):
    """Latest day to upload an identity document so staff can verify it before the deadline."""
    return subtract_working_days(last_registration_day(first_day), settings.IDENTITY_VERIFICATION_WORKING_DAYS)
