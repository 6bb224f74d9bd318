from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def release_is_named(app_configs, **kwargs):
    """Cached pages and fragments are keyed on RELEASE: without it, a new release may be served what the previous
    one cached (for up to PAGE_CACHE_SECONDS), in a shape its code does not expect."""
    if settings.PAGE_CACHE_SECONDS > 0 and not settings.RELEASE:
        return [
            Warning(
                "RELEASE is empty while the page cache is on.",
                hint="Set RELEASE to the commit or version deployed (e.g. RELEASE=$(git rev-parse --short HEAD)), "
                "so that each deployment starts with no page or fragment cached by the previous code.",
                id="trainings.W001",
            )
        ]
    return []


def _redis_locations():
    cache = settings.CACHES["default"]
    if "redis" not in cache.get("BACKEND", "").lower():
        return []
    location = cache.get("LOCATION", "")
    return [urlsplit(url) for url in (location if isinstance(location, list | tuple) else location.split(","))]


@register(Tags.caches, Tags.security)
def redis_is_protected(app_configs, **kwargs):
    """In production, Redis holds the sessions, the lockout throttles and the cached pages: whoever can write to it
    can sign anyone in or change what élus read. It must ask for a password, and be reached over TLS when it is not
    on this machine (docs/deployment.md, §4)."""
    if settings.DEBUG:
        return []
    warnings = []
    for url in _redis_locations():
        if not url.password and not settings.CACHES["default"].get("OPTIONS", {}).get("password"):
            warnings.append(
                Warning(
                    "The Redis cache URL (CACHE_URL) has no password.",
                    hint="Create a Redis ACL user with a password and give it in the URL: "
                    "CACHE_URL=redis://portail:<mot de passe>@redis.internal:6379/0 (docs/deployment.md, §4).",
                    id="trainings.W002",
                )
            )
        if url.scheme != "rediss" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
            warnings.append(
                Warning(
                    "The Redis cache is on another machine and is reached without TLS.",
                    hint="Use a rediss:// URL (Redis with tls-port) when Redis is not on the same host.",
                    id="trainings.W003",
                )
            )
    return warnings
