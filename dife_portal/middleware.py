import functools
import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import reverse

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


class NullCharacterMiddleware:
    """A NUL character in the path, or in the query string of an admin page, gets the French 400 page.

    PostgreSQL can neither store nor compare text holding NUL: such a value reaching a query (a link token
    in the path, an admin list filter) would end as a server error. The portal's own query-string views
    read their parameters through forms, which refuse NUL with a French message (the search says it and
    ignores the criterion), so their query strings are left to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or (
            request.path_info.startswith(self._admin_prefix()) and self._nul_in_query(request)
        ):
            logger.warning("NUL character in the request address: refused")
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

    @staticmethod
    @functools.cache
    def _admin_prefix():
        return reverse("admin:index")

    @staticmethod
    def _nul_in_query(request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" not in query and "\x00" not in query:
            return False
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())
