"""The funding track in the dossier list (enrolment/admin_funding.py): column, filters, batch actions with a date."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from enrolment.models import FundingLog, FundingSource, FundingState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enrolment_dossier_changelist")


@pytest.fixture
def staff(client):
    user = UserFactory(superuser=True)
    client.force_login(user)
    return user


def post_action(client, action, dossiers, follow=False, **data):
    data = {"action": action, ACTION_CHECKBOX_NAME: [d.pk for d in dossiers], **data}
    return client.post(CHANGELIST, data, follow=follow)


def sign_in(client):
    user = UserFactory(superuser=True)
    client.force_login(user)
    return user


def test_the_list_shows_and_filters_the_funding_state(client, staff, django_assert_max_num_queries):
    to_validate = DossierFactory(mcf_to_validate=True, mcf_number="4200000123")
    DossierFactory(accepted=True)
    page = page_text(client.get(CHANGELIST))
    assert "à valider par l'élu" in page and "n° 4200000123" in page and "au plus tard le" in page
    listed = client.get(CHANGELIST, {"funding_state__exact": FundingState.TO_VALIDATE}).context["cl"].result_list
    assert list(listed) == [to_validate]
    for _ in range(10):
        DossierFactory(mcf_validated=True)
    with django_assert_max_num_queries(20):
        assert client.get(CHANGELIST).status_code == 200


def test_proposal_sent_asks_the_date_then_calls_the_service(client, time_machine):
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)
    staff = sign_in(client)
    dossiers = [DossierFactory(mcf_requested=True, mcf_requested_at=paris(2027, 3, 8, 10)) for _ in range(2)]
    refused = DossierFactory(accepted=True)  # no MCF request yet: refused with the service's message
    page = post_action(client, "funding_proposal_sent", [*dossiers, refused])
    assert (
        page.status_code == 200
        and 'name="on"' in page.content.decode()
        and 'value="2027-03-10"' in page.content.decode()
    )
    assert not FundingLog.objects.filter(to_state=FundingState.TO_VALIDATE).exists()
    response = post_action(
        client, "funding_proposal_sent", [*dossiers, refused], apply="1", on="2027-03-09", follow=True
    )
    messages = page_text(response)
    assert "2 proposition(s) notée(s)" in messages
    assert "Impossible de noter la proposition envoyée" in messages
    for dossier in dossiers:
        dossier.refresh_from_db()
        assert dossier.funding_state == FundingState.TO_VALIDATE and dossier.proposal_sent_on == datetime.date(
            2027, 3, 9
        )
        log = dossier.funding_logs.last()
        assert (log.source, log.by, log.to_state) == (FundingSource.STAFF, staff, FundingState.TO_VALIDATE)
    assert (
        OutgoingEmail.objects.filter(subject__startswith="Validez votre dossier sur Mon Compte Formation").count() == 2
    )


def test_a_wrong_date_is_refused_in_french_and_nothing_changes(client, staff):
    dossier = DossierFactory(mcf_requested=True)
    response = post_action(client, "funding_proposal_sent", [dossier], apply="1", on="31/02/2027")
    assert response.status_code == 200 and "Cette date n'est pas valide" in page_text(response)
    assert "<title>Erreur : " in page_text(response)
    response = post_action(client, "funding_proposal_sent", [dossier], apply="1", on="")
    assert "Indiquez la date." in page_text(response)
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = post_action(client, "funding_proposal_sent", [dossier], apply="1", on=future, follow=True)
    assert "dans le futur" in page_text(response)
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED


def test_entry_and_service_declared_on_each_sessions_own_days(client, time_machine):
    time_machine.move_to(paris(2027, 3, 20, 10), tick=False)
    sign_in(client)
    one = DossierFactory(
        mcf_validated=True, session=SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 16, 17))
    )
    other = DossierFactory(
        mcf_validated=True, session=SessionFactory(starts_at=paris(2027, 3, 17, 9), ends_at=paris(2027, 3, 17, 17))
    )
    page = post_action(client, "funding_entry_declared", [one, other])
    assert "Le premier jour de la session de chaque dossier" in page_text(page)
    post_action(client, "funding_entry_declared", [one, other], apply="1", when="session", on="")
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.funding_state, one.entry_declared_on) == (FundingState.IN_TRAINING, datetime.date(2027, 3, 15))
    assert other.entry_declared_on == datetime.date(2027, 3, 17)
    post_action(client, "funding_service_declared", [one, other], apply="1", when="date", on="2027-03-19")
    one.refresh_from_db()
    assert (one.funding_state, one.service_declared_on) == (FundingState.SERVICE_DECLARED, datetime.date(2027, 3, 19))


def test_staff_without_the_change_permission_have_no_funding_action(client):
    from tests.enrolment.conftest import staff_in

    client.force_login(staff_in("Vérification d'identité"))
    dossier = DossierFactory(mcf_requested=True)
    response = post_action(client, "funding_proposal_sent", [dossier], apply="1", on="2027-03-09")
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.REQUESTED
    assert response.status_code in (200, 302, 403)
