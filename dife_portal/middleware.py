import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


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
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("database unavailable: %s", exception.__class__.__name__)
            # Rendered without the request: its context processors would read the session, from the very
            # database that is gone, and turn this page into a server error.
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "5"
            return response
        return None


class NullCharacterMiddleware:
    """An address holding a NUL character (in the path or the query string) gets the French 400 page.

    PostgreSQL can neither store nor compare text holding NUL: such a value reaching a query (a link token,
    an admin filter) would end as a server error. Forms refuse NUL in what they validate; this covers the
    values views read straight from the address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        nul_in_query = ("%00" in query or "\x00" in query) and self._has_nul(request.GET)  # decoded only if hinted
        if "\x00" in request.path_info or nul_in_query:
            logger.warning("NUL character in the request address: refused")
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

    @staticmethod
    def _has_nul(params):
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())
