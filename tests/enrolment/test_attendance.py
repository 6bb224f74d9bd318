import datetime

import pytest

from enrolment import attendance
from enrolment.models import DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, MandateFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def periods(session):
    return [(h.date.day, h.period, h.start, h.end) for h in attendance.half_days(session)]


def test_a_full_day_has_a_morning_and_an_afternoon_without_guessing_the_lunch_break():
    session = SessionFactory(starts_at=paris(2027, 3, 2, 9), ends_at=paris(2027, 3, 2, 17))
    assert periods(session) == [
        (2, "morning", datetime.time(9), None),
        (2, "afternoon", None, datetime.time(17)),
    ]


def test_half_day_sessions_have_one_sheet():
    morning = SessionFactory(starts_at=paris(2027, 3, 2, 9), ends_at=paris(2027, 3, 2, 12, 30))
    afternoon = SessionFactory(starts_at=paris(2027, 3, 2, 14), ends_at=paris(2027, 3, 2, 17, 30))
    assert periods(morning) == [(2, "morning", datetime.time(9), datetime.time(12, 30))]
    assert periods(afternoon) == [(2, "afternoon", datetime.time(14), datetime.time(17, 30))]


def test_a_two_day_session_has_four_half_days_in_paris_time():
    # 29-30 March 2027 straddle nothing, but the hours are read in Paris time whatever the server's zone.
    session = SessionFactory(starts_at=paris(2027, 3, 29, 9), ends_at=paris(2027, 3, 30, 17))
    assert [(d, p) for d, p, _, _ in periods(session)] == [
        (29, "morning"),
        (29, "afternoon"),
        (30, "morning"),
        (30, "afternoon"),
    ]
    assert [day.start_at.hour for day in attendance.session_days(session)] == [9, 9]


def test_participants_are_grouped_in_one_query(django_assert_num_queries):
    session = SessionFactory()
    zoe = DossierFactory(session=session, accepted=True, user=UserFactory(birth_name="Zola", first_names="Zoé"))
    anne = DossierFactory(session=session, state=DossierState.ATTENDED, user=UserFactory(birth_name="Arnaud"))
    first = DossierFactory(session=session, submitted=True, submitted_at=paris(2026, 11, 2))
    second = DossierFactory(session=session, submitted=True, submitted_at=paris(2026, 11, 3))
    waiting = DossierFactory(session=session, waitlisted=True)
    DossierFactory(session=session)  # a draft: counted, not listed
    DossierFactory(session=session, refused=True)  # neither
    with django_assert_num_queries(1):
        groups = attendance.participants(session)
    assert groups["enrolled"] == [anne, zoe]
    assert groups["pending"] == [first, second]
    assert groups["waiting"] == [waiting]
    assert groups["in_progress"] == 1


def test_names_and_mandates_as_printed():
    user = UserFactory(birth_name="Dupont", usage_name="Martin", first_names="Marie")
    mandate = MandateFactory(user=user, collectivite__name="Amboise")
    dossier = DossierFactory(user=user, mandate=mandate)
    assert attendance.display_name(dossier) == "MARTIN Marie"
    assert attendance.collectivite_label(dossier) == "Maire — Amboise"
    typed = DossierFactory(mandate_label="Conseillère municipale — Loches")
    assert attendance.collectivite_label(typed) == "Conseillère municipale — Loches"


def test_documents_are_signed_in_the_association_town(settings):
    assert attendance.signing_place() == "Tours"
    settings.ASSOCIATION = {**settings.ASSOCIATION, "postal_code_city": "41000 Blois"}
    assert attendance.signing_place() == "Blois"
