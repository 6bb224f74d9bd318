import io

import pytest
import time_machine
from django.core.management import call_command

from enrolment import activity_report, dashboard
from enrolment.models import Dossier
from tests.enrolment.conftest import paris
from trainings.models import Invitation, Session

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Session, Dossier, Invitation)]


def test_the_demo_fills_the_dashboard_of_this_year_and_the_last_and_adds_nothing_twice():
    with time_machine.travel(paris(2027, 6, 15, 10), tick=False):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        before = counts()
        call_command("seed_activity_demo", verbosity=0, stdout=io.StringIO())
        assert counts() == before
        for year in (2026, 2027):
            period = dashboard.Period.of(year)
            sessions = dashboard.sessions_fill(period)
            assert sessions.total[1] >= 4 and sessions.total[2] == 1, "held sessions and one cancelled"
            assert dashboard.trainees_by_training(period).total[1] >= 10
            assert len(dashboard.trainees_by_collectivite(period).rows) >= 5
            assert dashboard.invitation_funnel(period).total[5] > 0
            assert dashboard.response_times(period).figures[1][1] > 0, "some answers beyond 2 working days"
            report = activity_report.figures(period)
            assert all(row[1] > 0 for row in report.rows), "both fundings"
        assert activity_report.not_counted(dashboard.Period.of(2027)), "a held session without presence marks"
