import datetime
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityDocument
from enrolment.models import Dossier, DossierState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris, staff_in
from tests.factories import (
    DossierFactory,
    DossierLogFactory,
    IdentityDocumentFactory,
    MandateFactory,
    SessionFactory,
    UserFactory,
)
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def logged_in_admin(client):
    client.force_login(UserFactory(superuser=True))
    return client


@pytest.fixture
def admin_client(client):
    return logged_in_admin(client)


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


# --- The dossier list -----------------------------------------------------------------------------------------

CHANGELIST = reverse("admin:enrolment_dossier_changelist")


def listed(response):
    return list(response.context["cl"].result_list)


def test_the_list_shows_who_where_when_and_how_long_it_waits(client, time_machine):
    time_machine.move_to(paris(2027, 3, 8, 10), tick=False)  # a Monday
    admin_client = logged_in_admin(client)
    session = SessionFactory(starts_at=paris(2027, 4, 12, 9), ends_at=paris(2027, 4, 12, 17), city="Chinon")
    user = UserFactory(birth_name="Lambert", first_names="Thierry", franceconnect=True)
    mandate = MandateFactory(user=user, collectivite__name="Loches")
    DossierFactory(user=user, session=session, mandate=mandate, submitted=True, submitted_at=paris(2027, 3, 1, 9))
    page = page_text(admin_client.get(CHANGELIST))
    for text in ("LAMBERT Thierry", "Loches", "12/04/2027, Chinon", "Demande envoyée", "01/03/2027", "FranceConnect"):
        assert text in page
    assert "⚠ 7 j (5 ouvrés) — en retard" in page


def test_waiting_dossiers_come_first_the_oldest_first(admin_client):
    accepted = DossierFactory(accepted=True)
    recent = DossierFactory(submitted=True)
    old = DossierFactory(submitted=True, submitted_at=timezone.now() - datetime.timedelta(days=9))
    assert listed(admin_client.get(CHANGELIST)) == [old, recent, accepted]


def test_the_overdue_filter_uses_working_days(client, time_machine):
    time_machine.move_to(paris(2027, 3, 11, 10), tick=False)  # Thursday
    admin_client = logged_in_admin(client)
    monday = DossierFactory(submitted=True, submitted_at=paris(2027, 3, 8, 17))  # due Wednesday: overdue
    tuesday = DossierFactory(submitted=True, submitted_at=paris(2027, 3, 9, 8))  # due Thursday: not yet
    DossierFactory(accepted=True, submitted_at=paris(2027, 3, 1))  # answered
    assert listed(admin_client.get(CHANGELIST, {"attente": "en_retard"})) == [monday]
    assert set(listed(admin_client.get(CHANGELIST, {"attente": "toutes"}))) == {monday, tuesday}


def test_filters_by_state_session_training_and_collectivite(admin_client):
    loches, chinon = MandateFactory(collectivite__name="Loches"), MandateFactory(collectivite__name="Chinon")
    first = DossierFactory(submitted=True, user=loches.user, mandate=loches)
    second = DossierFactory(accepted=True, user=chinon.user, mandate=chinon)
    assert listed(admin_client.get(CHANGELIST, {"state__exact": "accepted"})) == [second]
    assert listed(admin_client.get(CHANGELIST, {"session": first.session_id})) == [first]
    assert listed(admin_client.get(CHANGELIST, {"session__training__id__exact": second.session.training_id})) == [
        second
    ]
    assert listed(admin_client.get(CHANGELIST, {"mandate__collectivite__id__exact": loches.collectivite_id})) == [first]
    assert listed(admin_client.get(CHANGELIST, {"session": "pas-un-nombre"})) != []  # ignored, not a 500


def test_search_by_name_email_and_collectivite(admin_client):
    mandate = MandateFactory(collectivite__name="Montlouis-sur-Loire", user__birth_name="Mercier")
    found = DossierFactory(user=mandate.user, mandate=mandate, submitted=True)
    typed = DossierFactory(mandate_label="Adjointe — Chambray-lès-Tours")
    DossierFactory(submitted=True)
    assert listed(admin_client.get(CHANGELIST, {"q": "montlouis"})) == [found]
    assert listed(admin_client.get(CHANGELIST, {"q": "mercier"})) == [found]
    assert listed(admin_client.get(CHANGELIST, {"q": found.user.email})) == [found]
    assert listed(admin_client.get(CHANGELIST, {"q": "chambray"})) == [typed]


def test_the_list_query_count_does_not_grow_with_the_rows(admin_client, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            mandate = MandateFactory()
            DossierFactory(user=mandate.user, mandate=mandate, submitted=True)

    add(2)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(CHANGELIST)
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(CHANGELIST).status_code == 200


# --- Batch actions: one reason for the batch, errors per row, each traced -------------------------------------


def test_batch_refusal_asks_one_reason_and_reports_each_refused_row_in_french(admin_client, session):
    first, second = DossierFactory(session=session, submitted=True), DossierFactory(session=session, waitlisted=True)
    draft = DossierFactory(session=session)
    selected = {"action": "refuse", ACTION_CHECKBOX_NAME: [first.pk, second.pk, draft.pk]}
    empty = admin_client.post(CHANGELIST, {**selected, "apply": "1", "reason": "  "})
    assert "Indiquez le motif : il est communiqué à l'élu." in page_text(empty)
    response = admin_client.post(CHANGELIST, {**selected, "apply": "1", "reason": "Session complète."}, follow=True)
    page = page_text(response)
    assert "2 dossier(s) refusé(s)" in page
    assert f"Dossier n° {draft.pk}" in page and "Impossible de refuser le dossier" in page
    for dossier in (first, second):
        dossier.refresh_from_db()
        assert dossier.state == DossierState.REFUSED and dossier.refusal_reason == "Session complète."
    draft.refresh_from_db()
    assert draft.state == DossierState.DRAFT
    assert (
        OutgoingEmail.objects.filter(subject__startswith="Votre demande d'inscription n'a pas été retenue").count() == 2
    )


def test_every_action_is_traced_to_the_staff_member(client, manager, session):
    dossier = DossierFactory(session=session, submitted=True)
    client.force_login(manager)
    client.post(CHANGELIST, {"action": "accept", ACTION_CHECKBOX_NAME: [dossier.pk]})
    log = dossier.logs.get()
    assert (log.by, log.to_state) == (manager, DossierState.ACCEPTED)
    entry = LogEntry.objects.get(object_id=str(dossier.pk))
    assert entry.user == manager and entry.action_flag == CHANGE and entry.change_message == "Dossier validé."
    email = OutgoingEmail.objects.get()
    assert email.to == dossier.user.email and email.subject == "Votre inscription est validée — AMIL"


def test_the_state_cannot_be_edited(admin_client, session):
    dossier = DossierFactory(session=session, submitted=True)
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    page = admin_client.get(url)
    assert 'name="state"' not in page.content.decode()
    assert "state" in page.context["adminform"].readonly_fields
    admin_client.post(url, {"state": DossierState.ACCEPTED, "refusal_reason": "x"})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.refusal_reason == ""


def test_dossiers_cannot_be_deleted_from_the_admin(admin_client, session):
    dossier = DossierFactory(session=session, submitted=True)
    assert admin_client.get(reverse("admin:enrolment_dossier_delete", args=[dossier.pk])).status_code == 403


# --- The dossier page ---------------------------------------------------------------------------------------


def test_the_dossier_page_shows_the_elu_the_log_and_the_decisions(admin_client, session, django_assert_max_num_queries):
    user = UserFactory(birth_name="Fournier", first_names="Isabelle", phone_mobile="06 11 22 33 44")
    dossier = DossierFactory(user=user, session=session, submitted=True, elu_comment="Repas végétarien.")
    for _ in range(5):
        DossierLogFactory(dossier=dossier, by=UserFactory(staff=True), note="Appel")
    url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    with django_assert_max_num_queries(25):
        response = admin_client.get(url)
    page = page_text(response)
    for text in (
        "Isabelle Fournier",
        "06 12 34 56 78",
        "Repas végétarien.",
        "Valider le dossier",
        "Refuser le dossier",
    ):
        assert text in page
    assert "Historique (qui, quand, de, vers)" in page
    assert 'name="_save"' not in page  # nothing to save: the page is read-only


def test_decisions_from_the_dossier_page_go_through_the_services(admin_client, session):
    dossier = DossierFactory(session=session, submitted=True)
    url = reverse("admin:enrolment_dossier_transition", args=[dossier.pk])
    page = page_text(admin_client.post(url, {"transition": "refuse", "reason": ""}, follow=True))
    assert "Indiquez le motif" in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    page = page_text(admin_client.post(url, {"transition": "refuse", "reason": "Hors délai."}, follow=True))
    assert "Dossier refusé : l'élu a reçu le motif par e-mail." in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REFUSED and dossier.refusal_reason == "Hors délai."
    assert LogEntry.objects.get().change_message == "Dossier refusé. Motif : Hors délai."
    page = page_text(admin_client.post(url, {"transition": "accept"}, follow=True))
    assert "Impossible de valider le dossier : le dossier est à l'état « Refusée »." in page
    assert admin_client.get(url).status_code == 405
    assert admin_client.post(url, {"transition": "delete"}).status_code == 302


def test_staff_without_the_change_permission_cannot_validate(client, session):
    viewer = staff_in("Vérification d'identité")
    dossier = DossierFactory(session=session, submitted=True)
    client.force_login(viewer)
    page = page_text(client.get(reverse("admin:enrolment_dossier_change", args=[dossier.pk])))
    assert "Valider le dossier" not in page
    client.post(CHANGELIST, {"action": "accept", ACTION_CHECKBOX_NAME: [dossier.pk]})
    response = client.post(reverse("admin:enrolment_dossier_transition", args=[dossier.pk]), {"transition": "accept"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and not dossier.logs.exists()


def test_non_staff_users_cannot_reach_the_admin(client, elu, session):
    dossier = DossierFactory(session=session, submitted=True)
    client.force_login(elu)
    for url in (
        reverse("admin:index"),
        CHANGELIST,
        reverse("admin:enrolment_dossier_change", args=[dossier.pk]),
        reverse("admin:trainings_session_participants", args=[session.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = client.post(reverse("admin:enrolment_dossier_transition", args=[dossier.pk]), {"transition": "accept"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


# --- Identity review on the dossier page --------------------------------------------------------------------


def test_identity_checkers_view_the_files_and_accept_from_the_dossier_page(
    client, identity_checker, unverified_elu, session
):
    dossier = DossierFactory(user=unverified_elu, session=session, awaiting_identity=True)
    document = IdentityDocumentFactory(user=unverified_elu, with_files=True)
    client.force_login(identity_checker)
    page_url = reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    page = client.get(page_url).content.decode()
    recto = reverse("enrolment:identity_file", args=[document.pk, "recto"])
    assert recto in page and reverse("enrolment:identity_file", args=[document.pk, "verso"]) in page
    file_response = client.get(recto)
    assert file_response.status_code == 200 and file_response["Content-Type"] == "image/png"
    assert document.accesses.get().viewed_by == identity_checker
    review = reverse("admin:accounts_identitydocument_review", args=[document.pk])
    response = client.post(review, {"decision": "accept", "next": page_url})
    assert response.status_code == 302 and response.url == page_url
    document.refresh_from_db()
    dossier.refresh_from_db()
    assert document.status == IdentityDocument.Status.ACCEPTED and document.reviewed_by == identity_checker
    assert dossier.state == DossierState.DRAFT
    assert LogEntry.objects.get(object_id=str(document.pk)).user == identity_checker
    email = OutgoingEmail.objects.get()
    assert "vous pouvez poursuivre votre inscription" in email.subject


def test_rejecting_a_document_needs_a_reason_and_next_is_kept_on_site(client, identity_checker, unverified_elu):
    document = IdentityDocumentFactory(user=unverified_elu)
    client.force_login(identity_checker)
    review = reverse("admin:accounts_identitydocument_review", args=[document.pk])
    response = client.post(
        review, {"decision": "reject", "reason": "", "next": "https://ailleurs.example/"}, follow=True
    )
    assert "Indiquez le motif" in page_text(response)
    assert response.redirect_chain[0][0] == reverse("admin:accounts_identitydocument_change", args=[document.pk])
    client.post(review, {"decision": "reject", "reason": "Verso illisible."})
    document.refresh_from_db()
    assert document.status == IdentityDocument.Status.REJECTED and document.rejection_reason == "Verso illisible."


def test_staff_without_the_identity_permission_cannot_open_or_review_a_document(
    client, manager, unverified_elu, session
):
    dossier = DossierFactory(user=unverified_elu, session=session, awaiting_identity=True)
    document = IdentityDocumentFactory(user=unverified_elu, with_files=True)
    client.force_login(manager)
    page = page_text(client.get(reverse("admin:enrolment_dossier_change", args=[dossier.pk])))
    assert "La pièce d'identité n'est visible que par l'équipe « Vérification d'identité »." in page
    assert reverse("enrolment:identity_file", args=[document.pk, "recto"]) not in page
    assert client.get(reverse("enrolment:identity_file", args=[document.pk, "recto"])).status_code == 404
    doc_page = client.get(reverse("admin:accounts_identitydocument_change", args=[document.pk])).content.decode()
    assert reverse("enrolment:identity_file", args=[document.pk, "recto"]) not in doc_page
    review = reverse("admin:accounts_identitydocument_review", args=[document.pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403
    client.post(
        reverse("admin:accounts_identitydocument_changelist"),
        {"action": "accept_documents", ACTION_CHECKBOX_NAME: [document.pk]},
    )
    document.refresh_from_db()
    assert document.status == IdentityDocument.Status.PENDING and not document.accesses.exists()


# --- Assisted enrolment ----------------------------------------------------------------------------------------

ADD = reverse("admin:enrolment_dossier_add")


def test_staff_prepare_a_dossier_that_the_elu_reviews_and_sends(client, manager, elu, session, mailoutbox, committed):
    client.force_login(manager)
    form = client.get(ADD, {"session": session.pk})
    assert form.status_code == 200 and form.context["form"].initial["session"] == str(session.pk)
    with committed():
        response = client.post(ADD, {"user": elu.pk, "session": session.pk})
    dossier = Dossier.objects.get()
    assert response.url == reverse("admin:enrolment_dossier_change", args=[dossier.pk])
    assert dossier.user == elu and dossier.state == DossierState.DRAFT and dossier.created_by == manager
    log = dossier.logs.get()
    assert log.by == manager and log.note == "Dossier préparé par la Maison des Maires"
    assert LogEntry.objects.get(object_id=str(dossier.pk)).action_flag == ADDITION
    [email] = mailoutbox
    assert email.to == [elu.email]
    assert email.subject == "Votre dossier d'inscription est prêt : vérifiez-le et envoyez-le — AMIL"
    assert "l'équipe de la Maison des Maires a préparé votre dossier" in email.body
    assert "c'est à vous de le vérifier et de l'envoyer" in email.body
    assert reverse("enrolment:detail", args=[dossier.pk]) in email.body
    # The élu sees who prepared it, and sends it themselves.
    client.force_login(elu)
    assert "Dossier préparé par la Maison des Maires" in page_text(client.get(reverse("enrolment:list")))
    assert "Dossier préparé par la Maison des Maires" in page_text(
        client.get(reverse("enrolment:detail", args=[dossier.pk]))
    )
    client.post(reverse("enrolment:send", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.logs.last().by == elu


def test_preparing_twice_opens_the_existing_dossier_and_errors_are_french(client, manager, elu, session):
    client.force_login(manager)
    existing = DossierFactory(user=elu, session=session)
    response = client.post(ADD, {"user": elu.pk, "session": session.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:enrolment_dossier_change", args=[existing.pk])
    assert "Cet élu a déjà un dossier pour cette session" in page_text(response)
    closed = SessionFactory(registration_closed=True)
    page = page_text(client.post(ADD, {"user": "", "session": closed.pk}))
    assert "Choisissez l'élu." in page
    assert "Cette session n'accepte plus d'inscription : choisissez-en une autre." in page
    assert Dossier.objects.count() == 1


def test_assisted_enrolment_needs_the_add_permission(client, identity_checker, elu, session):
    client.force_login(identity_checker)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"user": elu.pk, "session": session.pk}).status_code == 403
    assert not Dossier.objects.exists()


def test_convocation_presence_and_csv_actions_on_the_list(admin_client):
    upcoming = DossierFactory(accepted=True, session=SessionFactory(training__title="Budget communal"))
    past = DossierFactory(accepted=True, session=SessionFactory(days_ahead=-1))
    response = admin_client.post(
        CHANGELIST, {"action": "send_convocation", ACTION_CHECKBOX_NAME: [upcoming.pk, past.pk]}, follow=True
    )
    page = page_text(response)
    assert "1 convocation(s) envoyée(s)." in page and "La session a déjà commencé" in page
    assert OutgoingEmail.objects.get().to == upcoming.user.email
    admin_client.post(CHANGELIST, {"action": "mark_attended", ACTION_CHECKBOX_NAME: [past.pk, upcoming.pk]})
    past.refresh_from_db()
    upcoming.refresh_from_db()
    assert past.state == DossierState.ATTENDED and upcoming.state == DossierState.ACCEPTED
    admin_client.post(CHANGELIST, {"action": "mark_absent", ACTION_CHECKBOX_NAME: [past.pk]})
    past.refresh_from_db()
    assert past.state == DossierState.ABSENT
    export = admin_client.post(CHANGELIST, {"action": "export_csv", ACTION_CHECKBOX_NAME: [upcoming.pk, past.pk]})
    lines = export.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Formation;Session;État;Nom;Prénoms")
    assert any(line.startswith("Budget communal;") and ";Validée;" in line for line in lines[1:])
