"""Convocations: the e-mail an accepted élu receives before the session (dates, place, access, contact),
with the convocation as a PDF and an `.ics` file that adds each day of the session to their calendar."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from dife_portal import french
from trainings.models import Modality

from . import attendance, documents, emails, services
from .exceptions import EnrolmentError, TransitionNotAllowed
from .models import Dossier, DossierEvent, DossierState

ICS_FILENAME = "convocation.ics"
ICS_CONTENT_TYPE = "text/calendar"


class SessionAlreadyStarted(EnrolmentError):
    message = "La session a déjà commencé : la convocation n'est plus envoyée."


class SessionCancelled(EnrolmentError):
    message = "La session est annulée : aucune convocation n'est envoyée."


def is_remote(session):
    return session.training.modality == Modality.REMOTE or not (session.city or session.postal_code)


def location(session):
    if is_remote(session):
        return session.venue or "Classe virtuelle"
    return ", ".join(filter(None, [session.venue, f"{session.postal_code} {session.city}".strip()]))


def map_url(session):
    """An OpenStreetMap search for the session's address (the "plan d'accès"), or "" for a remote session."""
    if is_remote(session):
        return ""
    return "https://www.openstreetmap.org/search?" + urlencode({"query": location(session)})


def contact(training):
    association = settings.ASSOCIATION
    return training.contact or f"{association['name']} · {association['phone']} · {association['email']}"


def calendar_file(dossier, now=None):
    """The `.ics` content (bytes): one event per day of the session, in Europe/Paris time.

    The identifiers depend on the session and the day only, so a convocation sent again (after a change
    of room…) updates the events already in the élu's calendar instead of adding new ones.
    """
    session = dossier.session
    training = session.training
    association = settings.ASSOCIATION
    host = urlsplit(settings.SITE_URL).hostname or "portail-dife"
    calendar = Calendar()
    calendar.add("prodid", f"-//{association['short_name']}//Portail DIFE//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    organizer = vCalAddress(f"mailto:{association['email']}")
    organizer.params["cn"] = vText(association["name"])
    for day in attendance.session_days(session):
        description = "\n".join(
            filter(
                None,
                [
                    f"Formation organisée par la {association['name']}, de {french.heure(day.start)} "
                    f"à {french.heure(day.end)}.",
                    f"Plan d'accès : {map_url(session)}" if map_url(session) else "",
                    f"Accès : {training.transport}" if training.transport else "",
                    f"Contact : {contact(training)}",
                    emails.absolute_url(f"/dossiers/{dossier.pk}/"),
                ],
            )
        )
        event = Event()
        event.add("uid", f"session-{session.pk}-{day.date:%Y%m%d}@{host}")
        event.add("dtstamp", now or timezone.now())
        event.add("dtstart", day.start_at)
        event.add("dtend", day.end_at)
        event.add("summary", f"Formation : {training.title}")
        event.add("location", location(session))
        event.add("description", description)
        event["organizer"] = organizer
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def send_convocation(dossier, *, by):
    """E-mail the convocation (its PDF and its `.ics`) to an accepted élu, and log it on the dossier.

    May be sent again (after a change of room, for instance): each sending is logged.
    """
    with transaction.atomic():
        dossier = services.lock_dossier(dossier.pk)
        session = dossier.session
        if dossier.state != DossierState.ACCEPTED:
            raise TransitionNotAllowed(dossier, "envoyer la convocation")
        if session.is_cancelled:
            raise SessionCancelled()
        now = timezone.now()
        if now >= session.starts_at:
            raise SessionAlreadyStarted()
        dossier.convocation_sent_at = now
        dossier.save(update_fields=["convocation_sent_at"])
        services.log_event(dossier, by, dossier.state, DossierEvent.CONVOCATION_SENT)
        emails.dossier_email(
            "convocation",
            dossier,
            attachments=[
                documents.convocation(dossier) + (documents.PDF_CONTENT_TYPE,),
                (ICS_FILENAME, calendar_file(dossier, now), ICS_CONTENT_TYPE),
            ],
            **email_context(session),
        )
    return dossier


def email_context(session):
    """What the convocation e-mail says besides the dossier: the days and hours, the place, the contact."""
    return {
        "days": attendance.session_days(session),
        "is_remote": is_remote(session),
        "map_url": map_url(session),
        "contact": contact(session.training),
    }


def preview(dossier):
    """The convocation `dossier`'s élu would receive (subject, text, html), nothing sent."""
    return emails.preview_dossier_email("convocation", dossier, **email_context(dossier.session))


def to_convoke(session, *, again=False):
    """The accepted dossiers of `session` that have not received their convocation (all of them if `again`)."""
    dossiers = Dossier.objects.filter(session=session, state=DossierState.ACCEPTED)
    if not again:
        dossiers = dossiers.filter(convocation_sent_at__isnull=True)
    return dossiers.select_related("user").order_by("pk")
