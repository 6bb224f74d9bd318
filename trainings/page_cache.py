"""The page cache: the one module that knows cache keys, version names and what makes them stale.

What is kept, and for whom:
- whole public pages — home (`home_page`), the search (`search_page`), a training page (`training_page`) — for
  visitors who cannot see anything personal: a GET without a session cookie (so no signed-in élu, no flash message
  kept in the session) and without a messages cookie. What a training page shows of the invitation link the visitor
  followed (a signed cookie, see `trainings.invitations`) is part of its key, so a visitor who came through a
  mairie's link gets the page with that mairie's banner;
- fragments that are the same for every visitor, signed in or not, inside pages built for each request: the search
  results (`search_results`), a training's content (`training_content`) and its sessions (`training_sessions`).
Nothing personal is ever kept: a signed-in request is authenticated by Django and its page built around the shared
fragments. A page is stored only when it is not personal either: status 200, no cookie set, no CSRF token used
while rendering it, no `Cache-Control: private/no-store` from the view. A fragment never holds a CSRF token.

Keys hold this portal's database (`site`), the release (`RELEASE`: a deployment starts with fresh pages), the Paris
date (registration deadlines move at midnight) and the path with its query string *normalised*: only the parameters
the view reads, each once, in a fixed order — the view itself gets that query, so that what is kept is exactly what
the key names, and a visitor cannot fill the cache with endless variants of one page.

Version names: "catalogue" (trainings, sessions, themes, organisers), "seats" (any dossier: the search shows which
sessions are full), "training:<pk>" (a dossier of one of that training's sessions: its page shows the seats left)
and "invitation:<pk>" (a change of that link, its revocation: the page of a visitor who followed it shows or no
longer shows its banner). `connect()` wires the signals that replace them, at once and again once the transaction
commits. An entry is served only while the tokens it was built under are current, never past `PAGE_CACHE_SECONDS`
(0 turns the cache off), and never past the moment its content stops being true by the clock alone (a seat offer
running out).

Entries are plain JSON values (strings, numbers, lists, dicts): a page is stored as its status, headers and text,
never as a pickled object (see `dife_portal.redis_cache`). Pages of the views decorated here carry
`Cache-Control: private` and `Vary: Cookie`: what a browser gets depends on its cookies, so no shared cache in
front keeps them.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import invitations
from .deadlines import paris_today
from .forms import TrainingSearchForm
from .models import Invitation, Organiser, Session, Theme, Training

PAGE_PREFIX = "page"
FRAGMENT_PREFIX = "fragment"
VERSION_PREFIX = "page-version"
CATALOGUE = "catalogue"
SEATS = "seats"
# A version token outlives every entry read under it (PAGE_CACHE_SECONDS at most) by far; one that expires is
# replaced by a new one, which only retires entries. Tokens for any number in a URL do not pile up for ever.
VERSION_SECONDS = 24 * 3600
# The query-string parameters each cached page reads; any other is dropped before keying and before the view.
SEARCH_PARAMETERS = tuple(sorted(TrainingSearchForm.base_fields))
# The moments (POSIX timestamps) at which what is being built stops being true by the clock alone.
_moments = contextvars.ContextVar("page_cache_moments", default=None)


def _training(pk):
    return f"training:{pk}"


def _search_versions():
    return [CATALOGUE, SEATS]


def _training_versions(pk):
    return [CATALOGUE, _training(pk)]


def _invitation(pk):
    return f"invitation:{pk}"


def _training_page_versions(request, pk, slug):
    """A training page's versions; for a visitor who followed an invitation to it, that link's too (its banner)."""
    followed = invitations.followed(request, pk)
    return [*_training_versions(pk), *([_invitation(followed)] if followed else [])]


def _training_page_variant(request, pk, slug):
    """The invitation whose banner a training page may show this visitor (the followed link's state is read when
    the page is built, and kept under that link's version)."""
    followed = invitations.followed(request, pk)
    return f"invitation-{followed}" if followed else ""


# --- Version tokens ---------------------------------------------------------------------------------------------


def _version_key(name):
    return f"{VERSION_PREFIX}:{name}"


def _new_token():
    return uuid.uuid4().hex


def _current(found, names):
    """The token of each name in `found` (a get_many answer); a missing token is created, never an old value."""
    tokens = []
    for name in names:
        key = _version_key(name)
        if not found.get(key):
            cache.add(key, _new_token(), timeout=VERSION_SECONDS)
            # Redis away: a token of this request only, that no entry holds and none will be read under.
            found[key] = cache.get(key) or _new_token()
        tokens.append(str(found[key]))
    return tokens


def versions(names):
    """The current token of each version name, in order (one cache round trip)."""
    names = list(names)
    return _current(cache.get_many([_version_key(name) for name in names]) if names else {}, names)


def bump(names):
    """Give each version a new token: every entry kept under the old ones is no longer served.

    Redis being down never stops what changed the data: the backend drops the write (dife_portal/redis_cache.py),
    what it held is unreachable too, and entries expire within PAGE_CACHE_SECONDS.
    """
    if names:
        cache.set_many({_version_key(name): _new_token() for name in names}, timeout=VERSION_SECONDS)


def bump_after_commit(names):
    """`bump` at once and again once the transaction commits: a page built in between, from the data before the
    commit, is stored under a token that the second replacement retires."""
    bump(names)
    transaction.on_commit(lambda: bump(names), robust=True)


def _read(key, names):
    """(the entry under `key` if its versions are current, else None; the current tokens) — one round trip."""
    found = cache.get_many([key, *(_version_key(name) for name in names)])
    tokens = _current(found, names)
    entry = found.get(key)
    return (entry if isinstance(entry, dict) and entry.get("versions") == tokens else None), tokens


# --- Keys -------------------------------------------------------------------------------------------------------


def site_of(database):
    """Which portal's data a key is about (its database): two portals sharing one Redis (staging and production
    without CACHE_KEY_PREFIX) never serve each other's pages."""
    where = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{database['NAME']}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


@functools.cache
def site():
    return site_of(settings.DATABASES["default"])


def _key(prefix, text):
    """The cache key of `text` (a path, a fragment's name): this portal, this release, today in Paris."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return ":".join([prefix, site(), settings.RELEASE, paris_today().isoformat(), digest])


def normalised_query(query_dict, parameters):
    """The query string made of `parameters` only, each once (the last value, as a form reads it), in name order;
    empty values dropped."""
    kept = QueryDict(mutable=True)
    for name in sorted(parameters):
        value = query_dict.get(name, "")
        if value != "":
            kept[name] = value
    return kept.urlencode()


def _normalise(request, parameters):
    """Give the view the normalised query string, as the key names it."""
    query = normalised_query(request.GET, parameters)
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


def page_key(request, variant=""):
    return _key(PAGE_PREFIX, f"{request.get_full_path()}\n{variant}")


# --- What may be kept -------------------------------------------------------------------------------------------


def is_anonymous_request(request):
    """Whether nothing in this request can make the page personal."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def is_shareable_response(request, response):
    """Whether this response may be given to any anonymous visitor: a complete page that sets no cookie, does not
    ask not to be kept, and holds no CSRF token."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _holds_csrf_token(value):
    if isinstance(value, str):
        return "csrfmiddlewaretoken" in value
    if isinstance(value, dict):
        return any(_holds_csrf_token(item) for item in value.values())
    return False


@contextlib.contextmanager
def _collecting_moments():
    """Collect the clock moments named while building; they also reach whatever encloses this build."""
    outer = _moments.get()
    moments = []
    reset = _moments.set(moments)
    try:
        yield moments
    finally:
        _moments.reset(reset)
        if outer is not None:
            outer.extend(moments)


def _note_moments(moments):
    collecting = _moments.get()
    if collecting is not None:
        collecting.extend(moments)


def _timeout(moments):
    """Seconds an entry may live: PAGE_CACHE_SECONDS, cut short by the earliest moment it stops being true."""
    timeout = settings.PAGE_CACHE_SECONDS
    if moments:
        timeout = min(timeout, int(min(moments) - timezone.now().timestamp()))
    return timeout


def _private(response):
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, private=True)
    return response


# --- Whole pages ------------------------------------------------------------------------------------------------


def _public_page(version_names, parameters=(), variant=None):
    """Decorate a view whose page, for anonymous visitors, only changes with `version_names(request, *view args)` and
    the query-string `parameters`; `variant(request, *view args)` names what else it shows of the request."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            _normalise(request, parameters)
            if settings.PAGE_CACHE_SECONDS <= 0 or not is_anonymous_request(request):
                return _private(view(request, *args, **kwargs))
            names = version_names(request, *args, **kwargs)
            key = page_key(request, variant(request, *args, **kwargs) if variant else "")
            entry, tokens = _read(key, names)
            if entry is not None:
                response = HttpResponse(entry["body"], status=entry["status"])
                for header, value in entry["headers"]:
                    response[header] = value
                return response
            with _collecting_moments() as moments:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response.render()
            timeout = _timeout(moments)
            shareable = is_shareable_response(request, response)
            _private(response)
            if shareable and timeout > 0:
                headers = [[name, value] for name, value in response.items() if name.lower() != "content-length"]
                body = response.content.decode(response.charset)
                entry = {"versions": tokens, "status": response.status_code, "headers": headers, "body": body}
                cache.set(key, entry, timeout)
            return response

        return wrapper

    return decorator


home_page = _public_page(lambda request: [])
search_page = _public_page(lambda request: _search_versions(), SEARCH_PARAMETERS)
training_page = _public_page(_training_page_versions, variant=_training_page_variant)


# --- Fragments --------------------------------------------------------------------------------------------------


def _fragment(name, version_names, build):
    """`build()`'s value (a JSON value: an HTML fragment, a dict of them), kept under `name` while `version_names`
    hold. `build` may name, with `expires_at`, the moment its value stops being true by the clock alone."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    key = _key(FRAGMENT_PREFIX, name)
    entry, tokens = _read(key, version_names)
    if entry is not None:
        _note_moments(entry["moments"])
        return entry["value"]
    with _collecting_moments() as moments:
        value = build()
    timeout = _timeout(moments)
    # A form token is another request's: such a fragment is never kept (the fragment templates hold no form).
    if timeout > 0 and not _holds_csrf_token(value):
        cache.set(key, {"versions": tokens, "value": value, "moments": moments}, timeout)
    return value


def expires_at(moment):
    """Inside a fragment's `build`: what is being built stops being true at `moment` (a datetime, or None)."""
    if moment is not None:
        _note_moments([moment.timestamp() if isinstance(moment, datetime.datetime) else moment])


def search_results(request, build):
    """The search results below the form: the same for every visitor for one (normalised) query."""
    query = normalised_query(request.GET, SEARCH_PARAMETERS)
    return _fragment(f"search:{query}", _search_versions(), build)


def training_content(request, pk, slug, build):
    """A training's page below the header, for one audience: an anonymous visitor (whose "Me connecter" link comes
    back to the page), a signed-in élu, or staff (who may preview an unpublished training). The banner of the
    invitation the visitor followed is not part of it: the view adds it from the link's current state."""
    user = request.user
    audience = "staff" if user.is_staff else "elu" if user.is_authenticated else f"visitor:{request.get_full_path()}"
    name = f"training:{pk}:{slug}:{audience}"
    return _fragment(name, _training_versions(pk), build)


def training_sessions(training_pk, build):
    """The sessions part of a training's page: the same for every visitor, signed in or not."""
    return _fragment(f"training-sessions:{training_pk}", _training_versions(training_pk), build)


# --- What makes entries stale -----------------------------------------------------------------------------------


def _catalogue_changed(sender, **kwargs):
    bump_after_commit([CATALOGUE])


def catalogue_changed():
    """For a bulk change of the catalogue that sends no signal (a queryset update)."""
    bump_after_commit([CATALOGUE])


def _dossier_changed(sender, instance, **kwargs):
    if sender.session.is_cached(instance):
        training_id = instance.session.training_id
    else:
        training_id = Session.objects.filter(pk=instance.session_id).values_list("training_id", flat=True).first()
    bump_after_commit([SEATS, _training(training_id)])


def _invitation_changed(sender, instance, **kwargs):
    bump_after_commit([_invitation(instance.pk)])


def _invitations_revoked(sender, pks, **kwargs):
    bump_after_commit([_invitation(pk) for pk in pks])


def connect():
    for model in (Training, Session, Theme, Organiser):
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_delete")
    post_save.connect(_invitation_changed, sender=Invitation, dispatch_uid="page_cache_invitation_save")
    post_delete.connect(_invitation_changed, sender=Invitation, dispatch_uid="page_cache_invitation_delete")
    invitations.revoked.connect(_invitations_revoked, dispatch_uid="page_cache_invitations_revoked")
    # Dossiers are enrolment's: named, not imported (enrolment depends on trainings, not the reverse).
    post_save.connect(_dossier_changed, sender="enrolment.Dossier", dispatch_uid="page_cache_dossier_save")
    post_delete.connect(_dossier_changed, sender="enrolment.Dossier", dispatch_uid="page_cache_dossier_delete")
