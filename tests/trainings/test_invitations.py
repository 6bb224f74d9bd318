import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mailing.models import OutgoingEmail
from tests.factories import (
    CollectiviteFactory,
    DossierFactory,
    InvitationFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)
from tests.utils import page_text
from trainings import invitations
from trainings.models import Invitation

pytestmark = pytest.mark.django_db


def test_following_a_link_opens_the_training_page_without_login_and_counts_the_opening(client):
    invitation = InvitationFactory(collectivite__name="Amboise", collectivite__kind="commune")
    response = client.get(reverse("invitation", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"] == invitation.training.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.open_count == 1
    cookie = client.cookies[invitations.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    request = RequestFactory().get("/", HTTP_COOKIE=f"{cookie.key}={cookie.value}")
    assert invitations.current(request) == {
        "id": invitation.pk,
        "training_id": invitation.training_id,
        "session_id": None,
        "label": "Invitation de l'AMIL transmise à la commune d'Amboise",
        "expires": None,
    }
    assert "sessionid" not in client.cookies  # no session is written for a click


@pytest.mark.parametrize(
    "collectivite, label",
    [
        ({"name": "Amboise", "kind": "commune"}, "Invitation de l'AMIL transmise à la commune d'Amboise"),
        ({"name": "Touraine-Est Vallées", "kind": "epci"}, "Invitation de l'AMIL transmise à Touraine-Est Vallées"),
        (
            {"name": "Le Grand-Pressigny", "kind": "commune"},
            "Invitation de l'AMIL transmise à la commune du Grand-Pressigny",
        ),
        (
            {"name": "CC Loches Sud Touraine", "kind": "epci"},
            "Invitation de l'AMIL transmise à la CC Loches Sud Touraine",
        ),
        (None, "Invitation de l'AMIL transmise aux collectivités adhérentes"),
    ],
)
def test_following_a_link_is_one_statement_that_counts_and_reads_the_banner(
    client, collectivite, label, django_assert_num_queries
):
    invitation = InvitationFactory(
        collectivite=CollectiviteFactory(**collectivite) if collectivite else None, open_count=2
    )
    with django_assert_num_queries(1):
        response = client.get(reverse("invitation", args=[invitation.token]))
    assert response["Location"] == invitation.training.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.open_count == 3
    cookie = client.cookies[invitations.COOKIE_NAME]
    request = RequestFactory().get("/", HTTP_COOKIE=f"{cookie.key}={cookie.value}")
    assert invitations.current(request)["label"] == label


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_counted_click_leaves_the_connection_and_an_enclosing_transaction_durable(client):
    """The count's commit skips the disk flush for its own statement only: the connection, reused by the next
    request, and a caller's transaction still wait for the disk."""

    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    first, second = InvitationFactory(), InvitationFactory()
    assert invitations.follow(first.token).pk == first.pk
    assert synchronous_commit() == "on"
    with transaction.atomic():
        assert invitations.follow(second.token).pk == second.pk
        assert synchronous_commit() == "on"
    assert client.get(reverse("invitation", args=[first.token])).status_code == 302
    assert list(Invitation.objects.order_by("pk").values_list("open_count", flat=True)) == [2, 1]


def test_the_remembered_invitation_lasts_no_longer_than_the_link(client):
    invitation = InvitationFactory(expires_at=timezone.now() + datetime.timedelta(days=2))
    client.get(reverse("invitation", args=[invitation.token]))
    assert 2 * 86400 - 60 <= client.cookies[invitations.COOKIE_NAME]["max-age"] <= 2 * 86400
    open_ended = InvitationFactory()
    client.get(reverse("invitation", args=[open_ended.token]))
    assert client.cookies[invitations.COOKIE_NAME]["max-age"] == 90 * 86400


def test_a_session_invitation_points_at_its_session(client):
    training_session = SessionFactory()
    invitation = InvitationFactory(training=training_session.training, session=training_session)
    response = client.get(reverse("invitation", args=[invitation.token]))
    assert response["Location"].endswith(f"#session-{training_session.pk}")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"revoked_at": timezone.now()}, "a été retiré"),
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "a expiré"),
    ],
)
def test_revoked_or_expired_link_says_so_in_french_with_410(client, fields, message):
    invitation = InvitationFactory(**fields)
    response = client.get(reverse("invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert message in page_text(response)
    invitation.refresh_from_db()
    assert invitation.open_count == 0
    assert invitations.COOKIE_NAME not in client.cookies


def test_unknown_token_is_a_french_404(client):
    response = client.get(reverse("invitation", args=["pas-un-vrai-jeton"]))
    assert response.status_code == 404
    assert "n'est pas valable" in page_text(response)


def test_tokens_are_unguessable():
    tokens = {InvitationFactory().token for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 32 for t in tokens)


def test_create_for_all_members_skips_non_members_and_collectivites_already_invited():
    staff = UserFactory(staff=True)
    training = TrainingFactory()
    members = CollectiviteFactory.create_batch(3, is_member=True)
    CollectiviteFactory(is_member=False)
    InvitationFactory(training=training, collectivite=members[0])
    created = invitations.create_for_all_members(training, by=staff)
    assert {i.collectivite for i in created} == set(members[1:])
    assert all(i.created_by == staff for i in created)
    assert invitations.create_for_all_members(training, by=staff) == []


def test_stats_count_openings_created_and_sent_dossiers():
    invitation = InvitationFactory(open_count=4)
    training_session = SessionFactory(training=invitation.training)
    DossierFactory(session=training_session, invitation=invitation)
    DossierFactory(session=training_session, invitation=invitation, submitted=True)
    DossierFactory(session=training_session)  # not from the link
    annotated = invitations.with_stats(Invitation.objects.filter(pk=invitation.pk)).get()
    assert (annotated.open_count, annotated.dossiers_created, annotated.dossiers_sent) == (4, 2, 1)


@pytest.fixture
def staff_client(client):
    staff = UserFactory(superuser=True)
    client.force_login(staff)
    return client


def test_staff_generates_invitations_for_all_member_collectivites(staff_client):
    training = TrainingFactory()
    CollectiviteFactory.create_batch(4, is_member=True)
    response = staff_client.post(
        reverse("admin:trainings_invitation_generate"), {"training": training.pk, "all_members": "on"}
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(training=training).count() == 4


def test_generate_form_refuses_a_session_of_another_training(staff_client):
    training = TrainingFactory()
    other_session = SessionFactory()
    collectivite = CollectiviteFactory()
    response = staff_client.post(
        reverse("admin:trainings_invitation_generate"),
        {"training": training.pk, "session": other_session.pk, "collectivite": collectivite.pk},
    )
    assert response.status_code == 200
    assert "Cette session n'appartient pas à la formation choisie." in page_text(response)
    assert not Invitation.objects.exists()


def test_staff_without_permission_cannot_generate(client):
    staff = UserFactory(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    client.force_login(staff)
    response = client.get(reverse("admin:trainings_invitation_generate"))
    assert response.status_code == 403


def test_non_staff_cannot_reach_the_invitation_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:trainings_invitation_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_csv_export_opens_in_french_spreadsheets(staff_client):
    invitation = InvitationFactory(collectivite__name="Chinon")
    response = staff_client.post(
        reverse("admin:trainings_invitation_changelist"),
        {"action": "export_csv", "_selected_action": [invitation.pk]},
    )
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffFormation;Session;Collectivité")
    assert "Chinon" in body and invitations.url_for(invitation) in body


def test_send_by_email_shows_a_preview_then_sends_one_mail_per_collectivite(
    staff_client, django_capture_on_commit_callbacks
):
    sendable = InvitationFactory.create_batch(2)
    no_address = InvitationFactory(collectivite__contact_email="")
    selected = [i.pk for i in [*sendable, no_address]]
    changelist = reverse("admin:trainings_invitation_changelist")

    preview = staff_client.post(changelist, {"action": "send_by_email", "_selected_action": selected})
    assert preview.status_code == 200
    assert "Aperçu" in preview.content.decode()
    assert not OutgoingEmail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(changelist, {"action": "send_by_email", "_selected_action": selected, "confirm": "yes"})
    assert OutgoingEmail.objects.count() == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(i.collectivite.contact_email for i in sendable)
    assert invitations.url_for(sendable[0]) in "".join(m.body for m in mail.outbox)
    assert "l'AMIL" in mail.outbox[0].subject


def test_the_invitation_email_writes_names_the_french_way_and_its_text_part_is_not_html(
    staff_client, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(collectivite__name="Amboise", collectivite__contact_email="mairie@amboise.example")
    changelist = reverse("admin:trainings_invitation_changelist")
    preview = staff_client.post(changelist, {"action": "send_by_email", "_selected_action": [invitation.pk]})
    html = preview.content.decode()
    # The preview wraps long lines with a stylesheet class (the CSP forbids inline styles).
    assert (
        '<pre class="backoffice-preview">' in html
        and "css/backoffice.css" in html
        and "style=" not in html.split("<pre")[1][:30]
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            changelist, {"action": "send_by_email", "_selected_action": [invitation.pk], "confirm": "yes"}
        )
    [message] = mail.outbox
    assert "invite les élus d'Amboise" in message.body
    assert "Maison des Maires d'Indre-et-Loire" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    html_part = message.alternatives[0][0]
    assert "invite les élus d&#x27;Amboise" in html_part


def test_revoke_action_makes_the_link_answer_410(staff_client, client):
    invitation = InvitationFactory()
    staff_client.post(
        reverse("admin:trainings_invitation_changelist"), {"action": "revoke", "_selected_action": [invitation.pk]}
    )
    staff_client.logout()
    assert client.get(reverse("invitation", args=[invitation.token])).status_code == 410


def test_invitation_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    InvitationFactory.create_batch(3)
    url = reverse("admin:trainings_invitation_changelist")
    with django_assert_max_num_queries(12) as small:
        staff_client.get(url)
    InvitationFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(url)


def test_training_page_opened_from_a_link_shows_the_invitation_context(client):
    invitation = InvitationFactory(collectivite__name="Loches", collectivite__kind="commune")
    SessionFactory(training=invitation.training)
    response = client.get(reverse("invitation", args=[invitation.token]), follow=True)
    assert response.status_code == 200
    assert "Invitation de l'AMIL transmise à la commune de Loches" in page_text(response)
    # Another training's page does not claim the invitation.
    other = SessionFactory().training
    assert "Invitation de l'AMIL" not in page_text(client.get(other.get_absolute_url()))


def test_revoking_and_sending_links_are_traced_to_the_staff_member(staff_client):
    from django.contrib.admin.models import CHANGE, LogEntry

    revoked, already = InvitationFactory(), InvitationFactory(revoked_at=timezone.now())
    changelist = reverse("admin:trainings_invitation_changelist")
    staff_client.post(changelist, {"action": "revoke", "_selected_action": [revoked.pk, already.pk]})
    sendable, no_address = InvitationFactory(), InvitationFactory(collectivite__contact_email="")
    staff_client.post(
        changelist, {"action": "send_by_email", "_selected_action": [sendable.pk, no_address.pk], "confirm": "yes"}
    )
    entries = {(e.object_id, e.change_message) for e in LogEntry.objects.filter(action_flag=CHANGE)}
    assert entries == {
        (str(revoked.pk), "Lien révoqué."),
        (str(sendable.pk), "Invitation envoyée par e-mail à la collectivité."),
    }
    staff_pk = int(staff_client.session["_auth_user_id"])
    assert set(LogEntry.objects.values_list("user_id", flat=True)) == {staff_pk}


def test_the_privacy_page_says_what_the_cookies_keep_and_for_how_long(client, settings):
    text = page_text(client.get(reverse("privacy")))
    assert "lien d'invitation" in text and "90 jours" in text and "rien sur vous" in text
    assert invitations.COOKIE_MAX_AGE == datetime.timedelta(days=90)
    # "deux semaines au plus" for the sign-in: the session cookie's lifetime, Django's default, unchanged.
    assert "deux semaines au plus" in text and settings.SESSION_COOKIE_AGE == 14 * 86400


def test_a_session_invitation_lands_on_that_session(client):
    training_session = SessionFactory()
    invitation = InvitationFactory(training=training_session.training, session=training_session)
    response = client.get(reverse("invitation", args=[invitation.token]), follow=True)
    anchor = response.redirect_chain[-1][0].split("#")[1]
    assert f'id="{anchor}"' in response.content.decode()


def test_the_banner_goes_when_the_link_expires(client):
    invitation = InvitationFactory(
        collectivite__name="Amboise",
        collectivite__kind="commune",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    SessionFactory(training=invitation.training)
    url = invitation.training.get_absolute_url()
    client.get(reverse("invitation", args=[invitation.token]))
    assert "Amboise" in page_text(client.get(url))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert "Amboise" not in page_text(client.get(url))


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in élu"])
def test_the_banner_goes_as_soon_as_staff_revoke_the_link(client, signed_in):
    invitation = InvitationFactory(collectivite__name="Amboise", collectivite__kind="commune")
    SessionFactory(training=invitation.training)
    if signed_in:
        client.force_login(UserFactory())
    url = invitation.training.get_absolute_url()
    client.get(reverse("invitation", args=[invitation.token]))
    assert "transmise à la commune d'Amboise" in page_text(client.get(url))
    invitations.revoke(Invitation.objects.filter(pk=invitation.pk))
    page = client.get(url).content.decode()
    assert "invitation-banner" not in page and "Amboise" not in page
    # The revocation undone (through the ORM, as any change of a link): the banner comes back with the link.
    invitation.refresh_from_db()
    invitation.revoked_at = None
    invitation.save(update_fields=["revoked_at"])
    assert "transmise à la commune d'Amboise" in page_text(client.get(url))


def test_the_generator_says_before_generating_which_members_lack_a_contact_address(staff_client):
    CollectiviteFactory(name="Amboise", code="37003", is_member=True, contact_email="")
    CollectiviteFactory(name="Chinon", code="37072", is_member=True, contact_email="mairie@chinon.fr")
    CollectiviteFactory(name="Loches", code="37132", is_member=False, contact_email="")
    text = page_text(staff_client.get(reverse("admin:trainings_invitation_generate")))
    assert "1 collectivité(s) adhérente(s) sur 2 n'ont pas d'adresse mail de contact" in text
    assert "Amboise (37003)" in text and "Loches (37132)" not in text
    assert "Importer les adresses de contact (CSV)" in text

    training = TrainingFactory()
    response = staff_client.post(
        reverse("admin:trainings_invitation_generate"), {"training": training.pk, "all_members": "on"}, follow=True
    )
    assert (
        "1 collectivité(s) sans adresse mail de contact ne pourront pas recevoir leur invitation par e-mail : "
        "Amboise." in page_text(response)
    )


def test_the_generator_offers_only_sessions_still_open_for_registration(staff_client):
    training = TrainingFactory()
    open_session = SessionFactory(training=training, days_ahead=40)
    closed = SessionFactory(training=training, registration_closed=True)
    past = SessionFactory(training=training, days_ahead=-10)
    cancelled = SessionFactory(training=training, cancelled=True, days_ahead=50)
    form = staff_client.get(reverse("admin:trainings_invitation_generate")).context["form"]
    assert list(form.fields["session"].queryset) == [open_session]
    response = staff_client.post(
        reverse("admin:trainings_invitation_generate"),
        {"training": training.pk, "session": past.pk, "all_members": "on"},
    )
    assert response.status_code == 200 and not Invitation.objects.exists()
    assert closed and cancelled


def test_no_confirm_button_when_no_selected_invitation_has_an_address(staff_client):
    no_address = InvitationFactory(collectivite__name="Amboise", collectivite__contact_email="")
    preview = staff_client.post(
        reverse("admin:trainings_invitation_changelist"),
        {"action": "send_by_email", "_selected_action": [no_address.pk]},
    )
    text = page_text(preview)
    assert "Aucune invitation sélectionnée n'a d'adresse mail de collectivité (1) : Amboise." in text
    assert "Importer les adresses de contact (CSV)" in text
    assert "Confirmer l'envoi" not in text


def test_the_preview_names_who_will_receive_nothing(staff_client):
    sendable = InvitationFactory()
    no_address = InvitationFactory(collectivite__name="Amboise", collectivite__contact_email="")
    text = page_text(
        staff_client.post(
            reverse("admin:trainings_invitation_changelist"),
            {"action": "send_by_email", "_selected_action": [sendable.pk, no_address.pk]},
        )
    )
    assert "Ne recevront rien, faute d'adresse mail de contact (1) : Amboise." in text
    assert "Confirmer l'envoi" in text
