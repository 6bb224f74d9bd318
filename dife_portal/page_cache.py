"""Whole-page cache of the public pages for visitors who cannot see anything personal.

A request is served from (and stored in) the cache only when nothing on the page can depend on who asks: a GET
without a session cookie (so no signed-in élu, no flash message kept in the session) and without a messages cookie.
What a page shows of the invitation link the visitor followed (a signed cookie, not the session: see
`trainings.invitations`) is a *variant* of the page: a view that shows it names it in the key (`variant=`), so an
élu who came through a mairie's link gets the cached page with that mairie's banner. A response is stored only
when it is not personal either: status 200, no cookie set, no CSRF token used while rendering it, no
`Cache-Control: private/no-store`.

`cached_fragment` caches, under the same rules, the part of a page that is the same for everyone when the page
around it is not (a session holding a flash message, staff, a signed-in page being rebuilt).

The key holds the full path with its query string, the Paris date (registration deadlines move at midnight) and
the release (`RELEASE`, so that a deployment starts with fresh pages). An entry is served only while the version
tokens it was rendered under are still current: whoever changes what a page shows replaces the token (see
`trainings.catalogue_cache`). Every entry also expires after `PAGE_CACHE_SECONDS` (0 turns the cache off).
Served pages carry `Vary: Cookie`, so that a shared cache in front never gives a signed-in élu the anonymous page.
"""

import contextvars
import functools
import hashlib
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from trainings.deadlines import paris_today

PREFIX = "page"
FRAGMENT_PREFIX = "fragment"
VERSION_PREFIX = "page-version"
# A version token outlives every entry read under it (PAGE_CACHE_SECONDS at most) by far; one that expires is
# replaced by a new one, which only retires entries. Tokens for any number in a URL do not pile up for ever.
VERSION_SECONDS = 24 * 3600
# The moments (clock alone) at which the fragments a page was built from stop being true: see `cached_fragment`.
_fragment_moments = contextvars.ContextVar("fragment_moments", default=None)


def is_anonymous_request(request):
    """Whether nothing in this request can make the page personal."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _is_storable(response):
    """A complete page that sets no cookie and does not ask not to be kept."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def is_shareable_response(request, response):
    """Whether this response may be given to any anonymous visitor: storable, and no CSRF token in it."""
    return _is_storable(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def _rendered(response):
    """The response with its content (a TemplateResponse is rendered)."""
    if hasattr(response, "render") and callable(response.render):
        return response.render()
    return response


def _version_key(name):
    return f"{VERSION_PREFIX}:{name}"


def _new_token():
    return uuid.uuid4().hex


def _current(found, names):
    """The token of each name in `found` (a get_many answer); a missing token is created, never an old value."""
    tokens = []
    for name in names:
        key = _version_key(name)
        if key not in found:
            # A token lost (evicted, expired) is replaced by a new one, never by a value an older entry may carry.
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
    """Give each version a new token: every page cached under the old ones is no longer served.

    Redis being down never stops what changed the data (an élu sending a dossier): the backend drops the write
    (dife_portal/redis_cache.py), what it held is unreachable too, and entries expire within PAGE_CACHE_SECONDS.
    """
    if names:
        cache.set_many({_version_key(name): _new_token() for name in names}, timeout=VERSION_SECONDS)


def bump_after_commit(names):
    """`bump` at once and again once the transaction commits: a page rendered in between, from the data before the
    commit, is stored under a token that the second replacement retires."""
    bump(names)
    transaction.on_commit(lambda: bump(names), robust=True)


def _read(key, names):
    """(the entry under `key` if its versions are current, else None; the current tokens) — one round trip."""
    found = cache.get_many([key, *(_version_key(name) for name in names)])
    tokens = _current(found, names)
    entry = found.get(key)
    return (entry if entry is not None and entry["versions"] == tokens else None), tokens


def site_of(database):
    """Which portal's data a key is about (its database): two portals sharing one Redis (staging and production
    without CACHE_KEY_PREFIX) never serve each other's pages, nor one élu's list to the élu with the same number."""
    where = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{database['NAME']}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


@functools.cache
def site():
    return site_of(settings.DATABASES["default"])


def _key(prefix, text):
    """The cache key of `text` (a path, a fragment's name): this portal, this release, today in Paris."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return ":".join([prefix, site(), settings.RELEASE, paris_today().isoformat(), digest])


def page_key(request, variant="", prefix=PREFIX):
    return _key(prefix, f"{request.get_full_path()}\n{variant}")


def _holds_csrf_token(value):
    if isinstance(value, str):
        return "csrfmiddlewaretoken" in value
    if isinstance(value, dict):
        return any(_holds_csrf_token(item) for item in value.values())
    return False


def cache_public_page(version_names=(), variant=None):
    """Decorate a view whose page, for anonymous visitors, only changes with `version_names`.

    `version_names` is a list of names, or a callable taking the view's arguments and returning one. The entry keeps
    the tokens it was rendered under; one round trip reads the page and the current tokens together. `variant`, a
    callable taking the request and the view's arguments, returns what else the page shows of the request (a
    string, part of the key), for a page that differs from one anonymous visitor to another.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            timeout = settings.PAGE_CACHE_SECONDS
            if timeout <= 0 or not is_anonymous_request(request):
                return view(request, *args, **kwargs)
            names = list(version_names(*args, **kwargs) if callable(version_names) else version_names)
            key = page_key(request, variant(request, *args, **kwargs) if variant else "")
            entry, tokens = _read(key, names)
            if entry is not None:
                return entry["response"]
            response = _rendered(view(request, *args, **kwargs))
            if is_shareable_response(request, response):
                patch_vary_headers(response, ("Cookie",))
                cache.set(key, {"versions": tokens, "response": response}, timeout)
            return response

        return wrapper

    return decorator


def cached_fragment(name, version_names, build, expires_at=None):
    """`build()`'s value (an HTML fragment, or any picklable value), cached under `name` while `version_names` hold.

    For the part of a page that does not change from one request to the next when the page around it does (the
    header names the élu, a form carries a CSRF token): the search results, the sessions of a training, an élu's
    own list of dossiers (`name` then holds the élu's key). Same key rules as whole pages: the Paris date, the
    release, the version tokens, one round trip. `expires_at(value)` may return the moment the value stops being true
    by the clock alone (a seat offer running out): the entry does not outlive it. A fragment never holds a CSRF token.
    """
    timeout = settings.PAGE_CACHE_SECONDS
    if timeout <= 0:
        return build()
    names = list(version_names)
    key = _key(FRAGMENT_PREFIX, name)
    entry, tokens = _read(key, names)
    value = entry["value"] if entry is not None else build()
    until = expires_at(value) if expires_at else None
    if until is not None:
        moments = _fragment_moments.get()
        if moments is not None:  # a whole page built from this fragment must not outlive it
            moments.append(until)
        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
    if entry is not None:
        return value
    # A form token is another request's: such a fragment is never kept (the fragment templates hold no form).
    if timeout > 0 and not _holds_csrf_token(value):
        cache.set(key, {"versions": tokens, "value": value}, timeout)
    return value
