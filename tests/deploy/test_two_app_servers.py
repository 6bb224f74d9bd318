"""Two gunicorn app servers behind one PostgreSQL and one Redis: the app keeps no state of its own.

A browser (one cookie jar) talks to either server, as behind a load balancer: it signs in through one
and is signed in on the other (sessions live in the shared cache, not in a process), signs out through
one and is signed out on both, and a lockout earned half on each server holds on both (django-axes
counts failures in the database).
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "Equipe-Portail-2026!"
# One SECRET_KEY for both servers, as in any deployment with several app servers.
SECRET_KEY = secrets.token_urlsafe(50)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def production_env(port, access_log):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("HTTPS", None)
    env.update(
        DJANGO_SETTINGS_MODULE="dife_portal.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        CACHE_URL=REDIS_URL,
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        # No collectstatic here: plain storage, so that admin pages render without a manifest.
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        WEB_CONCURRENCY="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG=str(access_log),
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


@pytest.fixture
def servers(transactional_db, redis_client, tmp_path):
    """Two gunicorn processes on two ports, same database, same Redis, same SECRET_KEY."""
    started = []
    for name in ("a", "b"):
        port, access_log = free_port(), tmp_path / f"access-{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "dife_portal.wsgi"],
            cwd=ROOT,
            env=production_env(port, access_log),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append((f"http://127.0.0.1:{port}", process, access_log))
    try:
        deadline = time.monotonic() + 60
        for url, process, _ in started:
            while True:
                try:
                    if requests.get(f"{url}/sante/", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{process.stderr.read().decode() if process.stderr else ''}")
                time.sleep(0.1)
        yield started
    finally:
        for _, process, _ in started:
            process.send_signal(signal.SIGTERM)
        for _, process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def staff_user(email):
    # The servers run the production hashers: store a PBKDF2 hash (few iterations: fast to check).
    user = UserFactory(email=email, staff=True, superuser=True)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def login_form(browser, server):
    response = browser.get(f"{server}/admin/login/?next=/admin/", timeout=10)
    assert response.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def sign_in(browser, server, email, password, form_server=None):
    token = login_form(browser, form_server or server)
    return browser.post(
        f"{server}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password, "next": "/admin/"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_session_opened_on_one_server_is_valid_on_the_other(servers, redis_client):
    (a, _, log_a), (b, _, log_b) = servers
    staff_user("equipe@amil.example")
    browser = requests.Session()

    # Form from A, credentials posted to B: CSRF and sign-in do not depend on which server answers.
    response = sign_in(browser, b, "equipe@amil.example", PASSWORD, form_server=a)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"

    # Signed in on A with the session B created; it lives in Redis, not in the database.
    page = browser.get(f"{a}/admin/", allow_redirects=False, timeout=10)
    assert page.status_code == 200
    assert "Back-office de la Maison des Maires" in page.text
    session_key = browser.cookies["sessionid"]
    assert redis_client.exists(f":1:django.contrib.sessions.cache{session_key}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        assert cursor.fetchone()[0] == 0

    # Signed out through A: signed out on B as well.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    logout = browser.post(f"{a}/admin/logout/", data={"csrfmiddlewaretoken": token}, timeout=10)
    assert logout.status_code == 200
    after = browser.get(f"{b}/admin/", allow_redirects=False, timeout=10)
    assert after.status_code == 302 and after.headers["Location"].startswith("/admin/login/")
    assert not redis_client.exists(f":1:django.contrib.sessions.cache{session_key}")

    # The access logs of both servers hold no address, no cookie, no query string, no token.
    token_path = "/formations/invitation/" + secrets.token_urlsafe(24) + "/"
    assert browser.get(f"{b}{token_path}?email=elu@example.fr", timeout=10).status_code == 404
    # Gunicorn writes the access line just after sending the response: give it a moment.
    deadline = time.monotonic() + 5
    while ":jeton/" not in (logs := log_a.read_text() + log_b.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert '"GET /admin/"' in logs and "/formations/invitation/:jeton/" in logs
    for secret in ("127.0.0.1", session_key, browser.cookies["csrftoken"], "elu@example.fr", token_path):
        assert secret not in logs


def test_a_lockout_earned_on_both_servers_holds_on_both(servers, settings):
    (a, _, _), (b, _, _) = servers
    staff_user("cible@amil.example")
    browser = requests.Session()
    statuses = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        server = (a, b)[attempt % 2]
        statuses.append(sign_in(browser, server, "cible@amil.example", "mauvais-mot-de-passe").status_code)
    # Failures counted across both servers: the last one locks the account out.
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    # Even the right password is refused now, on either server.
    for server in (a, b):
        response = sign_in(browser, server, "cible@amil.example", PASSWORD)
        assert response.status_code == 429


def test_an_invitation_and_a_sent_dossier_show_on_both_servers_at_once(servers, redis_client, settings):
    """The invitation cookie is signed with the shared SECRET_KEY; the page caches share their versions in Redis."""
    from enrolment import services
    from tests.factories import DossierFactory, InvitationFactory, MandateFactory, SessionFactory

    (a, _, _), (b, _, _) = servers
    redis_client.flushdb()
    session = SessionFactory(days_ahead=30, seats=3, training__title="Le budget communal")
    invitation = InvitationFactory(
        training=session.training, collectivite__name="Amboise", collectivite__kind="commune"
    )
    path = session.training.get_absolute_url()

    browser = requests.Session()
    followed = browser.get(f"{a}/invitation/{invitation.token}/", allow_redirects=False, timeout=10)
    assert followed.status_code == 302 and followed.headers["Location"] == path
    assert "sessionid" not in browser.cookies  # following a link writes no session
    for server in (a, b):
        page = browser.get(f"{server}{path}", timeout=10).text
        assert "transmise à la commune d&#x27;Amboise" in page and "3 places disponibles sur 3" in page
        assert "3 places disponibles sur 3" in requests.get(f"{server}{path}", timeout=10).text  # anonymous, cached
    invitation.refresh_from_db()
    assert invitation.open_count == 1

    # A dossier sent (by this process, against the same Redis as the servers): both servers' pages show it at once.
    settings.CACHES = {"default": {"BACKEND": "dife_portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    elu = UserFactory(franceconnect=True)
    MandateFactory(user=elu)
    services.submit(DossierFactory(user=elu, session=session), by=elu)
    for server in (a, b):
        assert "2 places disponibles sur 3" in browser.get(f"{server}{path}", timeout=10).text
        assert "2 places disponibles sur 3" in requests.get(f"{server}{path}", timeout=10).text


def elu_user(email):
    user = UserFactory(email=email)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def sign_in_elu(server, email, password):
    browser = requests.Session()
    form = browser.get(f"{server}/compte/connexion/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = browser.post(
        f"{server}/compte/connexion/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return browser


def test_a_password_changed_on_one_server_signs_the_elus_other_browsers_out_on_both(servers, redis_client):
    """A password changed through one server signs every other browser of that élu out, on both servers."""
    (a, _, _), (b, _, _) = servers
    elu_user("elue@amil.example")
    phone, computer = sign_in_elu(a, "elue@amil.example", PASSWORD), sign_in_elu(b, "elue@amil.example", PASSWORD)
    for browser in (phone, computer):
        for server in (a, b, a, b):
            page = browser.get(f"{server}/formations/", timeout=10)
            assert page.status_code == 200 and "Se déconnecter" in page.text

    form = computer.get(f"{b}/compte/profil/mot-de-passe/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    new_password = "Autre-Mot-De-Passe-2026!"
    changed = computer.post(
        f"{b}/compte/profil/mot-de-passe/",
        data={
            "csrfmiddlewaretoken": token,
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert changed.status_code == 302
    for server in (a, b):
        assert "Se déconnecter" not in phone.get(f"{server}/formations/", timeout=10).text
        assert phone.get(f"{server}/dossiers/", allow_redirects=False, timeout=10).status_code == 302
    # The computer browses on (its session was updated with the new password); the phone's still names the old one.
    for server in (a, b, a, b):
        assert "Se déconnecter" in computer.get(f"{server}/formations/", timeout=10).text
        assert "Se déconnecter" not in phone.get(f"{server}/formations/", timeout=10).text
