from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import IdentityDocument
from enrolment.models import DossierState
from tests.factories import DossierFactory, IdentityDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def test_staff_accept_an_identity_document_from_the_admin(admin_client, unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session, awaiting_identity=True)
    document = IdentityDocumentFactory(user=unverified_elu, with_files=True)
    response = admin_client.post(
        reverse("admin:accounts_identitydocument_changelist"),
        {"action": "accept_documents", ACTION_CHECKBOX_NAME: [document.pk]},
        follow=True,
    )
    assert "1 pièce(s) acceptée(s)" in unescape(response.content.decode())
    document.refresh_from_db()
    dossier.refresh_from_db()
    unverified_elu.refresh_from_db()
    assert document.status == IdentityDocument.Status.ACCEPTED
    assert unverified_elu.identity_verified and dossier.state == DossierState.DRAFT


def test_rejecting_a_document_asks_for_the_reason_first(admin_client, unverified_elu):
    document = IdentityDocumentFactory(user=unverified_elu)
    url = reverse("admin:accounts_identitydocument_changelist")
    page = admin_client.post(url, {"action": "reject_documents", ACTION_CHECKBOX_NAME: [document.pk]})
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    document.refresh_from_db()
    assert document.status == IdentityDocument.Status.PENDING
    empty = admin_client.post(url, {"action": "reject_documents", ACTION_CHECKBOX_NAME: [document.pk], "apply": "1"})
    assert "Indiquez le motif" in unescape(empty.content.decode())
    admin_client.post(
        url,
        {"action": "reject_documents", ACTION_CHECKBOX_NAME: [document.pk], "apply": "1", "reason": "Copie floue."},
    )
    document.refresh_from_db()
    assert document.status == IdentityDocument.Status.REJECTED and document.rejection_reason == "Copie floue."


def test_identity_document_change_page_links_to_the_logged_file_view(admin_client):
    document = IdentityDocumentFactory(with_files=True)
    page = admin_client.get(reverse("admin:accounts_identitydocument_change", args=[document.pk])).content.decode()
    assert reverse("enrolment:identity_file", args=[document.pk, "recto"]) in page


def test_dossier_admin_actions_call_the_services(admin_client, session):
    sent = DossierFactory(session=session, submitted=True)
    draft = DossierFactory(session=session)
    url = reverse("admin:enrolment_dossier_changelist")
    response = admin_client.post(url, {"action": "accept", ACTION_CHECKBOX_NAME: [sent.pk, draft.pk]}, follow=True)
    page = unescape(response.content.decode())
    assert "1 dossier(s) validé(s)" in page and "Impossible de valider le dossier" in page
    sent.refresh_from_db()
    assert sent.state == DossierState.ACCEPTED and sent.logs.get().to_state == DossierState.ACCEPTED
    admin_client.post(
        url, {"action": "refuse", ACTION_CHECKBOX_NAME: [sent.pk], "apply": "1", "reason": "Erreur de session."}
    )
    sent.refresh_from_db()
    assert sent.state == DossierState.ACCEPTED  # refusing an accepted dossier is not a transition
    admin_client.post(
        url, {"action": "cancel", ACTION_CHECKBOX_NAME: [sent.pk], "apply": "1", "reason": "Erreur de session."}
    )
    sent.refresh_from_db()
    assert sent.state == DossierState.CANCELLED and sent.cancel_reason == "Erreur de session."
