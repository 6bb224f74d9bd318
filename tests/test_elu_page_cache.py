"""dife_portal/page_cache.cache_elu_page: a signed-in élu's pages served whole from the cache, without loading the
account from the database, and never once the account has changed, the élu has signed out, or to anyone else."""

import re

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from dife_portal import page_cache
from tests.factories import DossierFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("trainings:search")
MES_DOSSIERS = reverse("enrolment:list")
PASSWORD = "Un-mot-de-passe-2026!"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(params=["db", "cached_db", "cache"], ids=["database sessions", "cached_db sessions", "cache sessions"])
def session_engine(request, settings):
    """The database engine reads the session first; a cache-backed one comes in the same round trip as the page."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"
    return request.param


@pytest.fixture
def training_session():
    return SessionFactory(days_ahead=30, seats=3, training__title="Le budget communal")


@pytest.fixture
def elu():
    return UserFactory(password=PASSWORD)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries]


def signed_in_pages(training_session):
    return [SEARCH, f"{SEARCH}?q=budget", training_session.training.get_absolute_url(), MES_DOSSIERS]


def test_a_signed_in_elus_pages_come_whole_from_the_cache_without_loading_the_account(
    client, elu, training_session, session_engine
):
    DossierFactory(user=elu, session=training_session)
    client.force_login(elu)
    for url in signed_in_pages(training_session):
        built, _ = get(client, url)
        assert client.cookies[page_cache.ELU_COOKIE].value == str(elu.pk)
        served, queries = get(client, url)
        assert served.status_code == 200
        assert not [sql for sql in queries if "accounts_user" in sql], url
        # Database sessions: the session row only; cached_db and cache: nothing at all.
        assert len(queries) == (1 if session_engine == "db" else 0), url
        assert TOKEN.sub("", served.content.decode()) == TOKEN.sub("", built.content.decode())
        assert "Se déconnecter" in served.content.decode()
        assert "Cookie" in served["Vary"]


def test_every_page_served_carries_a_fresh_form_token_that_signs_out(elu, training_session, session_engine):
    client = Client(enforce_csrf_checks=True)
    client.force_login(elu)
    client.get(SEARCH)
    tokens = {TOKEN.search(client.get(SEARCH).content.decode()).group(1) for _ in range(3)}
    assert len(tokens) == 3  # masked anew each time, as Django does (BREACH)
    response = client.post(reverse("franceconnect:logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert client.cookies[page_cache.ELU_COOKIE].value == ""  # the élu cookie goes with the session
    assert "Se déconnecter" not in client.get(SEARCH).content.decode()


def _change_password(user):
    user.set_password("Un-autre-mot-de-passe-2026!")
    user.save()


def _deactivate_in_bulk(user):
    User.objects.filter(pk=user.pk).update(is_active=False)


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _delete(user):
    user.delete()


@pytest.mark.parametrize(
    "change",
    [_change_password, _deactivate, _deactivate_in_bulk, _delete],
    ids=["password changed", "deactivated", "deactivated by a bulk update", "deleted"],
)
def test_a_change_of_the_account_signs_the_elu_out_of_every_browser_at_once(
    client, elu, training_session, session_engine, change
):
    client.force_login(elu)
    for url in signed_in_pages(training_session):
        client.get(url)
    change(User.objects.get(pk=elu.pk))  # elsewhere: another browser, the back-office
    assert "Se déconnecter" not in client.get(SEARCH).content.decode()
    assert "Se déconnecter" not in client.get(training_session.training.get_absolute_url()).content.decode()
    assert client.get(MES_DOSSIERS).status_code == 302  # to the sign-in page


def test_an_old_session_cookie_replayed_after_signing_out_gets_no_signed_in_page(client, elu, session_engine):
    client.force_login(elu)
    client.get(SEARCH)
    stolen = dict(client.cookies.items())
    client.post(reverse("franceconnect:logout"))
    replay = Client()
    for name, morsel in stolen.items():
        replay.cookies[name] = morsel.value
    assert "Se déconnecter" not in replay.get(SEARCH).content.decode()
    assert replay.get(MES_DOSSIERS).status_code == 302


def test_the_elu_cookie_is_only_a_hint_checked_against_the_session(client, training_session, session_engine):
    first, second = UserFactory(), UserFactory()
    DossierFactory(user=first, session=training_session)
    client.force_login(first)
    assert "Le budget communal" in client.get(MES_DOSSIERS).content.decode()
    assert "Le budget communal" in client.get(MES_DOSSIERS).content.decode()

    other = Client()
    other.force_login(second)
    other.cookies[page_cache.ELU_COOKIE] = str(first.pk)  # claims to be the first élu
    for _ in range(2):
        page = other.get(MES_DOSSIERS)
        assert "Vous n'avez pas encore de dossier" in page.content.decode()
    assert other.cookies[page_cache.ELU_COOKIE].value == str(second.pk)  # corrected


def test_staff_are_never_served_the_elus_page_nor_stamped(client, training_session, session_engine):
    training_session.training.is_published = False
    training_session.training.save()
    url = training_session.training.get_absolute_url()
    elu, staff = UserFactory(), UserFactory(staff=True)
    client.force_login(elu)
    client.get(SEARCH)  # the élu is stamped: a preview kept under the élus' key would be served to it
    assert client.get(url).status_code == 404
    staff_browser = Client()
    staff_browser.force_login(staff)
    for _ in range(2):
        response, queries = get(staff_browser, url)
        assert response.status_code == 200 and "aperçu" in response.content.decode().lower()
        assert [sql for sql in queries if "accounts_user" in sql]  # staff are loaded from the database every time
        assert page_cache.ELU_COOKIE not in response.cookies
    assert client.get(url).status_code == 404


def test_a_flash_message_is_shown_once_and_never_kept_in_a_page(client, elu, training_session, session_engine):
    DossierFactory(user=elu, session=training_session)
    client.force_login(elu)
    client.get(SEARCH)
    client.post(reverse("enrolment:start", args=[training_session.pk]))  # "Vous avez déjà un dossier…", redirected
    notice = "Vous avez déjà un dossier pour cette session"
    assert notice in client.get(SEARCH).content.decode()
    assert notice not in client.get(SEARCH).content.decode()
    other = Client()
    other.force_login(UserFactory())
    assert notice not in other.get(SEARCH).content.decode()


def test_an_account_change_racing_with_the_load_retires_the_stamp_written_after_it(
    client, elu, monkeypatch, session_engine
):
    """The stamp is written with the account token read before the élu was loaded: a password changed between the
    load and the write leaves a stamp that no longer holds."""
    original = ModelBackend.get_user
    raced = []

    def get_user_then_change(backend, user_id):
        user = original(backend, user_id)
        if not raced:
            raced.append(True)
            _change_password(User.objects.get(pk=user_id))
        return user

    client.force_login(elu)
    monkeypatch.setattr(ModelBackend, "get_user", get_user_then_change)
    assert "Se déconnecter" in client.get(SEARCH).content.decode()  # loaded just before the change
    assert "Se déconnecter" not in client.get(SEARCH).content.decode()


def test_changing_the_password_in_one_browser_signs_the_others_out_while_it_browses_on(
    client, elu, training_session, session_engine
):
    """The browser that changed the password keeps browsing (and is stamped with the new password): an older session
    still names the account with the old password's hash, and is refused although the stamp is current."""
    other_browser = Client()
    other_browser.force_login(elu)
    client.force_login(elu)
    for browser in (client, other_browser):
        browser.get(SEARCH)
        assert "Se déconnecter" in browser.get(SEARCH).content.decode()
    new_password = "Un-autre-mot-de-passe-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    for _ in range(2):
        assert "Se déconnecter" in client.get(SEARCH).content.decode()
    assert "Se déconnecter" not in other_browser.get(SEARCH).content.decode()
    assert other_browser.get(MES_DOSSIERS).status_code == 302


def test_the_elu_cookie_holds_the_account_number_only_for_as_long_as_a_session_and_is_on_the_privacy_page(
    client, elu, settings
):
    client.force_login(elu)
    client.get(SEARCH)
    morsel = client.cookies[page_cache.ELU_COOKIE]
    assert morsel.value == str(elu.pk)
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == settings.SESSION_COOKIE_AGE
    privacy = client.get(reverse("privacy")).content.decode()
    assert "le numéro de votre compte (rien d'autre)" in privacy.replace("&#x27;", "'")


def test_a_page_built_for_one_elu_is_served_to_another_with_a_token_that_works_for_that_other(
    training_session, session_engine
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    first.get(SEARCH)  # built and kept
    second.get(SEARCH)  # stamps the second élu
    with CaptureQueriesContext(connection) as queries:
        page = second.get(SEARCH).content.decode()
    assert not [sql for sql in queries if "accounts_user" in sql]
    response = second.post(reverse("franceconnect:logout"), {"csrfmiddlewaretoken": TOKEN.search(page).group(1)})
    assert response.status_code == 302
    assert "Se déconnecter" in first.get(SEARCH).content.decode()  # the first élu is still signed in


def test_every_sign_out_removes_the_elu_cookie(client, elu, session_engine):
    client.force_login(elu)
    client.get(SEARCH)
    assert client.cookies[page_cache.ELU_COOKIE].value == str(elu.pk)
    client.post(reverse("accounts:logout"))  # the portal's other sign-out (and the back-office's)
    assert client.cookies[page_cache.ELU_COOKIE].value == ""


def test_a_browser_claiming_an_account_creates_nothing_in_the_cache(client, session_engine):
    from django.core.cache import cache  # the tests' local-memory cache: its keys can be listed

    client.cookies["sessionid"] = "a" * 32
    client.cookies[page_cache.ELU_COOKIE] = "987654321"
    for url in (SEARCH, MES_DOSSIERS):
        client.get(url)
    assert cache._cache and not [key for key in cache._cache if "987654321" in key]


def test_a_page_loaded_from_data_before_the_commit_is_retired_when_the_account_change_commits(
    client, elu, monkeypatch, django_capture_on_commit_callbacks, session_engine
):
    """The token is replaced at once and again after the commit: a request that loaded the account between the two
    (the change not yet committed, so the old password) wrote a stamp that the second replacement retires."""
    client.force_login(elu)
    client.get(SEARCH)
    before_the_change = User.objects.get(pk=elu.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _change_password(User.objects.get(pk=elu.pk))
        # Another request, reading the database before the commit, still sees the old password.
        monkeypatch.setattr(ModelBackend, "get_user", lambda backend, user_id: before_the_change)
        assert "Se déconnecter" in client.get(SEARCH).content.decode()
        monkeypatch.undo()
    assert "Se déconnecter" not in client.get(SEARCH).content.decode()
