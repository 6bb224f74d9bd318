import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityDocument, IdentityDocumentAccess
from enrolment import services
from enrolment.models import Dossier, DossierLog, DossierState, FundingState, SatisfactionReceipt
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, IdentityDocumentFactory, SessionFactory, UserFactory
from tests.files import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def html(response):
    """The page as the élu reads it (Django escapes apostrophes as &#x27;)."""
    return unescape(response.content.decode())


def stored_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- start ----------------------------------------------------------------------------------------------------


def test_anonymous_elu_is_sent_to_sign_in_and_back_to_the_session(client, session):
    url = reverse("enrolment:start", args=[session.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_start_shows_the_session_and_creates_a_draft_then_resumes_it(client, elu, session):
    client.force_login(elu)
    url = reverse("enrolment:start", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["step"] == 3
    assert session.training.title in html(page) and "Créer mon dossier" in html(page)
    assert "Il reste 19 jours" in html(page)

    response = client.post(url)
    dossier = Dossier.objects.get()
    assert response.url == reverse("enrolment:detail", args=[dossier.pk])
    # Clicking again (GET from the catalogue or POST) resumes the same dossier.
    assert client.get(url).url == reverse("enrolment:detail", args=[dossier.pk])
    assert client.post(url).url == reverse("enrolment:detail", args=[dossier.pk])
    assert Dossier.objects.count() == 1


def test_a_dossier_opened_from_an_invitation_link_is_attributed_to_it(client, elu, session):
    from tests.factories import InvitationFactory
    from trainings import invitations

    invitation = InvitationFactory(training=session.training)
    client.get(invitations.url_for(invitation))
    client.force_login(elu)
    client.post(reverse("enrolment:start", args=[session.pk]))
    assert Dossier.objects.get().invitation == invitation


def test_an_invitation_for_another_training_is_not_attributed(client, elu, session):
    from tests.factories import InvitationFactory
    from trainings import invitations

    client.get(invitations.url_for(InvitationFactory()))
    client.force_login(elu)
    client.post(reverse("enrolment:start", args=[session.pk]))
    assert Dossier.objects.get().invitation is None


def test_start_on_a_full_session_announces_the_waiting_list(client, elu):
    session = SessionFactory(seats=1)
    DossierFactory(session=session, submitted=True)
    client.force_login(elu)
    assert "Complet." in html(client.get(reverse("enrolment:start", args=[session.pk])))


def test_start_after_the_deadline_offers_no_button(client, elu):
    session = SessionFactory(days_ahead=5)
    client.force_login(elu)
    page = html(client.get(reverse("enrolment:start", args=[session.pk])))
    assert "Les inscriptions à cette session sont closes" in page and "Créer mon dossier</button>" not in page
    client.post(reverse("enrolment:start", args=[session.pk]))
    assert not Dossier.objects.exists()


# --- the dossier page -----------------------------------------------------------------------------------------


def test_dossier_page_shows_price_balance_remaining_cost_days_left_and_mcf_link(client, elu):
    session = SessionFactory(days_ahead=30, training__mcf=True)
    session.training.price = Decimal("900")
    session.training.save()
    elu.dife_balance = Decimal("700")
    elu.save()
    dossier, _ = services.create_draft(elu, session)
    client.force_login(elu)
    response = client.get(reverse("enrolment:detail", args=[dossier.pk]))
    page = html(response)
    assert response.context["step"] == 3
    assert "900,00\u00a0€" in page and "700,00\u00a0€" in page
    assert "Reste à charge" in page and "200,00\u00a0€" in page
    assert "Il reste 19 jours" in page
    assert "Retrouver cette session sur Mon Compte Formation" in page
    assert elu.email in page  # pre-filled contact
    assert "Identité vérifiée par FranceConnect" in page


def test_no_remaining_cost_when_the_balance_covers_the_price(client, elu, session):
    elu.dife_balance = Decimal("700")
    elu.save()
    dossier, _ = services.create_draft(elu, session)
    client.force_login(elu)
    assert "Reste à charge" not in html(client.get(reverse("enrolment:detail", args=[dossier.pk])))


def test_an_unknown_balance_is_not_taken_for_zero(client, elu, session):
    elu.dife_balance = None
    elu.save()
    dossier, _ = services.create_draft(elu, session)
    client.force_login(elu)
    for url in (reverse("enrolment:detail", args=[dossier.pk]), reverse("enrolment:review", args=[dossier.pk])):
        page = " ".join(html(client.get(url)).split())
        assert "Reste à charge" not in page and "reste à charge 150" not in page and "montant connu" not in page
        assert "n'est pas connu du portail" in page and "Vos droits formation" in page
        assert reverse("accounts:rights") in page and "Mon Compte Formation" in page


def test_form_errors_are_summarised_and_what_was_typed_is_kept(client, elu, session):
    dossier, _ = services.create_draft(elu, session)
    client.force_login(elu)
    response = client.post(
        reverse("enrolment:detail", args=[dossier.pk]),
        {
            "contact_email": "pas-une-adresse",
            "phone_mobile": "12",
            "street_address": "5 place du Marché",
            "postal_code": "370",
            "city": "Amboise",
            "mandate": elu.mandates.get().pk,
        },
    )
    page = html(response)
    assert response.status_code == 200
    assert (
        'class="alert alert-danger error-summary"' in page
        and 'href="#id_phone_mobile"' in page
        and 'href="#id_postal_code"' in page
    )
    assert "Ce numéro de téléphone n'est pas valide" in page
    assert 'value="5 place du Marché"' in page and 'aria-invalid="true"' in page
    dossier.refresh_from_db()
    assert dossier.street_address != "5 place du Marché"


def test_saving_the_form_leads_to_the_review_then_sending(client, elu, session, mailoutbox, committed):
    session.training.mcf_training_id = "12345678900012_BUDGET"
    session.training.mcf_action_id = "12345678900012_BUDGET-TOURS"
    session.training.save()
    dossier, _ = services.create_draft(elu, session)
    client.force_login(elu)
    response = client.post(
        reverse("enrolment:detail", args=[dossier.pk]),
        {
            "contact_email": "marie@example.fr",
            "phone_mobile": "0612345678",
            "phone_landline": "",
            "street_address": "5 place du Marché",
            "postal_code": "37400",
            "city": "Amboise",
            "mandate": elu.mandates.get().pk,
            "nationality": "Française",
        },
    )
    assert response.url == reverse("enrolment:review", args=[dossier.pk])
    review = html(client.get(response.url))
    assert "Vérifiez votre dossier" in review and "06 12 34 56 78" in review and "Envoyer mon dossier" in review

    with committed():
        response = client.post(reverse("enrolment:send", args=[dossier.pk]))
    assert response.url == reverse("enrolment:sent", args=[dossier.pk])
    confirmation = html(client.get(response.url))
    assert "Votre demande d'inscription est envoyée. Attendez la réponse de l'AMIL." in confirmation
    assert "Retrouver cette session sur Mon Compte Formation" in confirmation and "Prochaine étape" in confirmation
    assert "Étape suivante sur Mon Compte Formation" in confirmation
    assert "Il reste 19 jours" not in confirmation
    assert session.moncompteformation_url in mailoutbox[0].body
    assert Dossier.objects.get().state == DossierState.SUBMITTED
    assert len(mailoutbox) == 1


def test_double_clicked_send_gives_one_dossier_and_one_log_row(client, elu, session):
    dossier = DossierFactory(user=elu, session=session)
    client.force_login(elu)
    url = reverse("enrolment:send", args=[dossier.pk])
    first, second = client.post(url), client.post(url)
    assert first.url == second.url == reverse("enrolment:sent", args=[dossier.pk])
    assert Dossier.objects.count() == 1
    assert DossierLog.objects.filter(dossier=dossier, to_state=DossierState.SUBMITTED).count() == 1


def test_replaying_the_send_after_the_deadline_is_refused(client, elu):
    session = SessionFactory(starts_at=paris(2026, 6, 15, 9), ends_at=paris(2026, 6, 15, 17))
    client.force_login(elu)
    with time_machine.travel(paris(2026, 6, 4, 23, 58), tick=False):
        dossier = DossierFactory(user=elu, session=session)
        review = html(client.get(reverse("enrolment:review", args=[dossier.pk])))
        assert "Envoyer mon dossier" in review and "C'est le dernier jour" in review
    with time_machine.travel(paris(2026, 6, 5, 0, 0, 1), tick=False):
        response = client.post(reverse("enrolment:send", args=[dossier.pk]), follow=True)
    page = html(response)
    assert "Les inscriptions à cette session sont closes" in page and "jeudi 4 juin 2026" in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT and not dossier.logs.exists()


def test_sending_without_a_verified_identity_is_refused(client, unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    review = html(client.get(reverse("enrolment:review", args=[dossier.pk])))
    assert "Envoyer mon dossier" not in review and "Envoyer ma pièce d'identité" in review
    response = client.post(reverse("enrolment:send", args=[dossier.pk]), follow=True)
    assert "Votre identité doit être vérifiée" in html(response)
    assert Dossier.objects.get().state == DossierState.DRAFT


# --- the path without FranceConnect ---------------------------------------------------------------------------


def identity_post(**overrides):
    data = {
        "kind": "cni",
        "front": upload("recto Marie DUPONT.jpg", png_bytes(), "image/jpeg"),
        "back": upload("verso.pdf", pdf_bytes(), "application/pdf"),
        "birth_name": "Dupont",
        "usage_name": "",
        "first_names": "Marie",
        "birth_date": "1968-03-02",
        "birth_place": "Chinon",
        "nationality": "Française",
        "certify": "on",
    }
    data.update(overrides)
    return data


def test_identity_page_gives_the_recommended_upload_date(client, unverified_elu):
    session = SessionFactory(starts_at=paris(2026, 6, 15, 9), ends_at=paris(2026, 6, 15, 17))
    with time_machine.travel(paris(2026, 5, 11), tick=False):
        dossier = DossierFactory(user=unverified_elu, session=session)
        client.force_login(unverified_elu)
        page = html(client.get(reverse("enrolment:identity", args=[dossier.pk])))
    # Last day Thursday 4 June, minus 3 working days: Monday 1 June.
    assert "au plus tard le lundi 1 juin 2026" in page
    assert 'accept=".jpg,.jpeg,.png,.pdf' in page


def test_a_past_upload_day_is_never_given_as_an_instruction(client, unverified_elu):
    # Session on Monday 14 December: registration closes on Thursday 3 December; minus 3 working days, the usual
    # upload day was Monday 30 November. On Tuesday 1 December the page says what to do now.
    session = SessionFactory(starts_at=paris(2026, 12, 14, 9), ends_at=paris(2026, 12, 14, 17))
    with time_machine.travel(paris(2026, 12, 1, 10), tick=False):
        dossier = DossierFactory(user=unverified_elu, session=session)
        client.force_login(unverified_elu)
        for name in ("enrolment:detail", "enrolment:identity"):
            page = " ".join(html(client.get(reverse(name, args=[dossier.pk]))).split())
            assert "30 novembre" not in page, name
            assert "Envoyez votre pièce d'identité aujourd'hui." in page, name
            assert "Les inscriptions ferment le jeudi 3 décembre 2026" in page
            assert "l'équipe en est avertie et vérifie votre pièce en priorité" in page
    with time_machine.travel(paris(2026, 11, 30, 10), tick=False):
        page = html(client.get(reverse("enrolment:identity", args=[dossier.pk])))
        assert "envoyez-la <strong>aujourd'hui</strong>" in page


def test_uploading_the_identity_document_puts_the_dossier_on_hold(client, unverified_elu, session, settings):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    response = client.post(reverse("enrolment:identity", args=[dossier.pk]), identity_post(), follow=True)
    assert "Votre pièce d'identité est envoyée" in html(response)
    assert "En attente de vérification d'identité" in html(response)
    document = IdentityDocument.objects.get()
    assert document.front.name.endswith(".png")  # named from the content, not "recto Marie DUPONT.jpg"
    assert document.back.name.endswith(".jpg")  # a PDF is stored as the image of its pages
    assert all("DUPONT" not in p.name and "recto" not in p.name for p in stored_files(settings))
    assert len(stored_files(settings)) == 2
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_a_file_renamed_pdf_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    client, unverified_elu, session, settings
):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    fake = upload("carte.pdf", b"MZ\x90\x00 this is an executable, not a PDF" * 20, "application/pdf")
    response = client.post(reverse("enrolment:identity", args=[dossier.pk]), identity_post(back=fake))
    page = html(response)
    assert response.status_code == 200
    assert "ni une photo (JPEG ou PNG) ni un PDF" in page and 'href="#id_back"' in page
    assert 'value="Dupont"' in page  # what was typed is kept
    assert not IdentityDocument.objects.exists() and stored_files(settings) == []
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_an_oversized_file_is_refused_and_nothing_is_stored(client, unverified_elu, session, settings):
    settings.IDENTITY_DOCUMENT_MAX_BYTES = 1024
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    big = upload("scan.pdf", pdf_bytes(padding=5000), "application/pdf")
    response = client.post(reverse("enrolment:identity", args=[dossier.pk]), identity_post(front=big))
    assert "Ce fichier est trop lourd" in html(response)
    assert not IdentityDocument.objects.exists() and stored_files(settings) == []


def test_a_cni_needs_both_sides_a_passport_one_page(client, unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    url = reverse("enrolment:identity", args=[dossier.pk])
    response = client.post(url, identity_post(back=""))
    assert "envoyez aussi le verso" in html(response)
    response = client.post(url, identity_post(kind="passport", back=""))
    assert response.status_code == 302
    assert IdentityDocument.objects.get().kind == "passport" and not IdentityDocument.objects.get().back


def test_an_accepted_recto_is_not_silently_forgotten_when_the_verso_is_missing(client, unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    response = client.post(reverse("enrolment:identity", args=[dossier.pk]), identity_post(back=""))
    page = html(response)
    assert response.status_code == 200 and "envoyez aussi le verso" in page
    # Next to the recto field, and in the summary at the top: the valid file must be chosen again.
    assert page.count("Votre fichier « recto Marie DUPONT.jpg » était valide") == 2
    assert "sélectionnez-le à nouveau" in page
    assert response.context["form"].errors["front"]
    assert not IdentityDocument.objects.exists()


def test_the_whole_path_without_franceconnect(client, unverified_elu, session, staff, mailoutbox, committed):
    client.force_login(unverified_elu)
    client.post(reverse("enrolment:start", args=[session.pk]))
    dossier = Dossier.objects.get()
    client.post(
        reverse("enrolment:detail", args=[dossier.pk]),
        {
            "contact_email": unverified_elu.email,
            "phone_mobile": "06 11 22 33 44",
            "street_address": "1 rue Royale",
            "postal_code": "37000",
            "city": "Tours",
            "mandate": unverified_elu.mandates.get().pk,
        },
    )
    client.post(reverse("enrolment:identity", args=[dossier.pk]), identity_post())
    with committed():
        services.review_identity_document(IdentityDocument.objects.get(), by=staff, accepted=True)
    assert "vous pouvez poursuivre votre inscription" in mailoutbox[-1].subject
    with committed():
        response = client.post(reverse("enrolment:send", args=[dossier.pk]))
    assert response.url == reverse("enrolment:sent", args=[dossier.pk])
    with committed():
        services.accept(Dossier.objects.get(), by=staff)
    page = html(client.get(reverse("enrolment:list")))
    for label in ("Dossier créé", "Pièce d'identité envoyée", "Identité vérifiée", "Demande envoyée", "Validée"):
        assert label in page


# --- other élus' dossiers and documents -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("enrolment:detail", "get"),
        ("enrolment:detail", "post"),
        ("enrolment:identity", "get"),
        ("enrolment:review", "get"),
        ("enrolment:send", "post"),
        ("enrolment:sent", "get"),
        ("enrolment:cancel", "get"),
        ("enrolment:cancel", "post"),
        ("enrolment:confirm_offer", "post"),
    ],
)
def test_another_elus_dossier_is_not_found(client, elu, session, name, method):
    other = DossierFactory(session=session)
    client.force_login(elu)
    response = getattr(client, method)(reverse(name, args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == DossierState.DRAFT


@pytest.fixture
def document(db):
    return IdentityDocumentFactory(with_files=True)


def file_url(document, side="recto"):
    return reverse("enrolment:identity_file", args=[document.pk, side])


def test_identity_files_are_served_to_allowed_staff_and_the_access_is_logged(client, document):
    from django.contrib.auth.models import Permission

    reviewer = UserFactory(staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_identity_files"))
    client.force_login(reviewer)
    response = client.get(file_url(document))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Cache-Control"] == "private, no-store"
    legacy_pdf = client.get(file_url(document, "verso"))  # stored before uploads were redrawn as images
    assert legacy_pdf["Content-Type"] == "application/pdf" and legacy_pdf["Content-Security-Policy"] == "sandbox"
    assert legacy_pdf["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].startswith("inline;")  # the images the portal drew open in the tab
    access = IdentityDocumentAccess.objects.order_by("pk").first()
    assert (access.viewed_by, access.side, access.document) == (reviewer, "recto", document)
    assert IdentityDocumentAccess.objects.count() == 2


@pytest.mark.parametrize("who", ["owner", "other_elu", "staff_without_permission"])
def test_identity_files_are_hidden_from_everyone_else(client, document, who):
    user = {
        "owner": lambda: document.user,
        "other_elu": lambda: UserFactory(),
        "staff_without_permission": lambda: UserFactory(staff=True),
    }[who]()
    client.force_login(user)
    assert client.get(file_url(document)).status_code == 404
    assert not IdentityDocumentAccess.objects.exists()


def test_identity_files_ask_anonymous_users_to_sign_in(client, document):
    assert client.get(file_url(document)).status_code == 302


def test_purged_identity_files_are_gone(client, document):
    admin = UserFactory(superuser=True)
    document.delete_files()
    document.files_deleted_at = timezone.now()
    document.save()
    client.force_login(admin)
    assert client.get(file_url(document)).status_code == 404


# --- Mes dossiers -----------------------------------------------------------------------------------------------


def test_my_dossiers_lists_states_timelines_and_days_left(client, elu, staff):
    session = SessionFactory(days_ahead=30)
    dossier = DossierFactory(user=elu, session=session)
    services.submit(dossier, by=elu)
    services.refuse(dossier, by=staff, reason="Formation réservée aux maires.")
    DossierFactory(session=session)  # someone else's
    client.force_login(elu)
    response = client.get(reverse("enrolment:list"))
    page = html(response)
    assert response.context["step"] == 3
    assert "Refusée" in page and "Formation réservée aux maires." in page
    assert "Demande envoyée" in page and "19 jours restants" not in page
    assert "Vous pouvez choisir une autre session" in page
    assert len(response.context["rows"]) == 1


@pytest.mark.parametrize("state", ["submitted", "waitlisted", "accepted"])
def test_once_sent_the_days_left_give_way_to_the_state_and_the_next_step(client, elu, state):
    session = SessionFactory(days_ahead=12)  # last registration day tomorrow: "Dernier jour demain"
    dossier = DossierFactory(user=elu, session=session, **{state: True})
    client.force_login(elu)
    pages = [reverse("enrolment:detail", args=[dossier.pk]), reverse("enrolment:list")]
    if state != "accepted":
        pages.append(reverse("enrolment:sent", args=[dossier.pk]))
    for url in pages:
        page = " ".join(html(client.get(url)).split())
        assert "Il reste 1 jour" not in page and "Dernier jour demain" not in page, url
        assert dossier.get_state_display() in page or url.endswith("/envoye/"), url
        expected = "convocation par e-mail" if state == "accepted" else "Prochaine étape :"
        assert expected in page, url


def test_the_elu_sees_their_place_on_the_waiting_list(client, elu, time_machine):
    time_machine.move_to(paris(2027, 1, 4, 10), tick=False)
    session = SessionFactory(seats=1, taken=1, days_ahead=40)
    DossierFactory(session=session, waitlisted=True)
    time_machine.move_to(paris(2027, 1, 4, 11), tick=False)
    dossier = DossierFactory(user=elu, session=session, waitlisted=True)
    time_machine.move_to(paris(2027, 1, 4, 12), tick=False)
    DossierFactory(session=session, waitlisted=True)
    client.force_login(elu)
    for url in (reverse("enrolment:detail", args=[dossier.pk]), reverse("enrolment:list")):
        assert "Vous êtes n° 2 sur la liste d'attente." in html(client.get(url)), url


def test_my_dossiers_query_count_does_not_grow_with_the_dossiers(client, elu, django_assert_max_num_queries):
    def add_dossier():
        dossier = DossierFactory(user=elu, session=SessionFactory())
        services.submit(dossier, by=elu)

    add_dossier()
    client.force_login(elu)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("enrolment:list"))
    for _ in range(6):
        add_dossier()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("enrolment:list"))
    assert len(response.context["rows"]) == 7


def test_the_history_gives_each_moment_in_paris_time_on_both_pages(client, elu):
    with time_machine.travel(paris(2027, 3, 1, 9, 5), tick=False):
        dossier = DossierFactory(user=elu, submitted=True)
        DossierLog.objects.create(dossier=dossier, to_state=DossierState.DRAFT, event="created")
    with time_machine.travel(datetime.datetime(2027, 7, 14, 22, 30, tzinfo=datetime.UTC), tick=False):
        DossierLog.objects.create(dossier=dossier, to_state=DossierState.SUBMITTED, note="Pièce <reçue>")
    client.force_login(elu)
    created = (
        '<time datetime="2027-03-01T09:05:00+01:00">1 mars 2027 à 9\u00a0h\u00a005</time> — <span>Dossier créé</span>'
    )
    sent = (
        '<time datetime="2027-07-15T00:30:00+02:00">15 juillet 2027 à 0\u00a0h\u00a030</time> — '
        '<span>Demande envoyée</span> : <span class="timeline-note">Pièce &lt;reçue&gt;</span>'
    )
    for url in (reverse("enrolment:list"), reverse("enrolment:detail", args=[dossier.pk])):
        page = re.sub(r"[ \n]+", " ", client.get(url).content.decode())
        assert created in page and sent in page, url


def test_each_card_of_my_dossiers_gives_its_own_history_in_order(client, elu):
    """The list reads the dossiers and their history together: each card keeps its own lines, oldest first, and a
    dossier without history says so."""
    older, newer, silent = (
        DossierFactory(user=elu, session=SessionFactory(training__title=title))
        for title in ("Budget communal", "Urbanisme", "Sans historique")
    )
    Dossier.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    Dossier.objects.filter(pk=silent.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    for dossier, notes in ((older, ["B-1", "B-2", "B-3"]), (newer, ["U-1", "U-2"])):
        for day, note in enumerate(notes):
            with time_machine.travel(paris(2027, 3, 1 + day), tick=False):
                DossierLog.objects.create(dossier=dossier, to_state=DossierState.DRAFT, note=note)
    client.force_login(elu)
    page = html(client.get(reverse("enrolment:list")))
    cards = page.split("<article")[1:]
    assert ["Urbanisme" in cards[0], "Sans historique" in cards[1], "Budget communal" in cards[2]] == [True] * 3
    assert re.findall(r"[BU]-\d", cards[0]) == ["U-1", "U-2"]
    assert "Aucun événement pour le moment." in cards[1] and not re.findall(r"[BU]-\d", cards[1])
    assert re.findall(r"[BU]-\d", cards[2]) == ["B-1", "B-2", "B-3"]


def test_my_dossiers_reads_no_column_it_left_behind_whatever_the_dossier(client, elu):
    """The list reads a few columns of each dossier (views.MY_DOSSIERS_FIELDS): a shape of dossier whose card read
    another one would cost a query per dossier."""
    DossierFactory(user=elu, submitted=True)
    client.force_login(elu)
    client.get(reverse("enrolment:list"))
    with CaptureQueriesContext(connection) as one_dossier:
        client.get(reverse("enrolment:list"))
    mcf_training = SessionFactory(days_ahead=-3, training__mcf=True)
    shapes = [
        {"state": state, "funding_state": funding_state}
        for state in DossierState.values
        for funding_state in FundingState.values
    ] + [
        {"offered": True},
        {"waitlisted": True},
        {"attended": True, "session": mcf_training},
        {"accepted": True, "session": SessionFactory(cancelled=True)},
        {"mcf_to_validate": True, "created_by": UserFactory(staff=True)},
    ]
    for shape in shapes:
        dossier = DossierFactory(user=elu, **{"session": SessionFactory(days_ahead=20), **shape})
        DossierLog.objects.create(dossier=dossier, to_state=dossier.state, event="created", note="Note")
    SatisfactionReceipt.objects.create(
        dossier=Dossier.objects.get(session=mcf_training), answered_on=timezone.localdate()
    )
    with CaptureQueriesContext(connection) as every_shape:
        response = client.get(reverse("enrolment:list"))
    assert len(response.context["rows"]) == len(shapes) + 1
    assert len(every_shape) == len(one_dossier) + 1  # the waiting-list positions, read once for the whole list


def test_dossier_page_query_count_is_bounded(client, elu, session, django_assert_max_num_queries):
    dossier = DossierFactory(user=elu, session=session)
    for _ in range(5):
        DossierLog.objects.create(dossier=dossier, to_state=DossierState.DRAFT, event="created")
    client.force_login(elu)
    with django_assert_max_num_queries(10):
        client.get(reverse("enrolment:detail", args=[dossier.pk]))


def test_cancel_asks_for_confirmation_then_cancels(client, elu, session):
    dossier = DossierFactory(user=elu, session=session, submitted=True)
    client.force_login(elu)
    assert "Annuler ma demande" in html(client.get(reverse("enrolment:list")))
    page = html(client.get(reverse("enrolment:cancel", args=[dossier.pk])))
    assert "Voulez-vous vraiment annuler" in page and "Votre place sera proposée" in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED  # the GET changed nothing
    response = client.post(reverse("enrolment:cancel", args=[dossier.pk]), {"reason": "Empêchement"}, follow=True)
    assert "Votre demande est annulée." in html(response)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED and dossier.cancel_reason == "Empêchement"


def test_no_cancel_button_once_the_session_has_started(client, elu):
    session = SessionFactory(days_ahead=30)
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    client.force_login(elu)
    with time_machine.travel(session.starts_at + datetime.timedelta(hours=1)):
        assert "Annuler ma demande" not in html(client.get(reverse("enrolment:list")))
        client.post(reverse("enrolment:cancel", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ACCEPTED


def test_the_elu_confirms_a_seat_offered_from_the_waiting_list(client, elu):
    session = SessionFactory(seats=1)
    dossier = DossierFactory(user=elu, session=session, offered=True)
    client.force_login(elu)
    assert "Je confirme ma place" in html(client.get(reverse("enrolment:detail", args=[dossier.pk])))
    response = client.post(reverse("enrolment:confirm_offer", args=[dossier.pk]), follow=True)
    assert "Votre place est confirmée." in html(response)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_a_seat_offer_is_said_once_with_its_hour_on_the_dossier_and_in_my_dossiers(client, elu):
    dossier = DossierFactory(user=elu, session=SessionFactory(seats=1), offered=True)
    client.force_login(elu)
    pages = {
        reverse("enrolment:detail", args=[dossier.pk]): "Je confirme ma place",
        reverse("enrolment:list"): "Une place vous est proposée jusqu'au",
    }
    for url, offer in pages.items():
        page = html(client.get(url))
        assert offer in page and "Confirmer la place proposée" not in page and "next-action" not in page, url


def test_the_dossier_address_field_autocompletes_as_one_line(client, elu, session):
    dossier = DossierFactory(user=elu, session=session)
    client.force_login(elu)
    page = html(client.get(reverse("enrolment:detail", args=[dossier.pk])))
    assert 'name="street_address"' in page
    assert 'autocomplete="address-line1"' in page and "street-address" not in page


def test_a_refused_identity_submit_says_erreur_first_in_the_page_title(client, unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    client.force_login(unverified_elu)
    response = client.post(reverse("enrolment:identity", args=[dossier.pk]), {})
    assert response.status_code == 200
    assert "<title>Erreur : Vérification de votre identité" in response.content.decode()
    assert (
        "<title>Vérification de votre identité"
        in client.get(reverse("enrolment:identity", args=[dossier.pk])).content.decode()
    )
