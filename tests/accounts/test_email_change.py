"""Mon profil → changer d'adresse mail (accounts/email_change.py, accounts/views/email_change.py)."""

# ruff: noqa: F811  (the fixtures `fc` and `fc_settings` are imported, then requested by name)

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import confirmation_codes, email_change, throttling
from accounts.models import EmailChange, User
from tests.factories import TEST_PASSWORD, MandateFactory, UserFactory
from tests.utils import page_text

from .fake_franceconnect import SUB, fc, fc_settings  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:email_change")
CONFIRM = reverse("accounts:email_change_confirm")


@pytest.fixture
def elu(client):
    user = UserFactory(email="marie@mairie-amboise.fr", first_names="Marie")
    MandateFactory(user=user)
    client.force_login(user)
    return user


def ask(client, django_capture_on_commit_callbacks, new_email, password=TEST_PASSWORD):
    data = {"new_email": new_email}
    if password is not None:
        data["password"] = password
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(CHANGE, data)


def code_in(message):
    return re.search(r"navigateur : (\d{6})", message.body).group(1)


def can_sign_in(email):
    from django.test import Client

    return Client().post(reverse("accounts:login"), {"username": email, "password": TEST_PASSWORD}).status_code == 302


def test_the_change_is_confirmed_with_the_code_from_the_new_address_and_the_old_one_is_told(
    client, elu, django_capture_on_commit_callbacks
):
    assert "Changer mon adresse mail" in page_text(client.get(reverse("accounts:profile")))
    response = ask(client, django_capture_on_commit_callbacks, "Marie.Martin@Retraite.fr")
    assert response["Location"] == CONFIRM
    [message] = mail.outbox
    assert message.to == ["marie.martin@retraite.fr"]
    assert message.subject == "Confirmez votre nouvelle adresse mail — Portail DIFE"
    assert "&#x27;" not in message.body

    # Until confirmed: the account keeps its address, and signing in works with the old one only.
    elu.refresh_from_db()
    assert elu.email == "marie@mairie-amboise.fr"
    assert can_sign_in("marie@mairie-amboise.fr") and not can_sign_in("marie.martin@retraite.fr")
    assert "Changement vers marie.martin@retraite.fr en attente" in page_text(client.get(reverse("accounts:profile")))

    wrong = client.post(CONFIRM, {"code": "000000" if code_in(message) != "000000" else "111111"})
    assert "<title>Erreur : " in wrong.content.decode() and "Ce code n'est pas le bon" in page_text(wrong)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"code": code_in(message)}, follow=True)
    assert "Votre adresse mail est désormais marie.martin@retraite.fr." in page_text(response)
    elu.refresh_from_db()
    assert elu.email == "marie.martin@retraite.fr" and elu.email_confirmed_at is not None
    assert not EmailChange.objects.exists()
    told = mail.outbox[-1]
    assert told.to == ["marie@mairie-amboise.fr"] and told.subject == "Votre adresse mail a été changée — Portail DIFE"
    assert "marie.martin@retraite.fr" not in told.body  # the old mailbox is told, not given the new address
    assert can_sign_in("marie.martin@retraite.fr") and not can_sign_in("marie@mairie-amboise.fr")
    assert client.session[SESSION_KEY] == str(elu.pk)  # still signed in


def test_the_link_works_in_another_browser_after_a_click_never_by_merely_opening_it(
    client, elu, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, "marie@retraite.fr")
    link = re.search(r"https?://\S+/compte/adresse-mail/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    from django.test import Client

    other = Client()
    page = other.get(path)
    assert page.status_code == 200 and "marie@retraite.fr" in page_text(page)
    assert User.objects.get(pk=elu.pk).email == "marie@mairie-amboise.fr"  # opening it changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(path)
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.get(pk=elu.pk).email == "marie@retraite.fr"
    assert other.get(path).status_code == 410  # used


def test_a_new_request_replaces_the_earlier_one_whose_link_and_code_stop_working(
    client, elu, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    ask(client, django_capture_on_commit_callbacks, "premiere@example.fr")
    first_link = re.search(r"/compte/adresse-mail/\S+/", mail.outbox[0].body).group(0)
    # Within the minute: refused (each request mails an address typed by the élu).
    response = ask(client, django_capture_on_commit_callbacks, "seconde@example.fr")
    assert "patientez une minute" in page_text(response) and len(mail.outbox) == 1
    time_machine.shift(datetime.timedelta(seconds=61))
    ask(client, django_capture_on_commit_callbacks, "seconde@example.fr")
    assert client.get(first_link).status_code == 410
    assert client.post(CONFIRM, {"code": code_in(mail.outbox[0])}).status_code == 200
    assert User.objects.get(pk=elu.pk).email == "marie@mairie-amboise.fr"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"new_email": "pas-une-adresse", "password": TEST_PASSWORD}, "Saisissez une adresse"),
        ({"new_email": "MARIE@mairie-amboise.fr", "password": TEST_PASSWORD}, "C'est déjà l'adresse de votre compte"),
        ({"new_email": "marie@retraite.fr", "password": "mauvais"}, "Ce mot de passe n'est pas le bon."),
    ],
)
def test_bad_input_is_said_in_french_and_nothing_is_sent(client, elu, data, message):
    response = client.post(CHANGE, data)
    assert response.status_code == 200 and message in page_text(response)
    assert "<title>Erreur : " in response.content.decode()
    assert 'value="' + data["new_email"] + '"' in response.content.decode()  # what was typed is kept
    assert not EmailChange.objects.exists() and not mail.outbox


def test_an_address_of_another_account_is_never_taken_nor_revealed(client, elu, django_capture_on_commit_callbacks):
    UserFactory(email="deja@example.fr")
    response = ask(client, django_capture_on_commit_callbacks, "deja@example.fr")
    assert response["Location"] == CONFIRM  # the same answer as for a free address
    [message] = mail.outbox
    assert message.to == ["deja@example.fr"] and "déjà celle d'un compte" in message.body
    assert not re.search(r"\b\d{6}\b", message.body)
    # Even a guessed code cannot move the account onto it.
    with pytest.raises(email_change.ChangeError):
        email_change.confirm(elu)
    assert User.objects.get(pk=elu.pk).email == "marie@mairie-amboise.fr"


def test_requests_to_one_new_address_share_the_account_mail_throttle(
    client, elu, django_capture_on_commit_callbacks, settings, time_machine
):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 1
    time_machine.move_to(timezone.now(), tick=False)
    ask(client, django_capture_on_commit_callbacks, "victime@example.fr")
    time_machine.shift(confirmation_codes.RESEND_INTERVAL)  # past the one-a-minute rule
    response = ask(client, django_capture_on_commit_callbacks, "Victime@example.fr")
    assert throttling.MESSAGE in page_text(response)
    assert len(mail.outbox) == 1


def test_too_many_wrong_codes_cancel_the_change(client, elu, django_capture_on_commit_callbacks):
    ask(client, django_capture_on_commit_callbacks, "marie@retraite.fr")
    right = code_in(mail.outbox[0])
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(confirmation_codes.MAX_FAILED_ATTEMPTS):
        response = client.post(CONFIRM, {"code": wrong})
    assert response["Location"] == CHANGE and not EmailChange.objects.exists()
    assert client.post(CONFIRM, {"code": right})["Location"] == CHANGE
    assert User.objects.get(pk=elu.pk).email == "marie@mairie-amboise.fr"


def test_an_expired_change_is_refused(client, elu, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ask(client, django_capture_on_commit_callbacks, "marie@retraite.fr")
    time_machine.shift(email_change.VALIDITY + datetime.timedelta(minutes=1))
    assert email_change.check_code(elu, code_in(mail.outbox[0])) is email_change.Check.EXPIRED
    assert client.get(CONFIRM)["Location"] == CHANGE


def test_the_elu_can_cancel_the_change(client, elu, django_capture_on_commit_callbacks):
    ask(client, django_capture_on_commit_callbacks, "marie@retraite.fr")
    response = client.post(reverse("accounts:email_change_cancel"), follow=True)
    assert "Le changement d'adresse est annulé" in page_text(response)
    assert not EmailChange.objects.exists()


def test_a_franceconnect_account_changes_its_address_without_a_password_and_still_signs_in_with_franceconnect(
    client, fc, django_capture_on_commit_callbacks
):
    user = UserFactory(franceconnect=True, franceconnect_sub=SUB, email="angela@ancienne.fr", password=None)
    user.set_unusable_password()
    user.save()
    MandateFactory(user=user)
    client.force_login(user)
    assert 'name="password"' not in client.get(CHANGE).content.decode()
    ask(client, django_capture_on_commit_callbacks, "angela@nouvelle.fr", password=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRM, {"code": code_in(mail.outbox[0])})
    user.refresh_from_db()
    assert user.email == "angela@nouvelle.fr"
    client.logout()
    fc.claims["email"] = "angela@ancienne.fr"  # FranceConnect still knows the old address
    fc.sign_in(client)
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.email == "angela@nouvelle.fr"


def test_only_a_signed_in_elu_reaches_the_change_page(client):
    assert client.get(CHANGE)["Location"].startswith(reverse("accounts:login"))


def test_a_new_address_in_unusual_letters_is_refused_in_french(client, elu, django_capture_on_commit_callbacks):
    # Full-width letters would be stored as "elu@amil.example": what sign-in looks up must be what was typed.
    response = ask(client, django_capture_on_commit_callbacks, "marie@\uff41mil.example")
    assert response.status_code == 200
    assert "caractères inhabituels" in response.content.decode()
    assert not EmailChange.objects.exists()


def test_the_new_address_is_kept_in_the_spelling_sign_in_looks_up(client, elu, django_capture_on_commit_callbacks):
    ask(client, django_capture_on_commit_callbacks, "  Marie.Nouvelle@Tours.FR ")
    assert EmailChange.objects.get().new_email == "marie.nouvelle@tours.fr"
