"""The staff dashboard and the activity report as staff read them: charts and tables from the demo-like data of a
past year, zero axe violations, no horizontal scroll at 360 px (the charts scroll inside their frame)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from trainings import deadlines

from .conftest import HTML_VALIDATE_ADMIN_CONFIG, check_page
from .staff import sign_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_and_activity_report(portal, page):
    call_command("seed_demo", verbosity=0)  # with its past sessions, presence marks, invitations and answers
    staff_member()
    sign_in(page, portal)
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name=f"Tableau de bord {deadlines.paris_today().year}")).to_be_visible()
    year = deadlines.paris_today().year - 1  # last year: its sessions are all past, whatever today's date
    page.get_by_label("Année", exact=True).select_option(str(year))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name=f"Tableau de bord {year}")).to_be_visible()
    for heading in ("Sessions tenues et taux de remplissage", "Délai de réponse de l'AMIL"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("img", name="Taux de remplissage des sessions tenues, par formation")).to_be_visible()
    expect(page.get_by_role("table", name=f"Sessions tenues et taux de remplissage — {year}")).to_contain_text("Total")
    check_page(page, "staff-tableau-de-bord", HTML_VALIDATE_ADMIN_CONFIG)
    page.get_by_role("link", name=f"Bilan annuel d'activité {year}").click()
    expect(page.get_by_role("heading", name="Ce qui n'a pas pu être compté")).to_be_visible()
    expect(page.get_by_role("table", name="Bilan d'activité par financement — " + str(year))).to_contain_text(
        "DIFE (Mon Compte Formation)"
    )
    check_page(page, "staff-bilan-annuel", HTML_VALIDATE_ADMIN_CONFIG)
