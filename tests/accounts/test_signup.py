"""accounts/views/signup.py: "Créer mon compte" in four steps, review, e-mail confirmation, next=."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFIX = "signup_wizard"
IDENTITY = {
    "birth_name": "Dupont",
    "usage_name": "Durand",
    "first_names": "Jeanne Marie",
    "birth_date": "1970-05-17",
    "birth_place": "Loches",
}
CONTACT = {"phone_mobile": "06 12 34 56 78", "phone_landline": "", "email": "Jeanne.Dupont@example.fr"}
ADDRESS = {
    "street_number": "34",
    "street_repetition": "B",
    "street_type": "place",
    "street_name": "de la Préfecture",
    "address_complement": "",
    "lieu_dit": "",
    "postal_code": "37000",
    "city": "tours",
}
PASSWORD = "Un-Mot-de-passe-2026!"
ACCOUNT = {"password1": PASSWORD, "password2": PASSWORD, "cgu": "on"}
VALID = {"identite": IDENTITY, "contact": CONTACT, "adresse": ADDRESS, "mot-de-passe": ACCOUNT}


def step_url(step):
    return reverse("accounts:signup_step", kwargs={"step": step})


def post_step(client, step, data, **extra):
    payload = {f"{step}-{key}": value for key, value in data.items()}
    payload[f"{PREFIX}-current_step"] = step
    payload.update(extra)
    return client.post(step_url(step), payload)


def fill_all(client, upto="mot-de-passe"):
    for step, data in VALID.items():
        response = post_step(client, step, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        if step == upto:
            return response
    return response


def summary_and_field_errors(html):
    """(messages in the top summary, messages shown next to fields)."""
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    inline = re.findall(r'<p id="error_\d+_[^"]+"><strong>(.*?)</strong></p>', html, re.S)
    return (summary.group(0) if summary else ""), inline


def assert_error_everywhere(response, field_id, message):
    html = response.content.decode()
    summary, inline = summary_and_field_errors(html)
    assert response.status_code == 200
    assert message in summary, summary
    assert f'href="#{field_id}"' in summary
    assert any(message in item for item in inline), inline
    assert f'id="{field_id}"' in html and 'aria-invalid="true"' in html
    assert "<title>Erreur : " in html


def test_entry_keeps_next_and_shows_step_one_of_five(client):
    response = client.get(reverse("accounts:signup") + "?next=/formations/")
    assert response.status_code == 302 and response.url == step_url("identite")
    html = client.get(step_url("identite")).content.decode()
    # The counter matches the list of five steps above it (the review is the fifth).
    assert "Étape 1 sur 5" in html and "Votre identité" in html
    assert "5. Vérification" in html
    assert "Saisissez uniquement votre nom de naissance" in html
    assert 'aria-current="step"' in html
    assert "numéro de sécurité sociale" not in html.lower()


def test_each_step_leads_to_the_next_then_to_the_review(client):
    client.get(reverse("accounts:signup"))
    expected = {"identite": "contact", "contact": "adresse", "adresse": "mot-de-passe", "mot-de-passe": "verification"}
    for step, data in VALID.items():
        response = post_step(client, step, data)
        assert response.url == step_url(expected[step])
        number = list(expected).index(step) + 2
        assert f"Étape {number} sur 5" in client.get(response.url).content.decode()
    html = client.get(step_url("verification")).content.decode()
    assert "Vérifiez vos réponses" in html
    for value in ["Dupont", "Durand", "Jeanne Marie", "17/05/1970", "06 12 34 56 78", "jeanne.dupont@example.fr"]:
        assert value in html
    assert "bis" in html and "Tours" in html
    assert html.count(">Modifier<") == 4
    assert PASSWORD not in html


def test_review_then_submit_creates_an_unconfirmed_account_and_mails_code_and_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.get(reverse("accounts:signup"))
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(client, "verification", {})
    assert response.status_code == 302 and response.url == reverse("accounts:activation")
    user = User.objects.get()
    assert user.email == "jeanne.dupont@example.fr"
    assert (user.birth_name, user.usage_name, user.first_names) == ("Dupont", "Durand", "Jeanne Marie")
    assert user.city == "Tours" and user.street_repetition == "B"
    assert user.email_confirmed_at is None and user.cgu_accepted_at is not None
    assert user.check_password(PASSWORD)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert re.search(r"\b\d{6}\b", body) and "/compte/activation/" in body
    # the wizard forgot everything, including the password hash
    assert "password_hash" not in str(dict(client.session)) and "Dupont" not in str(dict(client.session))


def test_password_is_never_kept_in_clear_in_the_session(client):
    client.get(reverse("accounts:signup"))
    fill_all(client)
    assert PASSWORD not in str(dict(client.session))


def test_modifier_from_the_review_comes_back_to_the_review(client):
    client.get(reverse("accounts:signup"))
    fill_all(client)
    client.get(step_url("verification"))
    html = client.get(step_url("contact")).content.decode()
    assert "jeanne.dupont@example.fr" in html.lower()  # what was typed is there
    response = post_step(client, "contact", {**CONTACT, "phone_landline": "02 47 33 37 00"})
    assert response.url == step_url("verification")
    assert "02 47 33 37 00" in client.get(step_url("verification")).content.decode()


def test_password_step_can_be_revisited_without_retyping_the_password(client, django_capture_on_commit_callbacks):
    client.get(reverse("accounts:signup"))
    fill_all(client)
    html = client.get(step_url("mot-de-passe")).content.decode()
    assert "laissez ces deux champs vides pour le garder" in html
    response = post_step(client, "mot-de-passe", {"cgu": "on"})
    assert response.url == step_url("verification")
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "verification", {})
    assert User.objects.get().check_password(PASSWORD)


def test_back_keeps_what_was_typed_even_unfinished(client):
    client.get(reverse("accounts:signup"))
    post_step(client, "identite", IDENTITY)
    response = post_step(
        client, "contact", {"phone_mobile": "06 98 76 54 32", "email": ""}, wizard_goto_step="identite"
    )
    assert response.url == step_url("identite")
    assert 'value="Dupont"' in client.get(step_url("identite")).content.decode()
    assert 'value="06 98 76 54 32"' in client.get(step_url("contact")).content.decode()


@pytest.mark.parametrize(
    "step, data, field, message",
    [
        ("identite", {**IDENTITY, "birth_name": ""}, "birth_name", "Ce champ est obligatoire."),
        ("identite", {**IDENTITY, "birth_name": "Dupont3"}, "birth_name", "uniquement des lettres"),
        ("identite", {**IDENTITY, "birth_date": "2099-01-01"}, "birth_date", "ne peut pas être dans le futur"),
        ("identite", {**IDENTITY, "birth_date": "2015-01-01"}, "birth_date", "un élu a au moins 18 ans"),
        (
            "contact",
            {**CONTACT, "phone_mobile": "06 12"},
            "phone_mobile",
            "Ce numéro de téléphone n&#x27;est pas valide",
        ),
        ("contact", {**CONTACT, "phone_mobile": "02 47 33 37 00"}, "phone_mobile", "pas un numéro de mobile"),
        ("contact", {**CONTACT, "phone_mobile": ""}, "phone_mobile", "Indiquez au moins un numéro de téléphone"),
        ("contact", {**CONTACT, "email": "pas-une-adresse"}, "email", "Saisissez une adresse mail valide"),
        ("adresse", {**ADDRESS, "city": "Amboise"}, "city", "ne correspond pas au code postal 37000"),
        ("adresse", {**ADDRESS, "postal_code": "3700"}, "postal_code", "5 chiffres"),
        ("adresse", {**ADDRESS, "postal_code": "37999"}, "postal_code", "Ce code postal n&#x27;existe pas"),
        ("adresse", {**ADDRESS, "street_name": "", "lieu_dit": ""}, "street_name", "à défaut le lieu-dit"),
        ("adresse", {**ADDRESS, "street_number": "34b"}, "street_number", "que des chiffres"),
    ],
)
def test_validation_errors_are_french_next_to_the_field_and_in_the_summary(client, step, data, field, message):
    client.get(reverse("accounts:signup"))
    for previous, previous_data in VALID.items():
        if previous == step:
            break
        post_step(client, previous, previous_data)
    response = post_step(client, step, data)
    assert_error_everywhere(response, f"id_{step}-{field}", message)
    html = response.content.decode()
    # nothing typed is lost
    for key, value in data.items():
        if value and key not in ("street_repetition", "street_type"):
            assert f'value="{value}"' in html, key


def test_city_mismatch_lists_the_towns_of_the_postal_code(client):
    client.get(reverse("accounts:signup"))
    post_step(client, "identite", IDENTITY)
    post_step(client, "contact", CONTACT)
    html = post_step(client, "adresse", {**ADDRESS, "postal_code": "37400", "city": "Tours"}).content.decode()
    assert "Ce code postal dessert : Amboise" in html


@pytest.mark.parametrize(
    "password, message",
    [
        ("court-A1!", "trop court"),
        ("motdepasse-sans-majuscule-1", "une majuscule"),
        ("MOTDEPASSE-SANS-MINUSCULE-1", "une minuscule"),
        ("Motdepasse-sans-chiffre", "un chiffre"),
        ("Motdepassesansspecial1", "un caractère spécial"),
        ("Jeanne.Dupont@example.fr1", "trop semblable"),
    ],
)
def test_weak_passwords_are_refused_on_the_server(client, password, message):
    client.get(reverse("accounts:signup"))
    fill_all(client, upto="adresse")
    response = post_step(client, "mot-de-passe", {**ACCOUNT, "password1": password, "password2": password})
    assert_error_everywhere(response, "id_mot-de-passe-password1", message)
    html = response.content.decode()
    assert password not in html  # passwords are never sent back to the page
    assert 'id="id_mot-de-passe-cgu" checked' in html


def test_password_rules_are_listed_for_the_live_checklist(client):
    client.get(reverse("accounts:signup"))
    fill_all(client, upto="adresse")
    html = client.get(step_url("mot-de-passe")).content.decode()
    assert 'data-password-rules data-for="id_mot-de-passe-password1"' in html
    for label in ["12 caractères", "une majuscule", "une minuscule", "un chiffre", "un caractère spécial"]:
        assert label in html
    assert "js/password-rules.js" in html
    assert reverse("cgu") in html and reverse("privacy") in html


def test_mismatched_confirmation_and_unticked_cgu(client):
    client.get(reverse("accounts:signup"))
    fill_all(client, upto="adresse")
    response = post_step(client, "mot-de-passe", {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert_error_everywhere(response, "id_mot-de-passe-password2", "ne sont pas identiques")
    assert_error_everywhere(response, "id_mot-de-passe-cgu", "J&#x27;ai lu et j&#x27;accepte")
    assert not User.objects.exists()


def test_duplicate_email_creates_nothing_reveals_nothing_and_tells_the_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="jeanne.dupont@example.fr")
    client.get(reverse("accounts:signup"))
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(client, "verification", {})
    # same answer as for a new address: the activation page
    assert response.url == reverse("accounts:activation")
    page = client.get(response.url).content.decode()
    assert "jeanne.dupont@example.fr" in page.lower() and "Code à 6 chiffres" in page
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password("Motdepasse-Solide-2026!")  # untouched
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [owner.email]
    assert "vous avez déjà un compte" in mailoutbox[0].body
    assert "/compte/mot-de-passe-oublie/" in mailoutbox[0].body
    # wrong codes get the same answers as for a real pending account
    for _ in range(4):
        html = client.post(reverse("accounts:activation"), {"code": "123456"}).content.decode()
        assert "Ce code n&#x27;est pas le bon" in html
    html = client.post(reverse("accounts:activation"), {"code": "123456"}).content.decode()
    assert "Trop d&#x27;essais" in html


def test_duplicate_email_is_detected_regardless_of_case(client, django_capture_on_commit_callbacks):
    UserFactory(email="jeanne.dupont@example.fr")
    client.get(reverse("accounts:signup"))
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "verification", {})
    assert User.objects.count() == 1


def test_code_activates_logs_in_and_follows_next_through_the_mandate_step(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.get(reverse("accounts:signup") + "?next=/formations/12-budget/")
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "verification", {})
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    response = client.post(reverse("accounts:activation"), {"code": code})
    assert response.status_code == 302
    assert response.url == reverse("accounts:mandate_add") + "?next=%2Fformations%2F12-budget%2F"
    user = User.objects.get()
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    html = client.get(response.url).content.decode()
    assert 'name="next" value="/formations/12-budget/"' in html


def test_link_activates_in_another_browser_then_sign_in_goes_on_to_next(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.get(reverse("accounts:signup") + "?next=/formations/12-budget/")
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "verification", {})
    link = re.search(r"http\S+/compte/activation/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    other = client.__class__()
    assert "Confirmer mon adresse mail" in other.get("/" + path).content.decode()
    assert User.objects.get().email_confirmed_at is None  # a GET (mail scanners) changes nothing
    response = other.post("/" + path)
    assert User.objects.get().email_confirmed_at is not None
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert "_auth_user_id" not in other.session  # the link alone does not sign in
    login = other.post(response.url, {"username": "jeanne.dupont@example.fr", "password": PASSWORD})
    assert login.url == reverse("accounts:mandate_add") + "?next=%2Fformations%2F12-budget%2F"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_up_never_redirects_off_site(client, mailoutbox, django_capture_on_commit_callbacks, next_url):
    client.get(reverse("accounts:signup"), {"next": next_url})
    fill_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "verification", {})
    assert "evil" not in mailoutbox[0].body and "javascript" not in mailoutbox[0].body
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    response = client.post(reverse("accounts:activation"), {"code": code})
    assert response.url == reverse("accounts:mandate_add")


def test_signed_in_users_are_sent_away_from_sign_up(client):
    client.force_login(UserFactory())
    response = client.get(step_url("identite"))
    assert response.status_code == 302 and response.url == reverse("accounts:rights")


def test_done_url_never_creates_an_account_on_get(client):
    client.get(reverse("accounts:signup"))
    fill_all(client)
    response = client.get(step_url("termine"))
    assert response.url == step_url("verification")
    assert not User.objects.exists()


def test_opening_the_review_early_does_not_skip_steps(client):
    client.get(reverse("accounts:signup"))
    post_step(client, "identite", IDENTITY)
    html = client.get(step_url("verification")).content.decode()
    assert html.count("Cette étape est incomplète") == 3
    assert post_step(client, "contact", CONTACT).url == step_url("adresse")


def test_the_step_list_is_named_by_a_heading_not_an_aria_label(client):
    client.get(reverse("accounts:signup"))
    html = client.get(step_url("identite")).content.decode()
    assert re.search(
        r'<h2 class="visually-hidden">Étapes de la création du compte</h2>\s*<ol class="signup-steps', html
    )
    assert 'aria-label="Étapes de la création' not in html
