import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import IdentityDocument, User
from enrolment import services, todo
from enrolment.models import DossierEvent, DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, IdentityDocumentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- purge_identity_documents ---------------------------------------------------------------------------------


def test_identity_files_are_deleted_seven_days_after_the_review(settings, staff):
    settings.IDENTITY_DOCUMENT_RETENTION_DAYS = 7
    with time_machine.travel(paris(2026, 3, 2, 10), tick=False):
        accepted = IdentityDocumentFactory(with_files=True)
        rejected = IdentityDocumentFactory(with_files=True)
        pending = IdentityDocumentFactory(with_files=True)
        services.review_identity_document(accepted, by=staff, accepted=True)
        services.review_identity_document(rejected, by=staff, accepted=False, reason="Illisible.")
    names = [f.name for d in (accepted, rejected) for f in IdentityDocument.objects.get(pk=d.pk).files.values()]
    storage = accepted.front.storage
    assert len(names) == 4 and all(storage.exists(n) for n in names)

    with time_machine.travel(paris(2026, 3, 9, 9), tick=False):  # 6 days 23 hours later: kept
        call_command("purge_identity_documents", stdout=open("/dev/null", "w"))
    assert all(storage.exists(n) for n in names)

    with time_machine.travel(paris(2026, 3, 9, 10, 0, 1), tick=False):
        call_command("purge_identity_documents", stdout=open("/dev/null", "w"))
    assert not any(storage.exists(n) for n in names)
    for document in (accepted, rejected):
        document.refresh_from_db()
        assert not document.front and not document.back and document.files_deleted_at is not None
        assert document.status != IdentityDocument.Status.PENDING  # the trace of the review stays
    pending.refresh_from_db()
    assert pending.front and storage.exists(pending.front.name)  # never reviewed: kept for the staff


def test_deleting_an_elu_removes_their_identity_files(django_capture_on_commit_callbacks):
    document = IdentityDocumentFactory(with_files=True)
    name, storage = document.front.name, document.front.storage
    with django_capture_on_commit_callbacks(execute=True):
        document.user.delete()
    assert not storage.exists(name)


# --- expire_seat_offers -----------------------------------------------------------------------------------------


def test_expired_offers_are_cancelled_and_the_seat_goes_to_the_next(settings, mailoutbox, committed):
    settings.WAITING_LIST_OFFER_HOURS = 48
    session = SessionFactory(days_ahead=40, seats=1)
    holder = DossierFactory(session=session, submitted=True)
    late = DossierFactory(session=session, waitlisted=True)
    next_one = DossierFactory(session=session, waitlisted=True, waitlisted_at=timezone.now() + datetime.timedelta(1))
    services.cancel(holder, by=holder.user, reason="Empêchement")
    late.refresh_from_db()
    assert late.offer_expires_at is not None

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=47)):
        call_command("expire_seat_offers", stdout=open("/dev/null", "w"))
    late.refresh_from_db()
    assert late.state == DossierState.WAITLISTED  # still within the delay

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        with committed():
            call_command("expire_seat_offers", stdout=open("/dev/null", "w"))
    late.refresh_from_db()
    next_one.refresh_from_db()
    assert late.state == DossierState.CANCELLED
    assert late.logs.order_by("pk").last().event == DossierEvent.OFFER_EXPIRED
    assert next_one.offer_expires_at is not None
    assert {m.to[0] for m in mailoutbox} == {late.user.email, next_one.user.email}


# --- remind_drafts ------------------------------------------------------------------------------------------------


def test_drafts_are_reminded_once_three_days_before_the_deadline(mailoutbox, committed):
    # First day Monday 15 June 2026: last allowed day Thursday 4 June; reminder from Monday 1 June.
    session = SessionFactory(starts_at=paris(2026, 6, 15, 9), ends_at=paris(2026, 6, 15, 17))
    with time_machine.travel(paris(2026, 5, 20), tick=False):
        draft = DossierFactory(session=session)
        DossierFactory(session=session, submitted=True)
        DossierFactory(session=session, awaiting_identity=True)
    with time_machine.travel(paris(2026, 5, 31, 8), tick=False):
        call_command("remind_drafts", stdout=open("/dev/null", "w"))
    assert mailoutbox == []
    with time_machine.travel(paris(2026, 6, 1, 8), tick=False), committed():
        call_command("remind_drafts", stdout=open("/dev/null", "w"))
        call_command("remind_drafts", stdout=open("/dev/null", "w"))  # the scheduler ran twice
    assert [m.to for m in mailoutbox] == [[draft.user.email]]
    assert "jeudi 4 juin 2026" in mailoutbox[0].body and "dans 3 jours" in mailoutbox[0].body
    with time_machine.travel(paris(2026, 6, 5, 8), tick=False):
        other = DossierFactory(session=session, user=UserFactory())
        call_command("remind_drafts", stdout=open("/dev/null", "w"))
    other.refresh_from_db()
    assert other.reminder_sent_at is None  # closed: nothing left to remind


def test_the_backoffice_demo_gives_the_staff_something_to_do():
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    counts = {item.label: item.count for item in todo.items_for(UserFactory(superuser=True))}
    assert counts["Dossiers en attente de réponse"] >= 2
    assert counts["dont en attente depuis plus de 2 jours ouvrés"] >= 1
    assert counts["Pièces d'identité à vérifier"] == 1
    assert counts["Sessions à venir complètes"] == 1
    manager = User.objects.get(email="gestion@amil.example")
    assert manager.is_staff and manager.has_perm("enrolment.change_dossier")
    assert not manager.has_perm("accounts.view_identity_files")
    checker = User.objects.get(email="identite@amil.example")
    assert checker.has_perm("accounts.view_identity_files") and not checker.has_perm("enrolment.change_dossier")
