"""Real parallel connections on PostgreSQL: the funding track stays exact under double clicks and races."""

import pytest

from enrolment import funding
from enrolment.funding import FundingError
from enrolment.models import Dossier, FundingLog, FundingSource, FundingState
from tests.enrolment.test_concurrency import run_concurrently
from tests.factories import DossierFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_number_typed_for_two_dossiers_at_once_is_kept_for_one():
    first, second = DossierFactory(accepted=True), DossierFactory(accepted=True)

    def record(dossier):
        try:
            funding.record_mcf_request(
                Dossier.objects.get(pk=dossier.pk), "1234567890", by=dossier.user, source=FundingSource.ELU
            )
        except FundingError as error:
            return str(error)
        return "ok"

    results, errors = run_concurrently([lambda: record(first), lambda: record(second)])
    assert errors == []
    assert sorted(results)[-1] == "ok" and "déjà enregistré pour un autre dossier" in sorted(results)[0]
    assert Dossier.objects.filter(mcf_number="1234567890").count() == 1
    assert FundingLog.objects.count() == 1


def test_ten_concurrent_validations_write_one_log_row():
    dossier = DossierFactory(mcf_requested=True)
    staff = UserFactory(staff=True)
    calls = [
        lambda: funding.proposal_validated(Dossier.objects.get(pk=dossier.pk), by=staff, source=FundingSource.STAFF)
        for _ in range(10)
    ]
    results, errors = run_concurrently(calls)
    assert errors == []
    assert {d.funding_state for d in results} == {FundingState.VALIDATED}
    assert FundingLog.objects.filter(dossier=dossier).count() == 1
