import pytest
from django.db import OperationalError
from django.test import RequestFactory

from dife_portal.middleware import DatabaseUnavailableMiddleware
from tests.factories import UserFactory
from tests.utils import page_text


@pytest.mark.django_db
def test_lost_database_connection_gives_a_french_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("trainings.views.render", broken)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "rien n'a été enregistré" in page_text(response)


@pytest.mark.django_db
def test_the_503_page_does_not_need_the_session_from_the_lost_database(client, monkeypatch):
    """The page is rendered without the request: reading the session would fail again and give a 500."""

    def broken(*args, **kwargs):
        raise OperationalError("the connection is closed")

    client.force_login(UserFactory())
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    response = client.get("/compte/profil/")
    assert response.status_code == 503
    assert "rien n'a été enregistré" in page_text(response)


def test_the_500_page_does_not_need_the_database_either(rf, monkeypatch):
    from dife_portal.views import server_error

    def broken(*args, **kwargs):
        raise OperationalError("the connection is closed")

    request = rf.get("/")
    request.session = type("BrokenSession", (), {"get": broken, "__getitem__": broken})()
    response = server_error(request)
    assert response.status_code == 500 and "Le service rencontre un problème" in response.content.decode()


@pytest.mark.django_db
def test_a_driver_error_read_unwrapped_from_a_lost_connection_is_a_503_too(client, monkeypatch):
    """A result read in chunks (a select list rendered in a template) raises the driver's own error."""
    from django.db import connection

    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("consuming input failed: server closed the connection")

    monkeypatch.setattr("trainings.views.render", broken)
    assert client.get("/").status_code == 503


def test_other_exceptions_are_left_to_django():
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/invitation/%00abc/",
        "/compte/activation/a%00b/",
        "/admin/enrolment/dossier/?state=%00",
        "/admin/accounts/identitydocument/?q=a%00b",
        "/admin/?%00=1",
    ],
)
def test_a_nul_character_in_a_path_or_an_admin_query_gets_the_french_400_page(client, url):
    """PostgreSQL cannot compare text holding NUL: these were server errors there (found by the fuzzing)."""
    client.force_login(UserFactory(superuser=True))
    response = client.get(url)
    assert response.status_code == 400
    assert "Cette demande ne peut pas être traitée" in page_text(response)


@pytest.mark.django_db
def test_the_portal_query_strings_are_left_to_their_forms(client):
    assert client.get("/formations/?q=a%00b").status_code == 200  # the search says why it ignores it
    assert client.get("/formations/?q=100%2500").status_code == 200
