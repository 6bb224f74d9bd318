"""`seed_demo` shows every funding state on Mon Compte Formation, and can run again without duplicates."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from enrolment.models import Dossier, FundingLog, FundingState

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def test_every_funding_state_has_a_demo_dossier_and_its_log(client):
    seed()
    demo = Dossier.objects.filter(user__email__startswith="elu.mcf.")
    assert set(demo.values_list("funding_state", flat=True)) == set(FundingState.values)
    for dossier in demo:
        path = list(dossier.funding_logs.order_by("pk").values_list("to_state", flat=True))
        assert (path[-1] if path else FundingState.TODO) == dossier.funding_state
        assert bool(dossier.mcf_number) == (dossier.funding_state != FundingState.TODO)
    # Each élu screen renders.
    for dossier in demo:
        client.force_login(dossier.user)
        assert client.get(reverse("enrolment:detail", args=[dossier.pk])).status_code == 200
        assert dossier.get_funding_state_display() in client.get(reverse("enrolment:list")).content.decode()


def test_seeding_twice_changes_nothing():
    seed()
    before = (Dossier.objects.count(), FundingLog.objects.count())
    seed()
    assert (Dossier.objects.count(), FundingLog.objects.count()) == before
