import pytest
from django.db import OperationalError
from django.test import RequestFactory

from dife_portal.middleware import DatabaseUnavailableMiddleware
from tests.utils import page_text


@pytest.mark.django_db
def test_lost_database_connection_gives_a_french_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("dife_portal.views.render", broken)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "rien n'a été enregistré" in page_text(response)


def test_other_exceptions_are_left_to_django():
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None
