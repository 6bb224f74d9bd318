"""enrolment/seats.py: one rule for the seats of a session, read by the training page, the search and the send."""

import pytest
from django.utils import timezone

from enrolment import seats, services
from enrolment.models import Dossier, DossierState
from tests.factories import DossierFactory, SessionFactory
from trainings.models import Session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("offer_running", [True, False], ids=["offer running", "no offer"])
def test_the_training_page_and_the_send_agree_when_a_waiting_list_offer_runs(client, elu, offer_running):
    session = SessionFactory(days_ahead=30, seats=2)
    DossierFactory(session=session, submitted=True)
    if offer_running:
        DossierFactory(session=session, offered=True)  # the second seat is reserved for the élu it was offered to
    else:
        DossierFactory(session=session, cancelled=True)

    page = client.get(session.training.get_absolute_url()).content.decode()
    shown_free = 0 if "Complet" in page else 1
    assert ("1 place disponible sur 2" in page) == (shown_free == 1)
    counted = seats.availability(Session.objects.get(pk=session.pk), timezone.now())
    assert counted.left == shown_free == (0 if offer_running else 1)

    dossier = services.submit(DossierFactory(user=elu, session=session), by=elu)
    assert dossier.state == (DossierState.WAITLISTED if shown_free == 0 else DossierState.SUBMITTED)


def test_a_list_and_a_single_session_count_alike(elu):
    session = SessionFactory(days_ahead=30, seats=3)
    DossierFactory(session=session, accepted=True)
    DossierFactory(session=session, offered=True)
    DossierFactory(session=session, waitlisted=True)
    DossierFactory(session=session, cancelled=True)
    listed = Session.objects.with_availability().get(pk=session.pk).availability
    single = Session.objects.get(pk=session.pk)  # not annotated: counted on first use
    assert listed == single.availability
    assert (listed.taken, listed.offered, listed.waiting, listed.free, listed.left) == (1, 1, 1, 1, 0)
    assert single.seats_left == 0 and single.is_full  # the free seat goes to the one waiting first


def test_a_free_seat_with_someone_waiting_is_not_offered_on_the_page_and_the_send_agrees(client, elu):
    """Seats added by staff while élus wait: the waiting list gets them first, the page says so."""
    session = SessionFactory(days_ahead=30, seats=1)
    DossierFactory(session=session, waitlisted=True)
    assert "Complet" in client.get(session.training.get_absolute_url()).content.decode()
    dossier = services.submit(DossierFactory(user=elu, session=session), by=elu)
    assert dossier.state == DossierState.WAITLISTED


def test_waiting_list_positions_read_for_a_list_match_the_annotation(django_assert_num_queries):
    session = SessionFactory(seats=1, taken=1)
    on_list = [DossierFactory(session=session, waitlisted=True) for _ in range(3)]
    offered = DossierFactory(session=session, offered=True)
    elsewhere = DossierFactory(waitlisted=True)
    sent = DossierFactory(session=session, submitted=True)
    dossiers = [on_list[2], sent, offered, elsewhere, on_list[0]]
    with django_assert_num_queries(1):
        seats.read_waiting_list_positions(dossiers)
    annotated = {
        d.pk: d for d in seats.with_waiting_list_position(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]))
    }
    with django_assert_num_queries(0):
        positions = [seats.waiting_list_position(dossier) for dossier in dossiers]
    assert positions == [seats.waiting_list_position(annotated[dossier.pk]) for dossier in dossiers]
    assert positions[1] is None and positions[3] == 1


def test_no_query_for_waiting_list_positions_without_a_dossier_on_the_list(django_assert_num_queries):
    dossiers = [DossierFactory(submitted=True), DossierFactory()]
    with django_assert_num_queries(0):
        seats.read_waiting_list_positions(dossiers)
        assert [seats.waiting_list_position(dossier) for dossier in dossiers] == [None, None]
