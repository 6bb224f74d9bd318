"""The funding track in the admin's dossier page: shown, never edited by hand."""

import pytest
from django.urls import reverse

from enrolment import funding
from enrolment.models import FundingSource
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_dossier_page_shows_the_funding_track_and_its_log_read_only(client, elu):
    staff = UserFactory(superuser=True, first_names="Claire", birth_name="Gestion")
    dossier = DossierFactory(user=elu, accepted=True)
    funding.record_mcf_request(dossier, "1234567890", by=elu, source=FundingSource.ELU)
    funding.proposal_validated(dossier, by=staff, source=FundingSource.STAFF)
    client.force_login(staff)
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Financement Mon Compte Formation" in page
    assert "1234567890" in page and "Validée, payée par le DIFE" in page
    assert "Import Mon Compte Formation" not in page and "Équipe" in page and "Élu" in page
    assert 'name="funding_state"' not in page and 'name="mcf_number"' not in page  # read-only
    assert 'name="funding_logs-0-note"' not in page


def test_the_staff_groups_read_the_funding_log(client, manager, identity_checker):
    dossier = DossierFactory(mcf_requested=True)
    funding.proposal_validated(dossier, by=manager, source=FundingSource.STAFF)
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    for member in (manager, identity_checker):
        client.force_login(member)
        page = client.get(url).content.decode()
        assert "Financement Mon Compte Formation (qui, quand, source, de, vers)" in page
        assert "Validée, payée par le DIFE" in page
