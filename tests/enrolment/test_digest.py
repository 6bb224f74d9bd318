import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from enrolment import digest
from enrolment.models import StaffDigestPreference
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(time_machine):
    time_machine.move_to(paris(2027, 3, 1, 7), tick=False)
    return DossierFactory.create_batch(2, submitted=True)


def run(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return digest.send_daily(now)


def test_each_staff_member_gets_what_waits_once_a_day(waiting, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://dife.example"
    staff = UserFactory(superuser=True, email="equipe@amil.example", first_names="Claire", birth_name="Martin")
    UserFactory()  # an élu: never
    UserFactory(superuser=True, is_active=False)  # a former staff member: never
    assert run(django_capture_on_commit_callbacks) == [staff]
    [message] = mail.outbox
    assert message.to == ["equipe@amil.example"]
    # The two dossiers wait for an answer; their two trainings are published without their MCF identifiers.
    assert message.subject == "Portail DIFE — à faire le lundi 1 mars 2027 : 4 éléments en attente"
    assert "Dossiers en attente de réponse : 2" in message.body
    assert "Formations publiées sans identifiants Mon Compte Formation : 2" in message.body
    assert "https://dife.example/admin/enrolment/dossier/?attente=toutes" in message.body
    assert "Pour ne plus le recevoir : https://dife.example/dossiers/equipe/recapitulatif/" in message.body
    assert "&#x27;" not in message.body

    # Run again the same day (a retried cron): nothing more.
    assert run(django_capture_on_commit_callbacks) == []
    assert OutgoingEmail.objects.count() == 1
    # The next day: again.
    assert run(django_capture_on_commit_callbacks, paris(2027, 3, 2, 7)) == [staff]
    assert StaffDigestPreference.objects.get(user=staff).last_sent_on == datetime.date(2027, 3, 2)


def test_no_digest_when_nothing_waits_or_nothing_the_member_may_see(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(paris(2027, 3, 1, 7), tick=False)
    UserFactory(superuser=True)
    assert run(django_capture_on_commit_callbacks) == []
    DossierFactory(submitted=True)
    UserFactory(staff=True)  # no permission on any list: nothing to tell them
    assert len(run(django_capture_on_commit_callbacks)) == 1


def test_a_staff_member_turns_their_digest_off_and_on(client, waiting, django_capture_on_commit_callbacks):
    staff = UserFactory(superuser=True)
    client.force_login(staff)
    url = reverse("enrolment:staff_digest")
    assert "Ne plus le recevoir" in page_text(client.get(url))
    response = client.post(url, {"enabled": "0"}, follow=True)
    assert "Vous ne recevrez plus le récapitulatif quotidien." in page_text(response)
    assert run(django_capture_on_commit_callbacks) == []
    client.post(url, {"enabled": "1"})
    assert run(django_capture_on_commit_callbacks) == [staff]


def test_the_admin_home_links_to_the_setting(client):
    client.force_login(UserFactory(superuser=True))
    assert reverse("enrolment:staff_digest") in client.get(reverse("admin:index")).content.decode()


def test_only_staff_reach_the_setting(client):
    assert client.get(reverse("enrolment:staff_digest"))["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    assert client.get(reverse("enrolment:staff_digest")).status_code == 403


def test_the_command_says_how_many_it_sent(waiting, capsys):
    UserFactory(superuser=True)
    call_command("send_staff_digest")
    assert "1 récapitulatif(s) envoyé(s)." in capsys.readouterr().out
    assert OutgoingEmail.objects.count() == 1
