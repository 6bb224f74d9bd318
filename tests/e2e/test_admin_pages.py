"""The back-office pages the staff live in, under both accessibility checkers (axe and html-validate), at 360 px
and 1280 px: the dossier list and page, a session's participants, the invitations (list, generator, sending
preview), the identity review and the contacts import."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Collectivite
from tests.factories import (
    CollectiviteFactory,
    DossierFactory,
    IdentityDocumentFactory,
    InvitationFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

from . import staff
from .conftest import HTML_VALIDATE_ADMIN_CONFIG, check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backoffice():
    training = TrainingFactory(title="Préparer et voter le budget communal")
    session = SessionFactory(training=training, days_ahead=30)
    submitted = DossierFactory(session=session, submitted=True, user__birth_name="Durand")
    DossierFactory(session=session, accepted=True, user__birth_name="Martin")
    unverified = UserFactory(birth_name="Petit")
    waiting_identity = DossierFactory(session=session, awaiting_identity=True, user=unverified)
    document = IdentityDocumentFactory(user=unverified, with_files=True)
    amboise = CollectiviteFactory(name="Amboise", code="37003", is_member=True, contact_email="")
    loches = CollectiviteFactory(name="Loches", code="37132", is_member=True, contact_email="mairie@loches.fr")
    invitations = [InvitationFactory(training=training, collectivite=c) for c in (amboise, loches)]
    return {
        "session": session,
        "dossier": submitted,
        "waiting_identity": waiting_identity,
        "document": document,
        "invitations": invitations,
    }


def test_the_staff_pages_pass_both_accessibility_checkers(portal, page, backoffice):
    staff.staff_member()
    staff.sign_in(page, portal)
    pages = [
        ("admin-dossiers", reverse("admin:enrolment_dossier_changelist")),
        ("admin-dossier", reverse("admin:enrolment_dossier_change", args=[backoffice["dossier"].pk])),
        ("admin-participants", reverse("admin:trainings_session_participants", args=[backoffice["session"].pk])),
        ("admin-invitations", reverse("admin:trainings_invitation_changelist")),
        ("admin-invitations-generer", reverse("admin:trainings_invitation_generate")),
        ("admin-pieces-identite", reverse("admin:accounts_identitydocument_changelist")),
        ("admin-piece-identite", reverse("admin:accounts_identitydocument_change", args=[backoffice["document"].pk])),
        ("admin-contacts-import", reverse("admin:accounts_collectivite_import_contacts")),
        ("admin-recapitulatif", reverse("enrolment:staff_digest")),
    ]
    for name, path in pages:
        assert page.goto(portal + path).status == 200, path
        expect(page.locator("#content h1")).to_be_visible()
        check_page(page, name, HTML_VALIDATE_ADMIN_CONFIG)

    # The sending preview, with a collectivité that has no address.
    page.goto(portal + reverse("admin:trainings_invitation_changelist"))
    for invitation in backoffice["invitations"]:
        page.locator(f'input[name="_selected_action"][value="{invitation.pk}"]').check()
    page.get_by_role("combobox", name="Action").select_option(value="send_by_email")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Ne recevront rien, faute d'adresse mail de contact (1) : Amboise.")).to_be_visible()
    check_page(page, "admin-invitations-apercu", HTML_VALIDATE_ADMIN_CONFIG)
    assert Collectivite.objects.filter(contact_email="").count() == 1
