import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from accounts.models import Collectivite, Mandate, User
from enrolment.management.commands.generate_bench_data import BENCH_DOMAIN
from enrolment.models import SEAT_HOLDING_STATES, Dossier, DossierLog
from tests.factories import UserFactory
from trainings.models import Invitation, Session, Training

pytestmark = pytest.mark.django_db

SIZES = ["--collectivites", "4", "--trainings", "3", "--sessions", "12", "--elus", "30", "--dossiers", "90"]


def generate(*extra):
    call_command("generate_bench_data", *SIZES, *extra, stdout=io.StringIO())


def test_generates_the_requested_sizes_with_consistent_rows():
    generate()
    assert Collectivite.objects.count() == 4
    assert Training.objects.count() == 3 and Session.objects.count() == 12
    assert User.objects.filter(is_staff=False).count() == 30
    assert Mandate.objects.count() == 30
    assert Dossier.objects.count() == 90
    assert Invitation.objects.exists()
    # Every dossier has a log ending in its state; no session holds more seats than it has.
    assert not Dossier.objects.annotate(n=Count("logs")).filter(n=0).exists()
    for dossier in Dossier.objects.prefetch_related("logs")[:20]:
        assert list(dossier.logs.all())[-1].to_state == dossier.state
    over = Session.objects.annotate(held=Count("dossiers", filter=Q(dossiers__state__in=SEAT_HOLDING_STATES))).filter(
        held__gt=15
    )
    assert not over.exists()
    assert DossierLog.objects.count() >= 90
    # Every account is a bench account, and it can sign in with the bench password.
    assert not User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").exists()


def test_refuses_to_add_to_a_database_that_holds_data():
    generate()
    with pytest.raises(CommandError, match="--reset"):
        generate()


def test_reset_replaces_bench_data():
    generate()
    generate("--reset", "--dossiers", "10")
    assert Dossier.objects.count() == 10 and User.objects.filter(is_staff=False).count() == 30


def test_reset_never_wipes_a_database_with_real_accounts():
    UserFactory(email="marie@mairie-tours.fr")
    with pytest.raises(CommandError, match="refused"):
        generate("--reset")
    assert User.objects.filter(email="marie@mairie-tours.fr").exists()


def test_bench_trainings_are_found_by_the_keyword_search():
    from trainings.search import search_trainings

    generate()
    assert all(training.search_text for training in Training.objects.all())
    assert search_trainings({"q": "budget"}).exists()
