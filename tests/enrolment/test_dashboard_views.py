import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from enrolment.models import DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, MandateFactory, SessionFactory, TrainingFactory, UserFactory
from tests.utils import page_text
from trainings import deadlines

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(staff=True))  # any staff member, in no group
    return client


def held_session(day, title="Budget", present=2, absent=1):
    training = TrainingFactory(title=title, duration_hours=Decimal("3.5"))
    session = SessionFactory(training=training, starts_at=paris(2026, 3, day, 9), ends_at=paris(2026, 3, day, 17))
    for _ in range(present):
        mandate = MandateFactory()
        DossierFactory(session=session, user=mandate.user, mandate=mandate, state=DossierState.ATTENDED)
    DossierFactory.create_batch(absent, session=session, state=DossierState.ABSENT)
    return session


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_admin_home_links_to_the_dashboard_and_the_report(staff_client):
    page = page_text(staff_client.get(reverse("admin:index")))
    assert f'href="{reverse("dashboard")}">Tableau de bord</a>' in page
    assert f'href="{reverse("activity_report")}">Bilan annuel d\'activité</a>' in page


def test_only_staff_see_the_dashboard(client):
    for name in ("dashboard", "activity_report", "activity_report_csv"):
        assert client.get(reverse(name)).status_code == 302
    client.force_login(UserFactory())
    response = client.get(reverse("dashboard_csv", args=["sessions"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_chart_is_svg_without_style_and_each_csv_matches_its_table(staff_client):
    held_session(10)
    response = staff_client.get(reverse("dashboard"), {"annee": 2026})
    page = page_text(response)
    assert "Tableau de bord 2026" in page
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    svgs = re.findall(r'<svg class="dashboard-chart".*?</svg>', page, flags=re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        assert "style=" not in svg and 'role="img"' in svg and "<script" not in svg
    assert "<rect" in svgs[0] and ">20 %</text>" in svgs[0]  # 3 enrolled (2 present, 1 absent) on 15 seats
    for section in response.context["sections"]:
        table = section["table"]
        csv_file = staff_client.get(reverse("dashboard_csv", args=[table.key]), {"annee": 2026})
        assert csv_file["Content-Disposition"] == f'attachment; filename="tableau-de-bord-2026-{table.key}.csv"'
        rows = read_csv(csv_file)
        assert rows[0] == table.columns
        assert rows[1:] == table.csv_rows()
        for row in table.body():
            assert f'<th scope="row">{row[0]}</th>' in page
    assert staff_client.get(reverse("dashboard_csv", args=["inconnu"])).status_code == 404


def test_a_year_not_in_the_list_shows_this_year_with_a_french_message(staff_client):
    response = staff_client.get(reverse("dashboard"), {"annee": "1999"})
    assert response.status_code == 200
    assert "Choisissez une année de la liste" in page_text(response)
    assert response.context["year"] == deadlines.paris_today().year


def test_the_dashboard_query_count_does_not_grow_with_the_data(staff_client, django_assert_max_num_queries):
    held_session(10)
    with django_assert_max_num_queries(40) as few:
        staff_client.get(reverse("dashboard"), {"annee": 2026})
    for day in (11, 12, 13):
        held_session(day, title=f"Formation du {day}", present=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("dashboard"), {"annee": 2026})


def test_the_activity_report_page_and_its_csv(staff_client):
    held_session(10)
    unmarked = SessionFactory(
        training__title="Conseil municipal", starts_at=paris(2026, 3, 20, 9), ends_at=paris(2026, 3, 20, 17)
    )
    DossierFactory.create_batch(2, session=unmarked, state=DossierState.ACCEPTED)
    response = staff_client.get(reverse("activity_report"), {"annee": 2026})
    page = page_text(response)
    assert "Bilan annuel d'activité 2026" in page
    assert "<td>2</td><td>7</td><td>1</td><td>1</td>" in re.sub(r">\s+<", "><", page)
    assert "Conseil municipal" in page and "aucune présence notée (2)" in page
    rows = read_csv(staff_client.get(reverse("activity_report_csv"), {"annee": 2026}))
    assert rows[:4] == [
        ["Financement", "Stagiaires (élus formés)", "Heures-stagiaires", "Formations", "Sessions"],
        ["DIFE (Mon Compte Formation)", "0", "0", "0", "0"],
        ["Autre financement", "2", "7", "1", "1"],
        ["Total", "2", "7", "1", "1"],
    ]
    assert rows[5:] == [
        ["Session non comptée : formation", "Premier jour", "Inscrits", "Présence non notée"],
        ["Conseil municipal", "20/03/2026", "2", "2"],
    ]
