import functools
import logging
import re

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@functools.cache
def database_errors():
    """Django's connection errors, and the driver's own: a connection lost while a result is being read in
    chunks (a select list of a form rendered in the template) reaches the view unwrapped."""
    errors = {OperationalError, InterfaceError}
    for alias in connections:
        driver = connections[alias].Database
        errors.update({driver.OperationalError, driver.InterfaceError})
    return tuple(errors)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection becomes a French 503 page, not a 500.

    Every change runs in a transaction, so a request cut off here has written nothing; Django drops
    the broken connection at the end of the request and the next request opens a new one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, database_errors()):
            logger.warning("database unavailable: %s", exception.__class__.__name__)
            # Rendered without the request: its context processors would read the session, from the very
            # database that is gone, and turn this page into a server error.
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "5"
            return response
        return None


# C0 and C1 control characters and DEL: nothing a person types in an address or a search box.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Where one may hide in a raw query string: itself, percent-encoded, or as the UTF-8 of a C1 character.
_MAYBE_CONTROL = re.compile(r"[\x00-\x1f\x7f]|%[01][0-9a-f]|%7f|%c2%[89]", re.IGNORECASE)


class ControlCharacterMiddleware:
    """A control character (NUL, line feed, escape…) in the path or in any query string gets the French 400 page,
    on the portal as on the admin, before any view, form or cache sees it.

    PostgreSQL can neither store nor compare text holding NUL, and no page has a use for the others: a value
    carrying them could only end as a server error or be echoed back into a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info) or self._control_in_query(request):
            logger.warning("Control character in the request address: refused")
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

    @staticmethod
    def _control_in_query(request):
        if not _MAYBE_CONTROL.search(request.META.get("QUERY_STRING", "")):
            return False
        return any(
            CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
            for key, values in request.GET.lists()
        )
