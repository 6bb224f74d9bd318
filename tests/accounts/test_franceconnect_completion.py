"""After a first FranceConnect sign-in, the élu is asked only for what FranceConnect does not give."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts import profile_completion
from accounts.models import Mandate, User
from tests.factories import CollectiviteFactory, MandateFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("franceconnect:complete")


def fc_created_user(**fields):
    """An élu as FranceConnect creates it: identity only."""
    defaults = dict(
        franceconnect=True,
        phone_mobile="",
        street_number="",
        street_type="",
        street_name="",
        postal_code="",
        city="",
        cgu_accepted_at=None,
        email_confirmed_at=None,
    )
    return UserFactory(**{**defaults, **fields})


VALID = {
    "phone_mobile": "06 12 34 56 78",
    "phone_landline": "",
    "street_number": "5",
    "street_repetition": "B",
    "street_type": "rue",
    "street_name": "des Tanneurs",
    "address_complement": "",
    "lieu_dit": "",
    "postal_code": "37000",
    "city": "Tours",
    "mandate_function": "adjoint",
    "mandate_start_date": "2020-07-03",
    "accept_cgu": "on",
}


def test_missing_sections_lists_what_the_profile_lacks():
    CollectiviteFactory()
    user = fc_created_user()
    assert profile_completion.missing_sections(user) == ["contact", "address", "mandate", "cgu"]
    complete = UserFactory()
    MandateFactory(user=complete)
    assert profile_completion.missing_sections(complete) == []


def test_no_mandate_is_asked_while_no_collectivite_is_known():
    assert profile_completion.MANDATE not in profile_completion.missing_sections(fc_created_user())


def test_the_page_needs_a_signed_in_elu(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_only_the_missing_sections_are_asked(client):
    CollectiviteFactory()
    user = fc_created_user(phone_mobile="06 11 22 33 44", cgu_accepted_at=datetime.datetime.now(datetime.UTC))
    client.force_login(user)
    response = client.get(URL)
    fields = set(response.context["form"].fields)
    assert "phone_mobile" not in fields and "accept_cgu" not in fields
    assert {"street_name", "postal_code", "city", "mandate_collectivite"} <= fields
    html = response.content.decode()
    assert "Votre adresse personnelle" in html and "Votre téléphone" not in html
    assert "Identité vérifiée par FranceConnect" in html


def test_an_empty_form_shows_a_summary_linked_to_each_field_and_keeps_the_answers(client):
    CollectiviteFactory()
    client.force_login(fc_created_user())
    response = client.post(URL, {"street_name": "des Tanneurs", "postal_code": "3700"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in html
    assert 'href="#id_phone_mobile"' in html and 'href="#id_postal_code"' in html
    assert "Indiquez au moins un numéro de téléphone, mobile ou fixe." in html
    assert "Le code postal compte 5 chiffres, par exemple 37000." in html
    assert "Indiquez votre commune." in html
    assert "Vous devez accepter les conditions générales d&#x27;utilisation pour continuer." in html
    assert 'value="des Tanneurs"' in html
    assert 'aria-invalid="true" aria-describedby="id_postal_code_error"' in html


def test_an_invalid_phone_number_is_explained(client):
    client.force_login(fc_created_user())
    response = client.post(URL, {**VALID, "phone_mobile": "12"})
    assert "Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78." in response.content.decode()


def test_a_landline_is_not_accepted_as_a_mobile(client):
    client.force_login(fc_created_user())
    response = client.post(URL, {**VALID, "phone_mobile": "02 47 33 37 00"})
    assert "Ce numéro n&#x27;est pas un numéro de mobile" in response.content.decode()


def test_completing_saves_the_profile_the_mandate_and_the_cgu(client):
    collectivite = CollectiviteFactory(name="Amboise")
    user = fc_created_user()
    client.force_login(user)
    data = {**VALID, "mandate_collectivite": collectivite.pk, "next": "/formations/"}

    response = client.post(URL, data, follow=True)

    assert response.redirect_chain == [("/formations/", 302)]
    assert "Merci, votre compte est complet." in [str(m) for m in response.context["messages"]]
    user = User.objects.get(pk=user.pk)
    assert (user.phone_mobile, user.street_name, user.postal_code, user.city) == (
        "06 12 34 56 78",
        "des Tanneurs",
        "37000",
        "Tours",
    )
    assert user.cgu_accepted_at is not None
    mandate = Mandate.objects.get(user=user)
    assert (mandate.collectivite, mandate.function, mandate.start_date) == (
        collectivite,
        "adjoint",
        datetime.date(2020, 7, 3),
    )
    assert user.verified_by_franceconnect  # identity untouched


def test_a_mandate_cannot_start_in_the_future(client):
    collectivite = CollectiviteFactory()
    client.force_login(fc_created_user())
    data = {**VALID, "mandate_collectivite": collectivite.pk, "mandate_start_date": "2999-01-01"}
    response = client.post(URL, data)
    assert "La date de début du mandat ne peut pas être dans le futur." in response.content.decode()
    assert not Mandate.objects.exists()


def test_a_complete_profile_goes_straight_on(client):
    user = UserFactory(franceconnect=True)
    MandateFactory(user=user)
    client.force_login(user)
    response = client.get(URL, {"next": "/formations/"})
    assert response["Location"] == "/formations/"


def test_an_unsafe_next_is_not_followed(client):
    user = UserFactory(franceconnect=True)
    MandateFactory(user=user)
    client.force_login(user)
    assert client.get(URL, {"next": "//pirate.example/"})["Location"] == reverse("accounts:rights")


# --- Includes the other pages use ---------------------------------------------------------------------


def _render(template, user, **context):
    request = RequestFactory().get("/compte/profil/")
    request.user = user
    return render_to_string(template, {"user": user, **context}, request=request)


def test_identity_badge_shows_only_for_identities_verified_by_franceconnect():
    badge = "accounts/includes/identity_badge.html"
    assert "Identité vérifiée par FranceConnect" in _render(badge, UserFactory.build(franceconnect=True))
    assert "Identité vérifiée" not in _render(badge, UserFactory.build(verified_by_document=True))
    assert _render(badge, UserFactory.build()).strip() == ""


def test_franceconnect_button_links_to_the_start_with_the_next_page():
    html = _render("accounts/includes/franceconnect_button.html", UserFactory.build(), next="/formations/?q=budget")
    assert 'href="/compte/franceconnect/connexion/?next=/formations/%3Fq%3Dbudget"' in html
    assert "S'identifier avec" in html and "FranceConnect" in html
    assert "Qu'est-ce que FranceConnect ?" in html and "(nouvelle fenêtre)" in html
    assert 'aria-hidden="true"' in html  # the logo is decoration


def test_link_button_shows_only_for_an_unlinked_signed_in_elu():
    include = "accounts/includes/franceconnect_link.html"
    assert "Lier mon compte à FranceConnect" in _render(include, UserFactory())
    assert "Lier mon compte" not in _render(include, UserFactory(franceconnect=True))
