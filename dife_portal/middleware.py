import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
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
