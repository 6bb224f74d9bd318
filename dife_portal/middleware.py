import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

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
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "5"
            return response
        return None
