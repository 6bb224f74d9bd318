import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from enrolment.models import DossierEvent, DossierState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris, staff_in
from tests.factories import (
    CollectiviteFactory,
    DossierFactory,
    IdentityDocumentFactory,
    MandateFactory,
    SessionFactory,
    UserFactory,
)
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def url(name, session):
    return reverse(f"admin:trainings_session_{name}", args=[session.pk])


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def past_session():
    return SessionFactory(days_ahead=-1, training__title="Les pouvoirs de police du maire", training__duration_hours=7)


def enrol(session, state, **kwargs):
    mandate = MandateFactory(**{f"user__{k}": v for k, v in kwargs.items()})
    return DossierFactory(
        session=session, state=state, user=mandate.user, mandate=mandate, submitted_at=paris(2026, 11, 2)
    )


# --- Participants -------------------------------------------------------------------------------------------------


def test_participants_are_grouped_with_their_counts(manager_client, session):
    enrol(session, DossierState.ACCEPTED, birth_name="Dupuis", first_names="Bernard")
    enrol(session, DossierState.SUBMITTED, birth_name="Lambert", first_names="Thierry")
    enrol(session, DossierState.WAITLISTED, birth_name="Bonnet", first_names="Valérie")
    DossierFactory(session=session)
    response = manager_client.get(url("participants", session))
    page = page_text(response)
    counts = {section["key"]: section["count"] for section in response.context["sections"]}
    assert counts == {"enrolled": 1, "pending": 1, "waiting": 1}
    assert response.context["in_progress"] == 1
    for text in ("Inscrits (demandes validées) (1)", "Bernard Dupuis", "Thierry Lambert", "Valérie Bonnet"):
        assert text in page
    assert "Marquer présent" not in page  # not before the session
    assert "La présence se note à partir du premier jour de la session" in page


def test_the_seat_counts_are_plain_french(manager_client):
    session = SessionFactory(seats=2)
    enrol(session, DossierState.ACCEPTED)
    page = page_text(manager_client.get(url("participants", session)))
    assert "2 places : 1 occupée, 1 libre" in page and "(s)" not in page


def test_admin_titles_and_actions_read_as_french(client):
    client.force_login(UserFactory(superuser=True))
    add = page_text(client.get(reverse("admin:trainings_invitation_add")))
    assert "Ajout : invitation" in add and "Ajout de invitation" not in add
    assert "Aucun(e)" not in page_text(client.get(reverse("admin:index")))
    IdentityDocumentFactory()
    documents = client.get(reverse("admin:accounts_identitydocument_changelist")).content.decode()
    assert "Supprimer la sélection (pièces d" in documents and "sélectionnés" not in documents
    CollectiviteFactory()
    collectivites = client.get(reverse("admin:accounts_collectivite_changelist")).content.decode()
    assert "Supprimer la sélection (collectivités)" in collectivites


def test_the_participants_page_query_count_does_not_grow(manager_client, session, django_assert_max_num_queries):
    enrol(session, DossierState.ACCEPTED)
    with django_assert_max_num_queries(30) as few:
        manager_client.get(url("participants", session))
    for state in [DossierState.ACCEPTED] * 8 + [DossierState.SUBMITTED] * 5 + [DossierState.WAITLISTED] * 4:
        enrol(session, state)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert manager_client.get(url("participants", session)).status_code == 200


def test_participants_export_is_a_french_spreadsheet_csv(manager_client, session):
    enrol(session, DossierState.ACCEPTED, birth_name="Lefèvre", first_names="Catherine")
    enrol(session, DossierState.SUBMITTED, birth_name="Moreau", first_names="Jean-Pierre")
    DossierFactory(session=session, refused=True)
    response = manager_client.get(url("participants_csv", session))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["État", "Nom", "Prénoms"]
    assert [row[:3] for row in rows[1:]] == [
        ["Validée", "LEFÈVRE", "Catherine"],
        ["Demande envoyée", "MOREAU", "Jean-Pierre"],
    ]
    assert rows[1][6].startswith("Maire — ")


def test_presence_is_marked_after_the_session_with_errors_per_row(manager_client, manager, past_session):
    present = enrol(past_session, DossierState.ACCEPTED)
    absent = enrol(past_session, DossierState.ACCEPTED)
    pending = enrol(past_session, DossierState.SUBMITTED)
    page = page_text(manager_client.get(url("participants", past_session)))
    assert "Marquer présent" in page and "Marquer absent" in page
    response = manager_client.post(
        url("presence", past_session), {"presence": "attended", "dossier": [present.pk, pending.pk]}, follow=True
    )
    page = page_text(response)
    assert "1 élu(s) marqué(s) présent(s)." in page
    assert "Impossible de noter la présence : le dossier est à l'état « Demande envoyée »." in page
    manager_client.post(url("presence", past_session), {"presence": "absent", "dossier": [absent.pk]})
    for dossier, state in (
        (present, DossierState.ATTENDED),
        (absent, DossierState.ABSENT),
        (pending, DossierState.SUBMITTED),
    ):
        dossier.refresh_from_db()
        assert dossier.state == state
    assert present.logs.get().by == manager
    assert LogEntry.objects.filter(user=manager).count() == 2
    empty = manager_client.post(url("presence", past_session), {"presence": "attended"}, follow=True)
    assert "Cochez au moins un élu" in page_text(empty)


def test_presence_cannot_be_marked_before_the_session(manager_client, session):
    dossier = enrol(session, DossierState.ACCEPTED)
    page = page_text(
        manager_client.post(url("presence", session), {"presence": "attended", "dossier": [dossier.pk]}, follow=True)
    )
    assert "La présence ne peut être notée qu'à partir du premier jour de la session." in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ACCEPTED


def test_convocations_preview_then_send_to_the_accepted_only(manager_client, manager, session):
    first = enrol(session, DossierState.ACCEPTED)
    second = enrol(session, DossierState.ACCEPTED)
    enrol(session, DossierState.SUBMITTED)
    preview = manager_client.get(url("convocations", session))
    page = page_text(preview)
    assert "2 élus recevront leur convocation par e-mail" in page
    assert "Votre convocation à la formation — AMIL" in page and "voici votre convocation" in page
    assert not OutgoingEmail.objects.exists()
    response = manager_client.post(url("convocations", session), follow=True)
    assert "2 convocation(s) envoyée(s)" in page_text(response)
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted([first.user.email, second.user.email])
    assert all(e.attachments.get().filename == "convocation.ics" for e in OutgoingEmail.objects.all())
    assert first.logs.get().event == DossierEvent.CONVOCATION_SENT and first.logs.get().by == manager
    # Sent again only when asked.
    again = page_text(manager_client.get(url("convocations", session)))
    assert "Tous les inscrits validés ont déjà reçu leur convocation" in again
    manager_client.post(url("convocations", session), {"again": "1"})
    assert OutgoingEmail.objects.count() == 4


def test_attendance_sheets_have_one_page_per_half_day_and_a_signature_cell_per_elu(manager_client):
    two_days = SessionFactory(starts_at=paris(2027, 3, 29, 9), ends_at=paris(2027, 3, 30, 17))
    for name in ("Zola", "Arnaud"):
        enrol(two_days, DossierState.ACCEPTED, birth_name=name)
    enrol(two_days, DossierState.SUBMITTED, birth_name="Attente")
    response = manager_client.get(url("attendance_sheets", two_days))
    page = page_text(response)
    assert response.status_code == 200 and '<html lang="fr">' in page
    assert page.count("Feuille d'émargement</h1>") == 4
    assert page.count("<strong>Matin</strong>") == 2 and page.count("<strong>Après-midi</strong>") == 2
    assert "lundi 29 mars 2027" in page and "mardi 30 mars 2027" in page
    assert page.count('<td class="signature">') == 4 * (2 + 3)  # two élus and three blank lines per sheet
    assert page.index("ARNAUD") < page.index("ZOLA") and "ATTENTE" not in page
    assert "Maison des Maires d'Indre-et-Loire" in page and "34, Place de la Préfecture" in page
    assert "css/documents.css" in page


def test_certificates_only_for_elus_marked_present(manager_client, past_session):
    present = enrol(past_session, DossierState.ATTENDED, birth_name="Garnier", first_names="Sylvie")
    enrol(past_session, DossierState.ABSENT, birth_name="Absente")
    page = page_text(manager_client.get(url("certificates", past_session)))
    assert page.count("Attestation de présence</h1>") == 1
    assert "GARNIER Sylvie" in page and "ABSENTE" not in page
    assert "a suivi la formation <strong>« Les pouvoirs de police du maire »</strong>" in page
    assert "d'une durée de 7 heures" in page and "Fait à Tours, le" in page
    one = manager_client.get(reverse("admin:enrolment_dossier_certificate", args=[present.pk]))
    assert one.status_code == 200 and "GARNIER Sylvie" in page_text(one)
    not_present = enrol(past_session, DossierState.ACCEPTED)
    assert manager_client.get(reverse("admin:enrolment_dossier_certificate", args=[not_present.pk])).status_code == 404
    empty = SessionFactory(days_ahead=-2)
    assert "Aucun élu n'est marqué présent" in page_text(manager_client.get(url("certificates", empty)))


def test_session_pages_need_the_dossier_permissions(client, session):
    dossier = enrol(session, DossierState.ACCEPTED)
    catalogue_only = UserFactory(staff=True)
    client.force_login(catalogue_only)
    for name in ("participants", "participants_csv", "attendance_sheets", "certificates", "convocations"):
        assert client.get(url(name, session)).status_code == 403, name
    reader = staff_in("Vérification d'identité")  # may read dossiers, not change them
    client.force_login(reader)
    assert client.get(url("participants", session)).status_code == 200
    assert client.get(url("convocations", session)).status_code == 403
    assert client.post(url("presence", session), {"presence": "attended", "dossier": [dossier.pk]}).status_code == 403


def test_session_admin_links_to_participants_and_filters_what_needs_watching(manager_client, session):
    change = page_text(manager_client.get(reverse("admin:trainings_session_change", args=[session.pk])))
    assert url("participants", session) in change and "Générer les invitations" in change
    assert f"?training={session.training_id}&session={session.pk}" in change
    full = SessionFactory(seats=2, taken=2)
    listed = manager_client.get(reverse("admin:trainings_session_changelist"), {"situation": "complete"})
    assert list(listed.context["cl"].result_list) == [full]
    training_page = page_text(
        manager_client.get(reverse("admin:trainings_training_change", args=[session.training_id]))
    )
    assert f"{reverse('admin:trainings_invitation_generate')}?training={session.training_id}" in training_page
    generate = manager_client.get(
        reverse("admin:trainings_invitation_generate"), {"training": session.training_id, "session": session.pk}
    )
    assert generate.context["form"].initial["session"] == str(session.pk)
