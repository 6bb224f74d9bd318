"""trainings/templatetags/catalogue.py: dates and staff-written texts as the pages write them."""

import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format

from trainings.templatetags.catalogue import long_date


def test_long_date_writes_django_s_french_names_for_every_weekday_and_month():
    day = datetime.date(2027, 1, 1)
    for offset in range(0, 400, 3):
        current = day + datetime.timedelta(days=offset)
        number = "1er" if current.day == 1 else str(current.day)
        expected = f"{number} {date_format(current, 'F Y')}"
        assert long_date(current, weekday=False) == expected
        assert long_date(current) == f"{date_format(current, 'l')} {expected}"


def test_long_date_reads_an_aware_datetime_in_paris_time():
    late_in_utc = datetime.datetime(2027, 2, 28, 23, 30, tzinfo=datetime.UTC)
    assert timezone.localtime(late_in_utc).day == 1
    assert long_date(late_in_utc) == "lundi 1er mars 2027"
    assert long_date(None) == "" and long_date("") == ""
