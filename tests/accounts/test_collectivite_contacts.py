import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import collectivite_contacts as contacts
from accounts.models import Collectivite
from tests.factories import CollectiviteFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:accounts_collectivite_import_contacts")


@pytest.fixture
def communes():
    return {
        "amboise": CollectiviteFactory(name="Amboise", code="37003", contact_email=""),
        "blere": CollectiviteFactory(name="Bléré", code="37027", contact_email="ancienne@blere.fr"),
        "chinon": CollectiviteFactory(name="Chinon", code="37072", contact_email="mairie@chinon.fr"),
        "sainte": CollectiviteFactory(name="Sainte-Maure-de-Touraine", code="37226", contact_email=""),
    }


def test_reading_a_file_says_what_would_change_and_writes_nothing(communes):
    text = (
        "Code INSEE;Adresse mail\n"
        "37003;Mairie@Amboise.fr\n"
        "bléré;accueil@blere.fr\n"
        "37072;mairie@chinon.fr\n"
        "Ste Maure de Touraine;contact@saintemaure.fr\n"
    )
    outcome = contacts.read(text)
    assert outcome.errors == []
    assert [(c.line, c.collectivite.name, c.old_email, c.new_email) for c in outcome.changes] == [
        (2, "Amboise", "", "mairie@amboise.fr"),
        (3, "Bléré", "ancienne@blere.fr", "accueil@blere.fr"),
        (5, "Sainte-Maure-de-Touraine", "", "contact@saintemaure.fr"),
    ]
    assert [c.name for c in outcome.unchanged] == ["Chinon"]
    assert Collectivite.objects.get(code="37003").contact_email == ""
    contacts.apply(outcome)
    assert Collectivite.objects.get(code="37003").contact_email == "mairie@amboise.fr"


def test_each_wrong_line_gets_a_french_message_with_its_number(communes):
    CollectiviteFactory(name="Saint-Paterne", code="37232")
    CollectiviteFactory(name="Saint Paterne", code="72309")
    text = "\n".join(
        [
            "99999,mairie@nulle-part.fr",
            "Amboize,mairie@amboise.fr",
            "37003,mairie@",
            "37072",
            "Saint-Paterne,mairie@saint-paterne.fr",
            ",orphan@example.fr",
            "37027,accueil@blere.fr",
            "Bléré,autre@blere.fr",
        ]
    )
    assert contacts.read(text).errors == [
        (1, "le code « 99999 » ne correspond à aucune collectivité."),
        (2, "« Amboize » ne correspond à aucune collectivité : vérifiez le nom ou indiquez le code INSEE."),
        (3, "« mairie@ » n'est pas une adresse mail valide."),
        (4, "il manque l'adresse mail de Chinon."),
        (5, "plusieurs collectivités s'appellent « Saint-Paterne » (37232, 72309) : indiquez le code INSEE."),
        (6, "il manque le code INSEE ou le nom de la collectivité."),
        (8, "Bléré figure déjà ligne 7."),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "aucune ligne"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "n'est pas un fichier CSV"),
        (b"a" * (contacts.MAX_BYTES + 1), "dépasse 1 Mo"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data, message):
    with pytest.raises(contacts.ContactsFileError, match=message):
        contacts.read(contacts.decode(data))


@pytest.mark.parametrize("header", ["Code INSEE;Adresse mail", "Commune;Courriel", "code,e-mail", "Nom;Contact"])
def test_a_first_line_of_titles_is_skipped(communes, header):
    separator = "," if "," in header else ";"
    outcome = contacts.read(f"{header}\n37003{separator}mairie@amboise.fr\n")
    assert outcome.errors == [] and [c.line for c in outcome.changes] == [2]


def test_a_spreadsheet_saved_in_windows_1252_is_read(communes):
    outcome = contacts.read(contacts.decode("Bléré;mairie@blere.fr\n".encode("cp1252")))
    assert [c.collectivite.name for c in outcome.changes] == ["Bléré"]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def test_staff_preview_then_confirm_an_import_traced_to_them(staff_client, communes):
    upload = SimpleUploadedFile("contacts.csv", b"37003;mairie@amboise.fr\nAmboize;x@y.fr\n", "text/csv")
    preview = staff_client.post(IMPORT_URL, {"file": upload})
    text = page_text(preview)
    assert "Aperçu : rien n'est encore enregistré" in text
    assert "1 adresse(s) à enregistrer, 0 déjà à jour, 1 ligne(s) en erreur" in text
    assert "Ligne 2 : « Amboize » ne correspond à aucune collectivité" in text
    assert Collectivite.objects.get(code="37003").contact_email == ""

    content = preview.context["content"]
    response = staff_client.post(IMPORT_URL, {"confirm": "yes", "content": content})
    assert response.status_code == 302
    assert Collectivite.objects.get(code="37003").contact_email == "mairie@amboise.fr"
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert (entry.object_repr, entry.change_message) == ("Amboise", "Adresse de contact importée (CSV).")
    assert entry.user_id == int(staff_client.session["_auth_user_id"])


def test_an_unreadable_upload_is_said_on_the_form(staff_client):
    upload = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")
    response = staff_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert "Ce fichier n'est pas un fichier CSV" in page_text(response)


def test_staff_without_the_change_permission_cannot_import(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(IMPORT_URL).status_code == 403
