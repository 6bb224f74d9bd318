import csv
import io
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

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
from tests.utils import page_text, pdf_text

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
    pdf = manager_client.get(url("convocation_preview", session))
    assert pdf["Content-Type"] == "application/pdf" and "CONVOCATION" in pdf_text(pdf.content)
    assert not OutgoingEmail.objects.exists()
    response = manager_client.post(url("convocations", session), follow=True)
    assert "2 convocation(s) envoyée(s)" in page_text(response)
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted([first.user.email, second.user.email])
    for email in OutgoingEmail.objects.all():
        assert [a.filename for a in email.attachments.all()] == ["convocation.pdf", "convocation.ics"]
    assert first.logs.get().event == DossierEvent.CONVOCATION_SENT and first.logs.get().by == manager
    # Sent again only when asked.
    again = page_text(manager_client.get(url("convocations", session)))
    assert "Tous les inscrits validés ont déjà reçu leur convocation" in again
    manager_client.post(url("convocations", session), {"again": "1"})
    assert OutgoingEmail.objects.count() == 4


def test_attendance_sheets_are_one_pdf_page_per_half_day_with_the_enrolled_names(manager_client):
    two_days = SessionFactory(starts_at=paris(2027, 3, 29, 9), ends_at=paris(2027, 3, 30, 17))
    for name in ("Zola", "Arnaud"):
        enrol(two_days, DossierState.ACCEPTED, birth_name=name)
    enrol(two_days, DossierState.SUBMITTED, birth_name="Attente")
    response = manager_client.get(url("attendance_sheets", two_days))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="emargement-')
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 4
    texts = [page.extract_text() for page in pages]
    assert [("Matin" in t, "Après-midi" in t) for t in texts] == [(True, False), (False, True)] * 2
    assert "lundi 29 mars 2027" in texts[0] and "mardi 30 mars 2027" in texts[3]
    for text in texts:
        assert "FEUILLE D'ÉMARGEMENT" in text and "Maison des Maires d'Indre-et-Loire" in text
        assert text.index("ARNAUD") < text.index("ZOLA") and "ATTENTE" not in text
        assert "Intervenant(e) : nom et signature" in text


def test_certificates_of_a_session_are_a_zip_of_one_pdf_per_elu_marked_present(manager_client, past_session):
    present = enrol(past_session, DossierState.ATTENDED, birth_name="Garnier", first_names="Sylvie")
    enrol(past_session, DossierState.ATTENDED, birth_name="Moreau", first_names="Jean")
    enrol(past_session, DossierState.ABSENT, birth_name="Absente")
    response = manager_client.get(url("certificates", past_session))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="attestations-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 2 and names[0].endswith("-garnier-sylvie.pdf") and names[1].endswith("-moreau-jean.pdf")
    text = pdf_text(archive.read(names[0]))
    assert "GARNIER Sylvie" in text and "MOREAU" not in text and "ABSENTE" not in text
    assert "Les pouvoirs de police du maire" in text and "Durée suivie 7 heures" in text
    one = manager_client.get(reverse("admin:enrolment_dossier_certificate", args=[present.pk]))
    assert one["Content-Type"] == "application/pdf" and "GARNIER Sylvie" in pdf_text(one.content)


def test_a_certificate_is_refused_for_an_elu_not_marked_present(manager_client, past_session):
    absent = enrol(past_session, DossierState.ABSENT)
    response = manager_client.get(reverse("admin:enrolment_dossier_certificate", args=[absent.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:enrolment_dossier_change", args=[absent.pk])
    assert "Cet élu n'est pas noté présent à la session : aucune attestation ne peut être délivrée." in page_text(
        response
    )
    nobody = manager_client.get(url("certificates", SessionFactory(days_ahead=-2)), follow=True)
    assert "Aucun élu n'est marqué présent à cette session" in page_text(nobody)


def test_send_certificates_emails_each_elu_marked_present_once(manager_client, manager, past_session):
    present = enrol(past_session, DossierState.ATTENDED, birth_name="Garnier")
    enrol(past_session, DossierState.ABSENT)
    enrol(past_session, DossierState.ACCEPTED)
    page = page_text(manager_client.get(url("participants", past_session)))
    assert "Envoyer les attestations (1)" in page
    assert manager_client.get(url("send_certificates", past_session)).status_code == 405
    response = manager_client.post(url("send_certificates", past_session), follow=True)
    assert "1 attestation(s) envoyée(s) par e-mail." in page_text(response)
    email = OutgoingEmail.objects.get()
    assert email.to == present.user.email and "GARNIER" in pdf_text(email.attachments.get().content)
    assert present.logs.get().event == DossierEvent.CERTIFICATE_SENT and present.logs.get().by == manager
    assert "Les attestations de présence ont été envoyées à tous les élus marqués présents." in page_text(response)
    again = manager_client.post(url("send_certificates", past_session), follow=True)
    assert "Aucune attestation à envoyer" in page_text(again) and OutgoingEmail.objects.count() == 1


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
    assert client.post(url("send_certificates", session)).status_code == 403


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


def test_a_certificate_needs_the_permission_to_view_dossiers(client, past_session):
    present = enrol(past_session, DossierState.ATTENDED)
    client.force_login(UserFactory(staff=True))  # the catalogue only
    assert client.get(reverse("admin:enrolment_dossier_certificate", args=[present.pk])).status_code == 403
    client.force_login(staff_in("Vérification d'identité"))  # may read dossiers
    assert client.get(reverse("admin:enrolment_dossier_certificate", args=[present.pk])).status_code == 200
