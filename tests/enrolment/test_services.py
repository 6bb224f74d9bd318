import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import formats, timezone

from accounts.models import IdentityDocument
from accounts.models.user import IdentityMethod
from enrolment import exceptions, rules, services
from enrolment.models import Dossier, DossierEvent, DossierLog, DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, IdentityDocumentFactory, MandateFactory, SessionFactory, UserFactory
from tests.files import png_bytes, upload

pytestmark = pytest.mark.django_db


def events(dossier):
    return list(dossier.logs.order_by("at", "pk").values_list("event", flat=True))


# --- create_draft -------------------------------------------------------------------------------------------


def test_create_draft_prefills_what_the_amil_needs_and_logs_it(elu, session):
    elu.usage_name = "Martin"
    elu.street_number, elu.street_repetition, elu.street_name = "3", "B", "des Lilas"
    elu.save()
    dossier, created = services.create_draft(elu, session)
    assert created and dossier.state == DossierState.DRAFT
    assert dossier.contact_email == elu.email and dossier.usage_name == "Martin"
    assert dossier.street_address == "3 bis Rue des Lilas"
    assert dossier.mandate == elu.mandates.get()  # the only current mandate is chosen
    assert events(dossier) == [DossierEvent.CREATED]
    assert dossier.logs.get().by == elu


def test_create_draft_twice_resumes_the_same_dossier(elu, session):
    first, created = services.create_draft(elu, session)
    again, created_again = services.create_draft(elu, session)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1 and DossierLog.objects.count() == 1


def test_create_draft_again_after_a_cancellation_opens_a_new_dossier(elu, session):
    DossierFactory(user=elu, session=session, cancelled=True)
    dossier, created = services.create_draft(elu, session)
    assert created and dossier.state == DossierState.DRAFT


def test_create_draft_after_the_deadline_is_refused(elu):
    late = SessionFactory(days_ahead=5)
    with pytest.raises(exceptions.RegistrationClosed):
        services.create_draft(elu, late)
    assert not Dossier.objects.exists()


def test_create_draft_while_an_identity_document_is_checked_waits_for_it(unverified_elu, session):
    IdentityDocumentFactory(user=unverified_elu)
    dossier, _ = services.create_draft(unverified_elu, session)
    assert dossier.state == DossierState.AWAITING_IDENTITY


# --- submit: the deadline at send time ----------------------------------------------------------------------


@pytest.fixture
def june_session(db):
    # First day Monday 15 June 2026: the last allowed day is Thursday 4 June (11 calendar days before).
    return SessionFactory(starts_at=paris(2026, 6, 15, 9), ends_at=paris(2026, 6, 15, 17))


def test_sending_on_the_last_day_at_23_59_is_accepted(elu, june_session):
    with time_machine.travel(paris(2026, 5, 20), tick=False):
        dossier = DossierFactory(user=elu, session=june_session)
    with time_machine.travel(paris(2026, 6, 4, 23, 59, 59), tick=False):
        sent = services.submit(dossier, by=elu)
    assert sent.state == DossierState.SUBMITTED


def test_sending_one_second_after_the_last_day_is_refused_with_the_date(elu, june_session):
    with time_machine.travel(paris(2026, 5, 20), tick=False):
        dossier = DossierFactory(user=elu, session=june_session)
    with time_machine.travel(paris(2026, 6, 5, 0, 0, 0), tick=False):
        with pytest.raises(exceptions.RegistrationClosed) as error:
            services.submit(dossier, by=elu)
    assert "au plus tard le jeudi 4 juin 2026" in str(error.value)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT and events(dossier) == []


def test_the_deadline_counts_working_days_in_business_mode(elu, june_session, settings):
    settings.REGISTRATION_DAYS_MODE = "business"
    # 11 working days before Monday 15 June 2026: Friday 29 May (Whit Monday 25 May is a holiday).
    with time_machine.travel(paris(2026, 5, 20), tick=False):
        dossier = DossierFactory(user=elu, session=june_session)
    with time_machine.travel(paris(2026, 6, 1, 10), tick=False):  # open in calendar mode, closed here
        with pytest.raises(exceptions.RegistrationClosed) as error:
            services.submit(dossier, by=elu)
    assert "vendredi 29 mai 2026" in str(error.value)


# --- submit: identity, completeness, idempotence --------------------------------------------------------------


def test_sending_without_a_verified_identity_is_refused(unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    with pytest.raises(exceptions.IdentityNotVerified) as error:
        services.submit(dossier, by=unverified_elu)
    assert "FranceConnect" in str(error.value)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_sending_while_the_identity_document_is_checked_is_refused(unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session, awaiting_identity=True)
    with pytest.raises(exceptions.IdentityDocumentPending):
        services.submit(dossier, by=unverified_elu)


def test_an_incomplete_dossier_says_what_is_missing(elu, session):
    dossier = DossierFactory(user=elu, session=session, phone_mobile="", mandate_label="")
    with pytest.raises(exceptions.IncompleteDossier) as error:
        services.submit(dossier, by=elu)
    assert "un numéro de téléphone" in str(error.value) and "le mandat" in str(error.value)


def test_another_elu_cannot_send_my_dossier(elu, session):
    dossier = DossierFactory(user=elu, session=session)
    with pytest.raises(exceptions.NotAllowed):
        services.submit(dossier, by=UserFactory(franceconnect=True))


def test_send_copies_the_verified_identity_and_mails_after_commit(elu, session, mailoutbox, committed):
    dossier = DossierFactory(user=elu, session=session)
    with committed():
        services.submit(dossier, by=elu)
    dossier.refresh_from_db()
    assert dossier.birth_name == elu.birth_name and dossier.birth_date == elu.birth_date
    assert dossier.submitted_at is not None
    assert events(dossier) == [DossierEvent.SUBMITTED]
    log = dossier.logs.get()
    assert (log.by, log.from_state, log.to_state) == (elu, DossierState.DRAFT, DossierState.SUBMITTED)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [elu.email]
    assert "Votre demande d'inscription est envoyée. Attendez la réponse de l'AMIL." in mail.body
    assert mail.alternatives[0][1] == "text/html" and "Attendez la réponse" in mail.alternatives[0][0]


def test_the_mail_is_written_to_the_outbox_with_the_change(elu, session):
    from mailing.models import OutgoingEmail

    services.submit(DossierFactory(user=elu, session=session), by=elu)
    email = OutgoingEmail.objects.get()
    assert email.to == elu.email and email.subject.startswith("Votre demande d'inscription est envoyée")
    assert "l'AMIL" in email.body_text  # plain text is not HTML-escaped


def test_no_mail_is_sent_when_the_transaction_does_not_commit(
    elu, session, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(user=elu, session=session)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(dossier, by=elu)
    assert callbacks and mailoutbox == []
    for callback in callbacks:  # what the commit would have run
        callback()
    assert len(mailoutbox) == 1


def test_sending_twice_keeps_one_dossier_and_one_log_row(elu, session):
    dossier = DossierFactory(user=elu, session=session)
    services.submit(dossier, by=elu)
    again = services.submit(dossier, by=elu)
    assert again.state == DossierState.SUBMITTED
    assert Dossier.objects.count() == 1
    assert DossierLog.objects.filter(dossier=dossier).count() == 1


def test_a_cancelled_session_takes_no_request(elu, session):
    session.status = session.Status.CANCELLED
    session.save()
    with pytest.raises(exceptions.SessionNotOpen):
        services.submit(DossierFactory(user=elu, session=session), by=elu)


# --- seats and the waiting list -----------------------------------------------------------------------------


@pytest.fixture
def small_session(db):
    return SessionFactory(days_ahead=30, seats=2)


def sent_dossier(session, **traits):
    user = UserFactory(franceconnect=True)
    dossier = DossierFactory(user=user, session=session)
    return services.submit(dossier, by=user)


def test_when_seats_are_held_new_requests_join_the_waiting_list_in_order(small_session, mailoutbox, committed):
    with committed():
        first, second = sent_dossier(small_session), sent_dossier(small_session)
        third, fourth = sent_dossier(small_session), sent_dossier(small_session)
    assert [d.state for d in (first, second)] == [DossierState.SUBMITTED] * 2
    assert [d.state for d in (third, fourth)] == [DossierState.WAITLISTED] * 2
    assert third.waitlisted_at <= fourth.waitlisted_at
    assert events(third) == [DossierEvent.WAITLISTED]
    assert "liste d'attente" in mailoutbox[-1].subject


def test_accepted_dossiers_also_hold_seats(small_session, staff):
    services.accept(sent_dossier(small_session), by=staff)
    DossierFactory(session=small_session, accepted=True)
    assert sent_dossier(small_session).state == DossierState.WAITLISTED


def test_a_refusal_offers_the_seat_to_the_first_on_the_list(small_session, staff, mailoutbox, committed, settings):
    settings.WAITING_LIST_OFFER_HOURS = 48
    first = sent_dossier(small_session)
    sent_dossier(small_session)
    waiting_1, waiting_2 = sent_dossier(small_session), sent_dossier(small_session)
    mailoutbox.clear()

    with committed():
        services.refuse(first, by=staff, reason="Public non éligible.")

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.offer_expires_at is not None and waiting_2.offer_expires_at is None
    expected = timezone.now() + datetime.timedelta(hours=48)
    assert abs((waiting_1.offer_expires_at - expected).total_seconds()) < 60
    assert events(waiting_1)[-1] == DossierEvent.SEAT_OFFERED
    assert [m.to for m in mailoutbox] == [[first.user.email], [waiting_1.user.email]]
    assert "Une place se libère" in mailoutbox[1].subject and "Je confirme ma place" in mailoutbox[1].body
    # The offered seat is reserved: a newcomer does not take it.
    assert sent_dossier(small_session).state == DossierState.WAITLISTED


def test_confirming_the_offer_takes_the_seat(small_session, staff):
    first = sent_dossier(small_session)
    sent_dossier(small_session)
    waiting = sent_dossier(small_session)
    services.cancel(first, by=first.user)
    waiting.refresh_from_db()
    confirmed = services.confirm_offer(waiting, by=waiting.user)
    assert confirmed.state == DossierState.SUBMITTED and confirmed.offer_expires_at is None
    assert events(confirmed)[-2:] == [DossierEvent.SEAT_OFFERED, DossierEvent.OFFER_CONFIRMED]
    assert services.confirm_offer(waiting, by=waiting.user).state == DossierState.SUBMITTED  # idempotent
    assert events(confirmed).count(DossierEvent.OFFER_CONFIRMED) == 1


def test_an_expired_offer_cannot_be_confirmed_and_passes_to_the_next(small_session, settings):
    settings.WAITING_LIST_OFFER_HOURS = 24
    first = sent_dossier(small_session)
    sent_dossier(small_session)
    waiting_1, waiting_2 = sent_dossier(small_session), sent_dossier(small_session)
    services.cancel(first, by=first.user)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        waiting_1.refresh_from_db()
        with pytest.raises(exceptions.OfferExpired):
            services.confirm_offer(waiting_1, by=waiting_1.user)
        assert services.expire_offer(waiting_1) is True
        assert services.expire_offer(waiting_1) is False  # already settled
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.state == DossierState.CANCELLED and "n'a pas été confirmée" in waiting_1.cancel_reason
    assert events(waiting_1)[-1] == DossierEvent.OFFER_EXPIRED
    assert waiting_2.offer_expires_at is not None


def test_an_offer_never_outlasts_the_registration_deadline(settings):
    settings.WAITING_LIST_OFFER_HOURS = 48
    session = SessionFactory(days_ahead=12, seats=1)  # the deadline is tomorrow night
    first = sent_dossier(session)
    waiting = sent_dossier(session)
    services.cancel(first, by=first.user)
    waiting.refresh_from_db()
    from trainings.deadlines import registration_deadline

    assert waiting.offer_expires_at == registration_deadline(session.first_day)


def test_no_seat_is_offered_once_registration_has_closed():
    session = SessionFactory(days_ahead=30, seats=1)
    first = sent_dossier(session)
    waiting = sent_dossier(session)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=25)):
        services.cancel(first, by=first.user)
    waiting.refresh_from_db()
    assert waiting.state == DossierState.WAITLISTED and waiting.offer_expires_at is None


def test_added_seats_go_to_the_waiting_list_before_newcomers(small_session):
    sent_dossier(small_session)
    sent_dossier(small_session)
    waiting = sent_dossier(small_session)
    small_session.seats = 3
    small_session.save()
    newcomer = sent_dossier(small_session)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None and newcomer.state == DossierState.WAITLISTED


# --- AMIL decisions and cancellations -------------------------------------------------------------------------


def test_accept_a_sent_dossier(elu, session, staff, mailoutbox, committed):
    with committed():
        dossier = services.accept(DossierFactory(user=elu, session=session, submitted=True), by=staff)
    assert dossier.state == DossierState.ACCEPTED and dossier.decided_at is not None
    log = dossier.logs.get()
    assert (log.by, log.from_state, log.to_state) == (staff, DossierState.SUBMITTED, DossierState.ACCEPTED)
    assert mailoutbox[0].subject.startswith("Votre inscription est validée")


@pytest.mark.parametrize("state", ["draft", "awaiting_identity", "refused", "cancelled", "waitlisted"])
def test_accept_is_refused_from_other_states(state, staff, session):
    dossier = DossierFactory(session=session, state=state)
    with pytest.raises(exceptions.TransitionNotAllowed) as error:
        services.accept(dossier, by=staff)
    assert "Impossible de valider le dossier" in str(error.value)
    assert not dossier.logs.exists()


def test_refuse_needs_a_reason_that_the_elu_reads(elu, session, staff, mailoutbox, committed):
    dossier = DossierFactory(user=elu, session=session, submitted=True)
    with pytest.raises(exceptions.ReasonRequired):
        services.refuse(dossier, by=staff, reason="  ")
    with committed():
        services.refuse(dossier, by=staff, reason="Session complète pour votre commune.")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REFUSED and dossier.refusal_reason == "Session complète pour votre commune."
    assert dossier.logs.get().note == "Session complète pour votre commune."
    assert "Session complète pour votre commune." in mailoutbox[0].body


def test_the_elu_cancels_before_the_session_starts_but_not_after(elu, staff):
    session = SessionFactory(days_ahead=30)
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=1)):
        with pytest.raises(exceptions.SessionStarted):
            services.cancel(dossier, by=elu)
    services.cancel(dossier, by=elu, reason="Empêchement.")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED and dossier.logs.get().by == elu


def test_staff_cancel_with_a_reason_and_another_elu_cannot(elu, session, staff):
    dossier = DossierFactory(user=elu, session=session, submitted=True)
    with pytest.raises(exceptions.NotAllowed):
        services.cancel(dossier, by=UserFactory())
    with pytest.raises(exceptions.ReasonRequired):
        services.cancel(dossier, by=staff)
    services.cancel(dossier, by=staff, reason="Session annulée par l'intervenant.")
    dossier.refresh_from_db()
    assert dossier.cancel_reason == "Session annulée par l'intervenant."


def test_dropping_a_draft_sends_no_mail(elu, session, mailoutbox, committed):
    with committed():
        services.cancel(DossierFactory(user=elu, session=session), by=elu)
    assert mailoutbox == []


def test_presence_is_noted_only_from_the_first_day(elu, staff):
    session = SessionFactory(days_ahead=30)
    dossier = DossierFactory(user=elu, session=session, accepted=True)
    with pytest.raises(exceptions.SessionNotStarted):
        services.mark_attended(dossier, by=staff)
    with time_machine.travel(session.starts_at + datetime.timedelta(hours=1)):
        assert services.mark_attended(dossier, by=staff).state == DossierState.ATTENDED
        assert services.mark_absent(dossier, by=staff).state == DossierState.ABSENT  # a correction
    with pytest.raises(exceptions.TransitionNotAllowed):
        services.mark_attended(DossierFactory(session=session, submitted=True), by=staff)


# --- identity documents ---------------------------------------------------------------------------------------


def identity_data():
    return {
        "birth_name": "Dupont",
        "usage_name": "Martin",
        "first_names": "Marie Claire",
        "birth_date": datetime.date(1968, 3, 2),
        "birth_place": "Chinon",
        "nationality": "Française",
    }


def png_upload():
    file = upload("IMG_2024_Marie_Dupont.png", png_bytes())
    file.extension = "png"
    return file


def test_upload_puts_every_draft_on_hold_and_never_keeps_the_original_name(unverified_elu, session):
    dossier = DossierFactory(user=unverified_elu, session=session)
    other_draft = DossierFactory(user=unverified_elu, session=SessionFactory())
    document = services.upload_identity_document(
        dossier, by=unverified_elu, kind="cni", identity=identity_data(), front=png_upload(), back=png_upload()
    )
    assert document.status == IdentityDocument.Status.PENDING
    assert "Dupont" not in document.front.name and document.front.name.endswith(".png")
    assert document.front.storage.exists(document.front.name)
    for d in (dossier, other_draft):
        d.refresh_from_db()
        assert d.state == DossierState.AWAITING_IDENTITY
        assert events(d) == [DossierEvent.IDENTITY_SUBMITTED]


def test_a_second_upload_while_one_is_checked_is_refused_and_stores_nothing(unverified_elu, session, settings):
    dossier = DossierFactory(user=unverified_elu, session=session)
    IdentityDocumentFactory(user=unverified_elu)
    with pytest.raises(exceptions.IdentityDocumentPending):
        services.upload_identity_document(
            dossier, by=unverified_elu, kind="passport", identity=identity_data(), front=png_upload()
        )
    assert IdentityDocument.objects.count() == 1
    assert not (settings.PRIVATE_MEDIA_ROOT / "identity").exists()


def test_accepting_the_document_verifies_the_identity_and_the_elu_can_continue(
    unverified_elu, session, staff, mailoutbox, committed
):
    dossier = DossierFactory(user=unverified_elu, session=session, nationality="")
    document = services.upload_identity_document(
        dossier, by=unverified_elu, kind="passport", identity=identity_data(), front=png_upload()
    )
    with committed():
        services.review_identity_document(document, by=staff, accepted=True)

    unverified_elu.refresh_from_db()
    dossier.refresh_from_db()
    assert unverified_elu.identity_method == IdentityMethod.DOCUMENT and unverified_elu.identity_verified
    assert (unverified_elu.birth_name, unverified_elu.usage_name) == ("Dupont", "Martin")
    assert dossier.state == DossierState.DRAFT and dossier.nationality == "Française"
    assert events(dossier)[-1] == DossierEvent.IDENTITY_ACCEPTED
    assert "vous pouvez poursuivre votre inscription" in mailoutbox[-1].subject
    assert f"/dossiers/{dossier.pk}/" in mailoutbox[-1].body
    # Then the élu sends.
    assert services.submit(dossier, by=unverified_elu).state == DossierState.SUBMITTED
    # And a later dossier reuses the verified identity: no document asked.
    later, _ = services.create_draft(unverified_elu, SessionFactory())
    assert later.state == DossierState.DRAFT and services.submit(later, by=unverified_elu).state == "submitted"


def test_rejecting_the_document_needs_a_reason_and_says_what_to_fix(
    unverified_elu, session, staff, mailoutbox, committed
):
    dossier = DossierFactory(user=unverified_elu, session=session)
    document = services.upload_identity_document(
        dossier, by=unverified_elu, kind="passport", identity=identity_data(), front=png_upload()
    )
    with pytest.raises(exceptions.ReasonRequired):
        services.review_identity_document(document, by=staff, accepted=False)
    with committed():
        services.review_identity_document(document, by=staff, accepted=False, reason="La photo est illisible.")
    dossier.refresh_from_db()
    unverified_elu.refresh_from_db()
    assert not unverified_elu.identity_verified
    assert dossier.state == DossierState.DRAFT
    assert dossier.logs.order_by("pk").last().note == "La photo est illisible."
    assert "La photo est illisible." in mailoutbox[-1].body
    with pytest.raises(exceptions.IdentityDocumentAlreadyReviewed):
        services.review_identity_document(document, by=staff, accepted=True)


# --- rules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "balance", "expected"),
    [
        (Decimal("150"), Decimal("700"), None),
        (Decimal("150"), Decimal("150"), None),
        (Decimal("900"), Decimal("700"), Decimal("200")),
        (Decimal("150"), None, None),  # unknown is not zero: nothing to compute
    ],
)
def test_remaining_cost(price, balance, expected):
    assert rules.remaining_cost(price, balance) == expected


def test_a_past_mandate_is_not_preselected(session):
    user = UserFactory(franceconnect=True)
    MandateFactory(user=user, start_date=datetime.date(2014, 3, 30), end_date=datetime.date(2020, 5, 18))
    current = MandateFactory(user=user)
    dossier, _ = services.create_draft(user, session)
    assert dossier.mandate == current


# --- prepare_for_elu (assisted enrolment) -------------------------------------------------------------------


def test_a_prepared_dossier_is_logged_as_started_by_staff_and_mails_the_elu(unverified_elu, session, staff):
    from mailing.models import OutgoingEmail

    dossier, created = services.prepare_for_elu(unverified_elu, session, by=staff)
    assert created and dossier.created_by == staff and dossier.prepared_by_staff
    log = dossier.logs.get()
    assert (log.by, log.event, log.note) == (staff, DossierEvent.CREATED, services.PREPARED_BY_STAFF_NOTE)
    email = OutgoingEmail.objects.get()
    assert email.to == unverified_elu.email
    assert "Faites vérifier votre identité : avec FranceConnect" in email.body_text
    last_day = formats.date_format(session.last_registration_day, "l j F Y")
    assert f"Envoyez votre dossier au plus tard le {last_day}, jusqu'à 23 h 59." in email.body_text
    again, created_again = services.prepare_for_elu(unverified_elu, session, by=staff)
    assert again == dossier and not created_again and OutgoingEmail.objects.count() == 1


def test_a_dossier_the_elu_starts_is_not_marked_as_prepared(elu, session):
    dossier, _ = services.create_draft(elu, session)
    assert not dossier.prepared_by_staff and dossier.logs.get().note == ""
