"""The association's own face on the portal: its colour, logo and favicon, from settings.

The State's design system (Marianne, "bleu France") is reserved to State services: the portal wears the association's
identity instead. A sober default ships with the portal (static/img/); a deployment replaces it with
ASSOCIATION_COLOR, ASSOCIATION_LOGO, ASSOCIATION_FAVICON and ASSOCIATION_FAVICON_ICO (see docs/deployment.md).
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static

DEFAULT_COLOUR = "#1d4e6f"
# White text on the colour (buttons, the training page's header) and the colour as text on the portal's lightest
# backgrounds (links on white, the search form, the footer): WCAG AA for normal text, both ways.
BACKGROUNDS = ("#ffffff", "#f5f5fe", "#f6f6f6")
AA_CONTRAST = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def checked_colour(colour):
    """`colour` (#rrggbb), or ImproperlyConfigured when it is not one or would break WCAG AA contrast."""
    if not _HEX.match(colour or ""):
        raise ImproperlyConfigured(f"ASSOCIATION_COLOR must be a colour written #rrggbb, not {colour!r}.")
    worst = min(contrast_ratio(colour, background) for background in BACKGROUNDS)
    if worst < AA_CONTRAST:
        raise ImproperlyConfigured(
            f"ASSOCIATION_COLOR {colour} is too light: its contrast with white is {worst:.2f}:1, "
            f"WCAG AA needs {AA_CONTRAST}:1. Choose a darker shade."
        )
    return colour.lower()


def stylesheet(colour):
    """The CSS that gives the portal the association's colour (served as /association.css)."""
    return f":root {{ --dife-blue: {colour}; }}\n"


def stylesheet_version(colour):
    return hashlib.sha256(stylesheet(colour).encode()).hexdigest()[:12]


def asset_url(value):
    """A logo or favicon setting as a URL: a path under static/, or a URL already ("/media/logo.png")."""
    if value.startswith(("/", "http://", "https://")):
        return value
    return static(value)


@functools.cache
def _urls(colour, logo, favicon, favicon_ico):
    return {
        "stylesheet": f"/association.css?v={stylesheet_version(colour)}",
        "logo": asset_url(logo),
        "favicon": asset_url(favicon),
        "favicon_ico": asset_url(favicon_ico),
        "favicon_type": "image/svg+xml" if favicon.endswith(".svg") else "",
    }


def urls():
    """Where the pages find the association's stylesheet, logo and favicon."""
    return _urls(**settings.ASSOCIATION_BRANDING)
