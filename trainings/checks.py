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
