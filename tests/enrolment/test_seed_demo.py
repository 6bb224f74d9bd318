import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enrolment.management.commands import seed_demo
from enrolment.models import Dossier, DossierLog, DossierState
from trainings import deadlines
from trainings.models import Organiser, Session, Training

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def counts():
    return [model.objects.count() for model in (Organiser, Training, Session, User, Dossier, DossierLog)]


def upcoming_sessions():
    return list(Session.objects.upcoming().with_availability().select_related("training"))


def assert_demo_scenario():
    sessions = upcoming_sessions()
    tomorrow = deadlines.paris_today() + datetime.timedelta(days=1)
    assert sum(s.can_create_dossier for s in sessions) >= 5, "several open sessions"
    assert any(s.last_registration_day == tomorrow and s.can_create_dossier for s in sessions), "closing tomorrow"
    assert any(not s.is_registration_open for s in sessions), "an upcoming session already closed"
    assert any(s.is_full and s.is_registration_open for s in sessions), "a full session"


def test_seed_demo_builds_the_catalogue():
    seed()
    amil = Organiser.objects.get(is_default=True)
    assert amil.name == "Maison des Maires d'Indre-et-Loire"
    published = Training.objects.published()
    assert 8 <= published.count() <= 12
    assert set(published.values_list("organiser", flat=True)) == {amil.pk}
    titles = " ".join(published.values_list("title", flat=True))
    for subject in ("Budget communal niveau confirmé", "PLU", "Marchés publics", "maire employeur", "conflits"):
        assert subject in titles
    assert {"centre", "distance"} <= set(published.values_list("modality", flat=True))
    assert len(set(Session.objects.exclude(city="").values_list("city", flat=True))) >= 5
    assert Session.objects.filter(postal_code__startswith="37").count() == Session.objects.exclude(city="").count()
    assert_demo_scenario()


def test_the_full_session_is_filled_by_accepted_dossiers_with_their_log():
    seed()
    [full] = [s for s in upcoming_sessions() if s.is_full]
    dossiers = Dossier.objects.filter(session=full)
    assert dossiers.count() == full.seats
    assert set(dossiers.values_list("state", flat=True)) == {DossierState.ACCEPTED}
    for dossier in dossiers:
        [log] = dossier.logs.all()
        assert log.to_state == DossierState.ACCEPTED and log.by.email == seed_demo.DEMO_STAFF_EMAIL


def test_seed_demo_is_idempotent():
    seed()
    before = counts()
    seed()
    assert counts() == before


def test_demo_accounts_can_log_in():
    seed()
    staff = User.objects.get(email=seed_demo.DEMO_STAFF_EMAIL)
    assert staff.check_password(seed_demo.DEMO_STAFF_PASSWORD) and staff.is_staff and staff.is_superuser
    elu = User.objects.get(email=seed_demo.DEMO_ELU_EMAIL)
    assert elu.check_password(seed_demo.DEMO_ELU_PASSWORD) and not elu.is_staff


def test_running_again_later_moves_the_sessions_relative_to_the_new_day():
    seed()
    before = counts()
    later = timezone.now() + datetime.timedelta(days=45)
    with time_machine.travel(later, tick=False):
        seed()
        assert counts() == before
        assert_demo_scenario()


def test_staff_edits_to_a_demo_training_are_kept():
    seed()
    Training.objects.filter(reference="AMIL-FIN-02").update(price=175)
    seed()
    assert Training.objects.get(reference="AMIL-FIN-02").price == 175


def test_closing_tomorrow_in_business_mode(settings):
    settings.REGISTRATION_DAYS_MODE = "business"
    seed()
    # In business mode a last registration day is always a working day: the first one from tomorrow on.
    expected = deadlines.paris_today() + datetime.timedelta(days=1)
    while not deadlines.is_working_day(expected):
        expected += datetime.timedelta(days=1)
    assert any(s.last_registration_day == expected and s.can_create_dossier for s in upcoming_sessions())


def test_every_demo_page_renders(client):
    seed()
    response = client.get(reverse("trainings:search"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == Training.objects.published().count()
    for training in Training.objects.published():
        assert client.get(training.get_absolute_url()).status_code == 200


def test_a_few_demo_communes_have_a_contact_address_for_the_invitations():
    from accounts.models import Collectivite

    seed()
    with_address = Collectivite.objects.exclude(contact_email="")
    assert set(with_address.values_list("name", flat=True)) == {"Amboise", "Chinon", "Loches", "Tours"}
    assert all(email.endswith(".example") for email in with_address.values_list("contact_email", flat=True))
    assert Collectivite.objects.filter(is_member=True, contact_email="").exists()  # and some without, as in life
