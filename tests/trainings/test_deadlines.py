"""The registration deadline: "au moins 11 jours avant la formation", until 23:59 Paris time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from trainings import deadlines

UTC = datetime.UTC
PARIS = ZoneInfo("Europe/Paris")
D = datetime.date


def at_utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def business_mode(settings):
    settings.REGISTRATION_DAYS_MODE = "business"


# --- calendar mode (the guide's rule, the default) ---------------------------------------------------


def test_last_day_is_eleven_calendar_days_before_the_first_day():
    assert deadlines.last_registration_day(D(2027, 3, 15)) == D(2027, 3, 4)


def test_the_number_of_days_comes_from_the_setting(settings):
    settings.REGISTRATION_MIN_DAYS = 15
    assert deadlines.last_registration_day(D(2027, 3, 15)) == D(2027, 2, 28)


def test_the_last_day_itself_is_open_until_23_59_59_paris_time():
    first_day = D(2027, 6, 12)  # last day: Tuesday 1 June 2027, summer time (UTC+2)
    with time_machine.travel(datetime.datetime(2027, 6, 1, 0, 0, tzinfo=PARIS), tick=False):
        assert deadlines.is_registration_open(first_day)
        assert deadlines.days_left(first_day) == 0
    with time_machine.travel(datetime.datetime(2027, 6, 1, 23, 59, 59, tzinfo=PARIS), tick=False):
        assert deadlines.is_registration_open(first_day)


def test_the_day_after_the_last_day_is_closed():
    first_day = D(2027, 6, 12)
    with time_machine.travel(datetime.datetime(2027, 6, 2, 0, 0, 0, tzinfo=PARIS), tick=False):
        assert not deadlines.is_registration_open(first_day)
        assert deadlines.days_left(first_day) == -1


def test_the_day_before_the_last_day_is_open_with_one_day_left():
    with time_machine.travel(datetime.datetime(2027, 5, 31, 12, 0, tzinfo=PARIS), tick=False):
        assert deadlines.is_registration_open(D(2027, 6, 12))
        assert deadlines.days_left(D(2027, 6, 12)) == 1


def test_midnight_in_paris_closes_even_though_it_is_still_the_last_day_in_utc():
    first_day = D(2027, 6, 12)  # last day 1 June; Paris is UTC+2 in June
    # 21:59:59 UTC = 23:59:59 Paris: still open.
    assert deadlines.is_registration_open(first_day, now=at_utc(2027, 6, 1, 21, 59, 59))
    # 22:00 UTC on 1 June is already 2 June 00:00 in Paris: closed, although UTC still says 1 June.
    assert not deadlines.is_registration_open(first_day, now=at_utc(2027, 6, 1, 22, 0, 0))


def test_midnight_in_paris_in_winter_is_23_00_utc():
    first_day = D(2027, 1, 21)  # last day 10 January, winter time (UTC+1)
    assert deadlines.is_registration_open(first_day, now=at_utc(2027, 1, 10, 22, 59, 59))
    assert not deadlines.is_registration_open(first_day, now=at_utc(2027, 1, 10, 23, 0, 0))


def test_early_morning_in_paris_is_still_the_previous_day_in_utc_but_counts_as_paris_day():
    # 00:30 Paris on 1 June is 22:30 UTC on 31 May: the Paris date (1 June, the last day) decides.
    assert deadlines.paris_today(at_utc(2027, 5, 31, 22, 30)) == D(2027, 6, 1)
    assert deadlines.is_registration_open(D(2027, 6, 12), now=at_utc(2027, 5, 31, 22, 30))


def test_the_deadline_instant_is_the_end_of_the_last_day_in_paris():
    deadline = deadlines.registration_deadline(D(2027, 6, 12))
    assert deadline.astimezone(UTC).replace(microsecond=0) == at_utc(2027, 6, 1, 21, 59, 59)
    winter = deadlines.registration_deadline(D(2027, 1, 21))
    assert winter.astimezone(UTC).replace(microsecond=0) == at_utc(2027, 1, 10, 22, 59, 59)


@pytest.mark.parametrize(
    "first_day, last_day, open_until_utc",
    [
        # Spring forward: the last day, Sunday 28 March 2027, has 23 hours; its end is 21:59:59 UTC (CEST).
        (D(2027, 4, 8), D(2027, 3, 28), at_utc(2027, 3, 28, 21, 59, 59)),
        # Fall back: the last day, Sunday 31 October 2027, has 25 hours; its end is 22:59:59 UTC (CET).
        (D(2027, 11, 11), D(2027, 10, 31), at_utc(2027, 10, 31, 22, 59, 59)),
        # The 11 days straddle the change: counting is in dates, not in 24-hour blocks.
        (D(2027, 4, 2), D(2027, 3, 22), at_utc(2027, 3, 22, 22, 59, 59)),
        (D(2027, 11, 3), D(2027, 10, 23), at_utc(2027, 10, 23, 21, 59, 59)),
    ],
)
def test_daylight_saving_changes(first_day, last_day, open_until_utc):
    assert deadlines.last_registration_day(first_day) == last_day
    assert deadlines.is_registration_open(first_day, now=open_until_utc)
    assert not deadlines.is_registration_open(first_day, now=open_until_utc + datetime.timedelta(seconds=1))
    assert deadlines.registration_deadline(first_day).astimezone(UTC).replace(microsecond=0) == open_until_utc


# --- business mode (jours ouvrés) --------------------------------------------------------------------


def test_business_mode_skips_weekends(business_mode):
    # Monday 15 March 2027, no public holiday: 12→8 March (5), 5→1 March (10), Friday 26 February (11).
    assert deadlines.last_registration_day(D(2027, 3, 15)) == D(2027, 2, 26)


def test_business_mode_skips_french_public_holidays_inside_the_window(business_mode):
    # Friday 15 May 2026: the window crosses 1 May, 8 May (Fridays) and Ascension (Thursday 14 May).
    # Counting back: 13, 12, 11, 7, 6, 5, 4 May, 30, 29, 28, 27 April → Monday 27 April 2026.
    assert deadlines.last_registration_day(D(2026, 5, 15)) == D(2026, 4, 27)
    # In calendar mode the holidays do not matter.
    assert deadlines.last_registration_day(D(2026, 5, 15), mode="calendar") == D(2026, 5, 4)


def test_business_mode_session_on_a_public_holiday(business_mode):
    # A session on Monday 14 July 2025 (Fête nationale): the holiday itself is not counted.
    assert deadlines.last_registration_day(D(2025, 7, 14)) == D(2025, 6, 27)


def test_business_mode_last_day_is_open_until_midnight_paris(business_mode):
    first_day = D(2026, 5, 15)  # last day Monday 27 April 2026
    assert deadlines.is_registration_open(first_day, now=at_utc(2026, 4, 27, 21, 59, 59))
    assert not deadlines.is_registration_open(first_day, now=at_utc(2026, 4, 27, 22, 0, 0))


def test_is_working_day():
    assert deadlines.is_working_day(D(2027, 3, 1))  # Monday
    assert not deadlines.is_working_day(D(2027, 3, 6))  # Saturday
    assert not deadlines.is_working_day(D(2027, 3, 29))  # Easter Monday
    assert not deadlines.is_working_day(D(2026, 12, 25))  # Christmas


def test_rule_in_words(settings):
    assert deadlines.rule_in_words() == "au moins 11 jours avant la formation"
    settings.REGISTRATION_DAYS_MODE = "business"
    assert deadlines.rule_in_words() == "au moins 11 jours ouvrés avant la formation"


# --- inverse of the rule ---------------------------------------------------------------------------


def test_earliest_first_day_closing_on_a_given_day_calendar():
    assert deadlines.earliest_first_day_closing_on_or_after(D(2027, 3, 4)) == D(2027, 3, 15)


def test_earliest_first_day_closing_on_or_after_a_weekend_in_business_mode(business_mode):
    # Saturday 6 March 2027 is never a last day in business mode: the next one is Monday 8 March.
    first_day = deadlines.earliest_first_day_closing_on_or_after(D(2027, 3, 6))
    assert deadlines.last_registration_day(first_day) == D(2027, 3, 8)
    assert deadlines.last_registration_day(first_day - datetime.timedelta(days=1)) < D(2027, 3, 6)


def test_earliest_open_first_day_is_the_boundary_of_open_sessions():
    now = at_utc(2027, 3, 4, 10, 0)  # Paris: 4 March 2027
    boundary = deadlines.earliest_open_first_day(now)
    assert boundary == D(2027, 3, 15)
    assert deadlines.is_registration_open(boundary, now=now)
    assert not deadlines.is_registration_open(boundary - datetime.timedelta(days=1), now=now)


# --- properties ------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))
modes = st.sampled_from(["calendar", "business"])


@hypothesis_settings(max_examples=200, deadline=None)
@given(first=dates, gap=st.integers(min_value=0, max_value=400), min_days=st.integers(0, 40), mode=modes)
def test_the_rule_is_monotonic(first, gap, min_days, mode):
    """A later first day never has an earlier last registration day."""
    later = first + datetime.timedelta(days=gap)
    early_last = deadlines.last_registration_day(first, min_days=min_days, mode=mode)
    late_last = deadlines.last_registration_day(later, min_days=min_days, mode=mode)
    assert early_last <= late_last


@hypothesis_settings(max_examples=200, deadline=None)
@given(first=dates, min_days=st.integers(0, 40))
def test_business_days_never_give_a_later_last_day_than_calendar_days(first, min_days):
    business = deadlines.last_registration_day(first, min_days=min_days, mode="business")
    calendar = deadlines.last_registration_day(first, min_days=min_days, mode="calendar")
    assert business <= calendar
    assert calendar == first - datetime.timedelta(days=min_days)


@hypothesis_settings(max_examples=200, deadline=None)
@given(first=dates, min_days=st.integers(1, 40))
def test_business_last_day_is_a_working_day_with_exactly_min_days_working_days_before_the_session(first, min_days):
    last = deadlines.last_registration_day(first, min_days=min_days, mode="business")
    assert deadlines.is_working_day(last)
    # Working days from the last day (included) to the first day (excluded).
    assert deadlines.working_days_between(last - datetime.timedelta(days=1), first - datetime.timedelta(days=1)) == (
        min_days
    )


@hypothesis_settings(max_examples=200, deadline=None)
@given(day=dates, mode=modes)
def test_earliest_first_day_is_the_exact_inverse(day, mode):
    first = deadlines.earliest_first_day_closing_on_or_after(day, mode=mode)
    assert deadlines.last_registration_day(first, mode=mode) >= day
    assert deadlines.last_registration_day(first - datetime.timedelta(days=1), mode=mode) < day


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    first=st.dates(min_value=D(2001, 1, 1), max_value=D(2098, 12, 31)),
    offset_minutes=st.integers(min_value=-60 * 24 * 40, max_value=60 * 24 * 5),
)
def test_open_exactly_until_the_deadline_instant(first, offset_minutes):
    deadline = deadlines.registration_deadline(first, mode="calendar")
    now = deadline + datetime.timedelta(minutes=offset_minutes)
    assert deadlines.is_registration_open(first, now=now, mode="calendar") == (now <= deadline)
