"""accounts/views/profile.py: "Mon profil" — see, change, download, delete."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Mandate, User
from tests.factories import DossierFactory, IdentityDocumentFactory, MandateFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "birth_name": "Martin",
    "usage_name": "",
    "first_names": "Marie",
    "birth_date": "1968-04-12",
    "birth_place": "Tours",
    "phone_mobile": "0612345678",
    "phone_landline": "",
    "street_number": "3",
    "street_repetition": "",
    "street_type": "rue",
    "street_name": "Nationale",
    "address_complement": "",
    "lieu_dit": "",
    "postal_code": "37400",
    "city": "Amboise",
}


@pytest.fixture
def elu(client):
    user = UserFactory(birth_name="Martin", first_names="Marie", email="marie@example.fr")
    client.force_login(user)
    return user


def test_profile_shows_what_the_portal_holds(client, elu):
    MandateFactory(user=elu, collectivite__name="Amboise")
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "marie@example.fr" in html and "Martin" in html and "17/05/1970" in html and "Amboise" in html
    assert "Télécharger mes données" in html and "Supprimer mon compte" in html


def test_modify_profile_and_erase_an_optional_item(client, elu):
    elu.phone_landline = "02 47 33 37 00"
    elu.save()
    response = client.post(reverse("accounts:profile_edit"), {**PROFILE, "usage_name": "Durand"})
    assert response.url == reverse("accounts:profile")
    elu.refresh_from_db()
    assert elu.usage_name == "Durand" and elu.phone_mobile == "06 12 34 56 78" and elu.city == "Amboise"
    assert elu.phone_landline == ""


def test_profile_errors_are_french_and_keep_input(client, elu):
    html = client.post(
        reverse("accounts:profile_edit"), {**PROFILE, "postal_code": "37000", "phone_mobile": "12"}
    ).content.decode()
    assert html.count("ne correspond pas au code postal 37000") == 2
    assert html.count("Ce numéro de téléphone n&#x27;est pas valide") == 2
    assert 'value="Nationale"' in html and 'value="12"' in html


def test_identity_verified_by_franceconnect_is_read_only(client):
    user = UserFactory(franceconnect=True, birth_name="Martin", first_names="Marie")
    client.force_login(user)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "vérifiée par FranceConnect" in html
    assert 'name="birth_name" value="Martin"' in html and "disabled" in html
    client.post(
        reverse("accounts:profile_edit"),
        {**PROFILE, "birth_name": "Autre", "first_names": "Paul", "birth_date": "1990-01-01", "city": "Amboise"},
    )
    user.refresh_from_db()
    assert (user.birth_name, user.first_names, user.birth_date) == ("Martin", "Marie", datetime.date(1970, 5, 17))
    assert user.city == "Amboise"  # the rest was saved


def test_download_own_data_as_json(client, elu, django_assert_max_num_queries):
    MandateFactory(user=elu, collectivite__name="Amboise")
    DossierFactory(user=elu)
    IdentityDocumentFactory(user=elu)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:personal_data"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["compte"]["email"] == "marie@example.fr"
    assert data["identite"]["birth_name"] == "Martin"
    assert data["mandats"][0]["collectivite"] == "Amboise"
    assert len(data["dossiers"]) == 1 and len(data["pieces_identite"]) == 1
    assert data["dossiers"][0]["questionnaire_de_satisfaction_repondu_le"] is None
    assert "password" not in response.content.decode()


def test_the_data_download_says_when_the_questionnaire_was_answered_not_what(client, elu):
    from enrolment import satisfaction
    from trainings.deadlines import paris_today

    dossier = DossierFactory(user=elu, attended=True, session__days_ahead=-3)
    satisfaction.record_answer(
        dossier, by=elu, overall=2, objectives_met="non", usefulness=2, would_recommend=False, comment="Secret"
    )
    client.force_login(elu)
    data = json.loads(client.get(reverse("accounts:personal_data")).content)
    assert data["dossiers"][0]["questionnaire_de_satisfaction_repondu_le"] == paris_today().isoformat()
    assert "Secret" not in json.dumps(data)


def test_delete_account_needs_confirmation_then_erases_everything(client, elu, settings):
    MandateFactory(user=elu)
    document = IdentityDocumentFactory(user=elu)
    document.front.save("x.png", ContentFile(b"image"), save=True)
    html = client.post(reverse("accounts:account_delete"), {}).content.decode()
    assert "Cochez la case pour confirmer" in html and User.objects.filter(pk=elu.pk).exists()
    response = client.post(reverse("accounts:account_delete"), {"confirm": "on"})
    assert response.url == reverse("home")
    assert not User.objects.filter(pk=elu.pk).exists() and not Mandate.objects.exists()
    assert "_auth_user_id" not in client.session


def test_identity_files_are_removed_from_disk_on_deletion(client, elu, django_capture_on_commit_callbacks):
    document = IdentityDocumentFactory(user=elu)
    document.front.save("x.png", ContentFile(b"image"), save=True)
    storage, name = document.front.storage, document.front.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:account_delete"), {"confirm": "on"})
    assert not storage.exists(name)


def test_account_with_a_dossier_being_handled_cannot_be_deleted(client, elu):
    DossierFactory(user=elu, submitted=True)
    assert "demande d'inscription en cours" in client.get(reverse("accounts:account_delete")).content.decode()
    client.post(reverse("accounts:account_delete"), {"confirm": "on"})
    assert User.objects.filter(pk=elu.pk).exists()


def test_an_elu_never_sees_or_changes_another_elus_profile(client, elu):
    other = UserFactory(birth_name="Secret", phone_mobile="07 11 22 33 44")
    for name in ("accounts:profile", "accounts:profile_edit", "accounts:personal_data"):
        body = client.get(reverse(name), {"pk": other.pk, "id": other.pk}).content.decode()
        assert "Secret" not in body and "07 11 22 33 44" not in body
    client.post(reverse("accounts:profile_edit"), {**PROFILE, "id": other.pk, "pk": other.pk})
    other.refresh_from_db()
    assert other.birth_name == "Secret"
    client.post(reverse("accounts:account_delete"), {"confirm": "on", "pk": other.pk})
    assert User.objects.filter(pk=other.pk).exists()


def test_change_password(client, elu):
    new = "Nouveau-Mot-de-passe-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Motdepasse-Solide-2026!", "new_password1": new, "new_password2": new},
    )
    assert response.url == reverse("accounts:profile")
    elu.refresh_from_db()
    assert elu.check_password(new)


def test_profile_pages_need_sign_in(client):
    for name in ("accounts:profile", "accounts:profile_edit", "accounts:personal_data", "accounts:account_delete"):
        assert client.get(reverse(name)).status_code == 302


def test_profile_query_count_does_not_grow_with_mandates(client, elu, django_assert_max_num_queries):
    MandateFactory.create_batch(6, user=elu)
    with django_assert_max_num_queries(4):
        client.get(reverse("accounts:profile"))


def test_the_highest_diploma_is_neither_asked_nor_kept(client, elu):
    """Data minimisation: the portal never used the diploma, so no page asks for it and the export has none."""
    for name in ("accounts:profile", "accounts:profile_edit", "accounts:signup_step"):
        kwargs = {"step": "mot-de-passe"} if name == "accounts:signup_step" else {}
        if name == "accounts:signup_step":
            client.logout()
        html = client.get(reverse(name, kwargs=kwargs)).content.decode().lower()
        assert "diplôme" not in html, name
    client.force_login(elu)
    export = client.get(reverse("accounts:personal_data")).content.decode().lower()
    assert "diplom" not in export and "informations_professionnelles" not in export
    assert not any(field.name == "highest_diploma" for field in elu._meta.get_fields())
