import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_profile_shows_the_franceconnect_badge_and_no_link_button(client):
    client.force_login(UserFactory(franceconnect=True))
    text = page_text(client.get(reverse("accounts:profile")))
    assert "Identité vérifiée par FranceConnect" in text
    assert "Lier mon compte à FranceConnect" not in text


def test_profile_of_a_password_account_offers_to_link_franceconnect(client):
    client.force_login(UserFactory())
    text = page_text(client.get(reverse("accounts:profile")))
    assert "Identité vérifiée par FranceConnect" not in text
    assert "Lier mon compte à FranceConnect" in text
