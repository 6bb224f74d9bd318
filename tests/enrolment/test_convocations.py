import datetime

import pytest
from icalendar import Calendar

from enrolment import convocations, exceptions
from enrolment.models import DossierEvent, DossierState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import PARIS, paris
from tests.factories import DossierFactory, SessionFactory
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_days():
    return SessionFactory(
        starts_at=paris(2027, 3, 29, 9),
        ends_at=paris(2027, 3, 30, 17),
        venue="Salle des fêtes, 60 quai du Général de Gaulle",
        postal_code="37400",
        city="Amboise",
        training__title="Prévenir et gérer les conflits",
        training__transport="Parking du château à 200 m.",
    )


def test_the_calendar_file_has_one_event_per_day_in_paris_time(two_days):
    dossier = DossierFactory(session=two_days, accepted=True)
    calendar = Calendar.from_ical(convocations.calendar_file(dossier))
    events = calendar.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [paris(2027, 3, 29, 9), paris(2027, 3, 30, 9)]
    assert [e.decoded("dtend") for e in events] == [paris(2027, 3, 29, 17), paris(2027, 3, 30, 17)]
    assert events[0]["summary"] == "Formation : Prévenir et gérer les conflits"
    assert events[0]["location"] == "Salle des fêtes, 60 quai du Général de Gaulle, 37400 Amboise"
    assert "Parking du château" in events[0]["description"]
    assert "de 9\u00a0h à 17\u00a0h" in events[0]["description"]
    assert "Plan d'accès : https://www.openstreetmap.org/search?query=Salle+des+f" in events[0]["description"]
    assert len({str(e["uid"]) for e in events}) == 2
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    assert events[0].decoded("dtstart").tzinfo.key == PARIS.key


def test_sending_a_convocation_logs_it_and_queues_the_email_with_the_pdf_and_the_ics(two_days, staff, time_machine):
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)
    dossier = DossierFactory(session=two_days, accepted=True, birth_name="Garnier", first_names="Sylvie")
    convocations.send_convocation(dossier, by=staff)
    dossier.refresh_from_db()
    assert dossier.convocation_sent_at == paris(2027, 3, 10, 10) and dossier.state == DossierState.ACCEPTED
    log = dossier.logs.get()
    assert (log.event, log.by, log.from_state, log.to_state) == (
        DossierEvent.CONVOCATION_SENT,
        staff,
        DossierState.ACCEPTED,
        DossierState.ACCEPTED,
    )
    email = OutgoingEmail.objects.get()
    assert email.to == dossier.user.email
    assert email.subject == "Votre convocation à la formation — AMIL"
    for text in (
        "voici votre convocation",
        "lundi 29 mars 2027, de 9\u00a0h à 17\u00a0h",
        "mardi 30 mars 2027, de 9\u00a0h à 17\u00a0h",
        "Lieu : Salle des fêtes, 60 quai du Général de Gaulle, 37400 Amboise",
        "Accès : Parking du château à 200 m.",
        "Plan d'accès (OpenStreetMap) : https://www.openstreetmap.org/search?query=Salle+des+f%C3%AAtes%2C+60+quai",
        "Contact : ",
        "convocation.pdf",
        "convocation.ics",
    ):
        assert text in email.body_text
    assert "Voir le plan d'accès sur OpenStreetMap" in email.body_html
    pdf, ics = email.attachments.all()
    assert (pdf.filename, pdf.content_type) == ("convocation.pdf", "application/pdf")
    text = pdf_text(pdf.content).replace("\xa0", " ")  # the times keep their no-break spaces
    for expected in (
        "Maison des Maires d'Indre-et-Loire",
        "GARNIER Sylvie",
        "Prévenir et gérer les conflits",
        "lundi 29 mars 2027, de 9 h à 17 h",
        "mardi 30 mars 2027, de 9 h à 17 h",
        "Salle des fêtes, 60 quai du Général de Gaulle, 37400 Amboise",
        "Parking du château à 200 m.",
        "7 heures",
    ):
        assert expected in text, expected
    assert (ics.filename, ics.content_type) == ("convocation.ics", "text/calendar")
    assert len(Calendar.from_ical(bytes(ics.content)).walk("VEVENT")) == 2


def test_only_accepted_dossiers_of_sessions_to_come_are_convoked(staff, time_machine):
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)
    with pytest.raises(exceptions.TransitionNotAllowed):
        convocations.send_convocation(DossierFactory(submitted=True), by=staff)
    past = SessionFactory(starts_at=paris(2027, 3, 9, 9), ends_at=paris(2027, 3, 9, 17))
    with pytest.raises(convocations.SessionAlreadyStarted):
        convocations.send_convocation(DossierFactory(session=past, accepted=True), by=staff)
    cancelled = SessionFactory(cancelled=True, starts_at=paris(2027, 4, 9, 9), ends_at=paris(2027, 4, 9, 17))
    with pytest.raises(convocations.SessionCancelled):
        convocations.send_convocation(DossierFactory(session=cancelled, accepted=True), by=staff)
    assert not OutgoingEmail.objects.exists()


def test_to_convoke_skips_those_already_convoked_unless_asked(staff):
    session = SessionFactory()
    new = DossierFactory(session=session, accepted=True)
    done = DossierFactory(session=session, accepted=True, convocation_sent_at=datetime.datetime.now(tz=PARIS))
    DossierFactory(session=session, submitted=True)
    assert list(convocations.to_convoke(session)) == [new]
    assert list(convocations.to_convoke(session, again=True)) == [new, done]


def test_a_remote_session_says_so():
    session = SessionFactory(remote=True, training__remote=True)
    assert convocations.is_remote(session)
    assert convocations.location(session) == "Classe virtuelle"
