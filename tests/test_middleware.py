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
        "/admin/enrolment/dossier/?q=a%0Ab",
        "/formations/?q=%00csrf%00",
        "/formations/?q=budget&lieu=Tours%1B",
        "/formations/?q=a%C2%85b",
        "/formations/?q=a%7Fb",
        "/formations/?q=a%09b",
        "/dossiers/?%0D=1",
        "/?x=%08",
    ],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in superuser"])
def test_a_control_character_in_a_path_or_any_query_gets_the_french_400_page(client, url, signed_in):
    """PostgreSQL cannot compare text holding NUL (server errors found by the fuzzing), and a NUL in the search
    reached a cached page (security finding 18.4): refused before any view, form or cache sees it."""
    if signed_in:
        client.force_login(UserFactory(superuser=True))
    for _ in range(2):  # the second answer is no cached page either
        response = client.get(url)
        assert response.status_code == 400
        assert "Cette demande ne peut pas être traitée" in page_text(response)
        assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.django_db
def test_ordinary_query_strings_reach_the_views(client):
    assert client.get("/formations/?q=100%2500").status_code == 200  # a percent sign, then "00"
    assert client.get("/formations/?q=%C3%A9lu+%E2%80%94+budget&lieu=Saint-Cyr-sur-Loire").status_code == 200
