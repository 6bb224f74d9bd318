from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from dife_portal.collation import sort_key
from dife_portal.french import heure, pluriel

from . import deadlines, invitations, page_cache
from . import search as catalogue
from .forms import TrainingSearchForm
from .models import Training
from .templatetags.catalogue import long_date

# The search criteria other than the keywords.
FILTERS = ("modalite", "lieu", "du", "au", "theme")


@page_cache.home_page
def home(request):
    return render(request, "home.html", {"step": 1})


@page_cache.search_page
def search(request):
    """Step 2: "Trouver une formation". Invalid criteria are reported and ignored, never a server error.

    Everything below the header depends only on the query string, the catalogue and the seats: it is built once
    and shared by every visitor, signed in or not, until one of those changes.
    """

    def build():
        form = TrainingSearchForm(request.GET)
        criteria = form.criteria()
        filters = [name for name in FILTERS if name in criteria]
        outcome = catalogue.run_search(criteria, form.requested_page())
        page = outcome.page
        context = {
            "form": form,
            "criteria_errors": form.criteria_errors,
            "has_criteria": bool(criteria),
            # The criteria folded behind "Filtrer" on a phone: open when one is set or wrong, so nothing is hidden.
            "filters_count": len(filters),
            "filters_open": bool(filters) or any(name in form.criteria_errors for name in FILTERS),
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "ellipsis": page.paginator.ELLIPSIS,
            "trainings": [_result(training) for training in page.object_list],
            "notices": [*form.errors.get("page", []), *outcome.notices],
            "any_word": outcome.any_word,
            "registration_rule": deadlines.rule_in_words(),
        }
        offers_end = (training.matching_offers_end for training in page.object_list)
        page_cache.expires_at(min(filter(None, offers_end), default=None))
        content = render_to_string("trainings/includes/search_content.html", context, request)
        return {"content": content, "title": _search_title(form, criteria, page)}

    parts = page_cache.search_results(request, build)
    context = {"content": mark_safe(parts["content"]), "title": parts["title"], "step": 2}
    return render(request, "trainings/search.html", context)


def _search_title(form, criteria, page):
    """The page's title says what was searched and how many trainings answer: each results page has its own."""
    if not criteria:
        return "Trouver une formation"
    count = page.paginator.count
    found = "aucune formation" if count == 0 else f"{count} formation{pluriel(count)}"
    query = f"« {criteria['q']} »" if criteria.get("q") else "votre recherche"
    title = f"Résultats pour {query} : {found}"
    if page.paginator.num_pages > 1:
        title += f" (page {page.number} sur {page.paginator.num_pages})"
    return f"{title} — Trouver une formation"


@page_cache.training_page
def detail(request, pk, slug):
    """The training page, at a stable address: a wrong or outdated slug redirects (301) to the right one.

    Below the header, the page depends only on the training, its sessions, who looks (an anonymous visitor — whose
    "Me connecter" link comes back here —, a signed-in élu, or staff, who may preview an unpublished training): it is
    built once for each and kept until the catalogue or a dossier of the training changes.
    The banner of an invitation link the visitor followed is added around it (`invitations.banner`).
    """
    user = request.user

    def build():
        training = get_object_or_404(Training.objects.select_related("organiser", "theme"), pk=pk)
        is_preview = not training.is_published
        if is_preview and not user.is_staff:
            raise Http404("Formation non publiée")
        if slug != training.slug:
            return {"redirect": training.get_absolute_url()}
        sessions = page_cache.training_sessions(training.pk, _sessions(training, request))
        context = {
            "training": training,
            "sessions_html": mark_safe(sessions["html"]),
            "towns": sessions["towns"],
            "is_preview": is_preview,
        }
        return {
            "title": training.title,
            "html": render_to_string("trainings/includes/training_content.html", context, request),
        }

    parts = page_cache.training_content(request, pk, slug, build)
    if "redirect" in parts:
        url = parts["redirect"]
        if request.GET:
            url = f"{url}?{request.GET.urlencode()}"
        return redirect(url, permanent=True)
    context = {
        "title": parts["title"],
        "content": mark_safe(parts["html"]),
        # Outside the shared part: it follows the link's current state (a link revoked since shows nothing).
        "invitation_banner": invitations.banner(request, pk),
        "step": 2,
    }
    return render(request, "trainings/detail.html", context)


def _sessions(training, request):
    """Builds the sessions part of `training`'s page (the part that grows with the catalogue): the same for every
    visitor, signed in or not."""

    def build():
        sessions = list(training.sessions.upcoming().with_seats_left().order_by("starts_at", "pk"))
        page_cache.expires_at(min(filter(None, (s.seat_offers_end for s in sessions)), default=None))
        context = {
            "rows": [_session_row(session) for session in sessions],
            "registration_rule": deadlines.rule_in_words(),
        }
        return {
            "html": render_to_string("trainings/includes/training_sessions.html", context, request),
            "towns": sorted(
                {session.city for session in sessions if session.city and not session.is_cancelled}, key=sort_key
            ),
        }

    return build


def _dates(session):
    """The dates of `session` as its card writes them (trainings/includes/session_dates.html): its first day and
    hours when it lasts one day, else its first and last days."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    one_day = session.first_day == session.last_day
    dates = {"one_day": one_day, "start_iso": start.isoformat(), "start": long_date(start.date())}
    if one_day:
        dates.update(start_hour=heure(start.time()), end_hour=heure(end.time()))
    else:
        dates.update(end_iso=end.isoformat(), end=long_date(end.date()))
    return dates


def _registration_state(session):
    """What a card says of registering for a session that is not cancelled: "full", "open" or "closed"."""
    return "full" if session.is_full else "open" if session.is_registration_open else "closed"


def _result(training):
    """What the search lists of `training` (from `search.run_search`) and of its featured session: each rule
    (Session's properties) read, each value written once."""
    session = training.featured_session
    state = _registration_state(session)
    return {
        "pk": training.pk,
        "url": training.get_absolute_url(),
        "title": training.title,
        "organiser": training.organiser.name,
        "theme": training.theme.name,
        "modality": training.get_modality_display(),
        "dates": _dates(session),
        "other_dates": training.other_dates,
        "city": session.city,
        "duration": floatformat(training.duration_hours),
        "price": floatformat(training.price, "2g"),
        "state": state,
        "last_day": long_date(session.last_registration_day) if state == "open" else "",
    }


def _session_row(session):
    """What the training page shows of `session`: each rule (Session's properties) read, each date written once."""
    dates = _dates(session)
    row = {
        "pk": session.pk,
        "venue": session.venue,
        "city": session.city,
        "postal_code": session.postal_code,
        **dates,
        "state": "cancelled",
        "is_open": False,
        "can_create_dossier": False,
    }
    if session.is_cancelled:
        return row
    is_open, last_day = session.is_registration_open, session.last_registration_day
    row.update(
        state=_registration_state(session),
        is_open=is_open,
        can_create_dossier=session.can_create_dossier,
        last_day=long_date(last_day),
        last_day_short=long_date(last_day, weekday=False),
        days_left=session.registration_days_left,
        seats=session.seats,
        seats_left=session.seats_left,
        mcf_url=session.moncompteformation_url if session.mcf_action_id else "",
    )
    if is_open:  # the button's words for screen readers
        row["start_short"] = long_date(session.first_day, weekday=False)
        if not dates["one_day"]:
            row["end_short"] = long_date(session.last_day, weekday=False)
    return row
