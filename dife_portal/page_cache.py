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

`cache_elu_page` serves a signed-in élu's page whole, without loading the élu from the database: see its docstring
for what stands in for that load (an "auth stamp" retired by every change of the élu's account).

The key holds the full path with its query string, the Paris date (registration deadlines move at midnight) and
the release (`RELEASE`, so that a deployment starts with fresh pages). An entry is served only while the version
tokens it was rendered under are still current: whoever changes what a page shows replaces the token (see
`trainings.catalogue_cache`). Every entry also expires after `PAGE_CACHE_SECONDS` (0 turns the cache off).
Served pages carry `Vary: Cookie`, so that a shared cache in front never gives a signed-in élu the anonymous page.
"""

import contextlib
import contextvars
import functools
import hashlib
import re
import uuid

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.functional import empty

from trainings.deadlines import paris_today

PREFIX = "page"
FRAGMENT_PREFIX = "fragment"
VERSION_PREFIX = "page-version"
ELU_PREFIX = "elu-page"
STAMP_PREFIX = "auth-stamp"
# Which élu a browser signed in as (the account number, nothing else): tells which keys to fetch with the session.
ELU_COOKIE = "dife_elu"
# Where a form token goes in a stored élu page: a NUL never reaches a page otherwise (NullCharacterMiddleware).
CSRF_SLOT = b"\x00csrf\x00"
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
_CSRF_INPUT_SLOT = b'name="csrfmiddlewaretoken" value="' + CSRF_SLOT + b'"'
# A version token outlives every entry read under it (PAGE_CACHE_SECONDS at most) by far; one that expires is
# replaced by a new one, which only retires entries. Tokens for any number in a URL do not pile up for ever.
VERSION_SECONDS = 24 * 3600
# An auth stamp is trusted this long after the élu was last loaded from the database: the bound on how long an
# account change could go unseen if Redis dropped the write that retires it (see `cache_elu_page`).
AUTH_STAMP_SECONDS = 30
# The moments (clock alone) at which the fragments a page was built from stop being true: see `cached_fragment`.
_fragment_moments = contextvars.ContextVar("fragment_moments", default=None)
# The version names changed so far in a `coalesced_bumps()` block.
_bump_batch = contextvars.ContextVar("bump_batch", default=None)


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
    commit, is stored under a token that the second replacement retires. Inside `coalesced_bumps()`, "at once" is
    the end of that block."""
    batch = _bump_batch.get()
    if batch is not None:
        batch.update(names)
        return
    bump(names)
    transaction.on_commit(lambda: bump(names), robust=True)


@contextlib.contextmanager
def coalesced_bumps():
    """Gather the `bump_after_commit` calls of a block that runs inside a transaction: one replacement of all their
    tokens when the block ends (before the commit) and one after the commit, instead of two per change.

    As safe as bumping at each change: until the commit, other requests only read the data from before it, and
    whatever they store under the tokens they read is retired by the replacement after the commit. A block left by
    an exception changed nothing (its transaction rolls back) and bumps nothing. Nested blocks join the outer one.
    """
    if _bump_batch.get() is not None:
        yield
        return
    names = set()
    reset = _bump_batch.set(names)
    try:
        yield
    finally:
        _bump_batch.reset(reset)
    if names:
        bump_after_commit(sorted(names))


def elu_version(user_pk):
    """The version name every change of an élu's account replaces (accounts.models.user: save, update, delete)."""
    return f"user:{user_pk}"


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
        if moments is not None:  # a whole page built from this fragment (cache_elu_page) must not outlive it
            moments.append(until)
        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
    if entry is not None:
        return value
    # A form token is another request's: such a fragment is never kept (the fragment templates hold no form).
    if timeout > 0 and not _holds_csrf_token(value):
        cache.set(key, {"versions": tokens, "value": value}, timeout)
    return value


# --- Signed-in élus ---------------------------------------------------------------------------------------------


@functools.cache
def _secret_fingerprint():
    """Which SECRET_KEY the session hashes in a stamp were made with: a new key (sessions ended) finds no stamp."""
    return hashlib.sha256(f"auth-stamp:{settings.SECRET_KEY}".encode()).hexdigest()[:12]


def _stamp_key(user_pk):
    return ":".join([STAMP_PREFIX, site(), _secret_fingerprint(), user_pk])


def _may_be_served_a_stored_elu_page(request):
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        # A flash message waits: shown once, on a page built now. (An emptied cookie is one a browser has deleted.)
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _elu_in(session):
    """(user pk, session auth hash) of the élu signed in by `session` (a session or its data), else None.

    The session alone is not trusted: the caller also needs the élu's current auth stamp (see `cache_elu_page`).
    """
    if session is None:
        return None
    user_pk = session.get(SESSION_KEY)
    auth_hash = session.get(HASH_SESSION_KEY)
    # (A flash message kept in the session is read only when the messages cookie says so: such a request never
    # comes here, see `_may_be_served_a_stored_elu_page`.)
    if not user_pk or not auth_hash or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    return str(user_pk), auth_hash


def _session_cache_key(request):
    """Where a cache-backed session engine (cached_db, cache) keeps this request's session in the default cache, so
    that the session comes in the same round trip as the page; None for the database engine."""
    store = request.session
    if settings.SESSION_CACHE_ALIAS != "default" or store.session_key is None:
        return None
    return getattr(store, "cache_key", None)


def _elu_hint(request):
    """The élu the browser says it is (ELU_COOKIE): only which keys to fetch — the session fetched with them decides."""
    value = request.COOKIES.get(ELU_COOKIE, "")
    return value if value.isdigit() and len(value) <= 18 else None


def _loaded_user(request):
    """The user the request loaded while the view ran (never loads it)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is empty else wrapped


def _with_csrf_slots(content):
    """`content` with each form token replaced by a slot, or None when a token may be elsewhere than in a form."""
    slotted, count = _CSRF_INPUT.subn(_CSRF_INPUT_SLOT, content)
    return slotted if content.count(b"csrfmiddlewaretoken") == count else None


def _with_csrf_tokens(request, content):
    """A stored page with a fresh form token (masked anew, as Django does for every page) in each slot."""
    parts = content.split(CSRF_SLOT)
    return parts[0] + b"".join(get_token(request).encode() + part for part in parts[1:])


def cache_elu_page(version_names=(), variant=None, personal_versions=None):
    """Decorate a view whose page, for every signed-in élu, only changes with `version_names` (the same for all
    élus: header, catalogue) — or also with `personal_versions(user_pk)` (names about that élu: "Mes dossiers").

    A signed-in élu is normally known by loading the élu from the database on every request, to check the session
    against the password hash and the account being active: that load, and building the page, are most of what a
    signed-in page costs. Here one cache round trip fetches the session, the stored page and the élu's **auth
    stamp**: the session hash and the account's version token ("user:<pk>") as they were the last time the élu was
    loaded from the database. The stored page is served only if the session names that élu, the stamp's token is
    still current and its hash is the session's. Every change of the account (save, queryset update, delete:
    accounts.models.user) replaces the token at once and again after commit, so a password change, a deactivation
    or a deletion signs the élu out of every browser on the next request, as without this cache; a logout deletes
    the session itself. The stamp is written with the token read *before* the élu was loaded, so a change racing
    with the load retires it. Staff, and any request that is not a plain GET from a signed-in élu, go through the
    view.

    Which élu's keys to fetch with the session comes from ELU_COOKIE (set on a page built for the élu, removed at
    sign-out): only a hint, checked against the session. Without it, or with the database session engine, the
    session is read first (one more round trip).

    The stored page holds a slot where each form token was (the "Se déconnecter" form): each request gets a freshly
    masked token of its own CSRF cookie. The entry does not outlive the moments the page's fragments named (a seat
    offer running out); like public pages, it names the Paris date and the release in its key.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if settings.PAGE_CACHE_SECONDS <= 0 or not _may_be_served_a_stored_elu_page(request):
                return view(request, *args, **kwargs)
            hint = _elu_hint(request)
            session_key = _session_cache_key(request) if hint else None
            if session_key:
                user_pk = hint
            else:
                elu = _elu_in(request.session)
                if elu is None:
                    return view(request, *args, **kwargs)
                user_pk = elu[0]
            names = list(version_names(*args, **kwargs) if callable(version_names) else version_names)
            audience = "elu"
            if personal_versions is not None:
                names += personal_versions(user_pk)
                audience = f"elu:{user_pk}"
            extra = variant(request, *args, **kwargs) if variant else ""
            key = page_key(request, f"{audience}\n{extra}", prefix=ELU_PREFIX)
            stamp_key = _stamp_key(user_pk)
            account = elu_version(user_pk)
            keys = [key, stamp_key, *(_version_key(name) for name in [*names, account])]
            found = cache.get_many([*keys, session_key] if session_key else keys)
            elu = _elu_in(found.get(session_key)) if session_key else elu
            if elu is None or elu[0] != user_pk:
                # No such session in the cache (or not this élu's): Django decides, nothing is kept, and no token is
                # created for a number a browser merely claimed.
                return _with_elu_cookie(request, view(request, *args, **kwargs))
            *page_tokens, account_token = _current(found, [*names, account])
            stamp, entry = found.get(stamp_key), found.get(key)
            if (
                stamp is not None
                and stamp["version"] == account_token
                and constant_time_compare(stamp["hash"], elu[1])
                and entry is not None
                and entry["versions"] == page_tokens
            ):
                response = HttpResponse(_with_csrf_tokens(request, entry["content"]), status=entry["status"])
                for header, value in entry["headers"]:
                    response[header] = value
                patch_vary_headers(response, ("Cookie",))  # the session was read from the cache, not through Django
                return _remember_elu(request, response, user_pk)
            return _build_elu_page(request, view, args, kwargs, user_pk, key, stamp_key, page_tokens, account_token)

        return wrapper

    return decorator


def _build_elu_page(request, view, args, kwargs, user_pk, key, stamp_key, page_tokens, account_token):
    """The view's page, kept under `key` when it was built for élu `user_pk`, whose stamp is (re)written."""
    # The stamp must hold what the database said *after* `account_token` was read: a user loaded earlier (by a
    # middleware) may predate it, and then no stamp is written.
    loaded_before = _loaded_user(request) is not None
    moments = []
    reset = _fragment_moments.set(moments)
    try:
        response = _rendered(view(request, *args, **kwargs))
    finally:
        _fragment_moments.reset(reset)
    user = _loaded_user(request)
    if loaded_before or user is None or not user.is_authenticated or user.is_staff or str(user.pk) != user_pk:
        return _with_elu_cookie(request, response)
    cache.set(stamp_key, {"version": account_token, "hash": user.get_session_auth_hash()}, AUTH_STAMP_SECONDS)
    timeout = settings.PAGE_CACHE_SECONDS
    if moments:
        timeout = min(timeout, int((min(moments) - timezone.now()).total_seconds()))
    content = _with_csrf_slots(response.content) if _is_storable(response) else None
    if content is not None and timeout > 0:
        headers = [(header, value) for header, value in response.items() if header.lower() != "content-length"]
        entry = {"versions": page_tokens, "status": response.status_code, "headers": headers, "content": content}
        cache.set(key, entry, timeout)
    return _remember_elu(request, response, user_pk)


def _with_elu_cookie(request, response):
    """`response`, remembering the élu the view loaded (if any, and not staff) in ELU_COOKIE."""
    user = _loaded_user(request)
    if user is not None and user.is_authenticated and not user.is_staff:
        return _remember_elu(request, response, str(user.pk))
    return response


def _remember_elu(request, response, user_pk):
    """Set ELU_COOKIE to `user_pk` unless the browser already sends it."""
    if request.COOKIES.get(ELU_COOKIE) != user_pk:
        response.set_cookie(
            ELU_COOKIE,
            user_pk,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def forget_elu(response):
    """Remove ELU_COOKIE (at sign-out: dife_portal.middleware.ForgetEluCookieMiddleware)."""
    response.delete_cookie(ELU_COOKIE, samesite="Lax")
    return response
