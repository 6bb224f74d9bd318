"""The real HTTP stack for the load and fault tests: gunicorn (deploy/gunicorn.conf.py, production settings)
on a free loopback port, against the test database, with élus signed in by benchmarks/fixtures.py."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "dife-security-test"  # the killer only touches connections with this name


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(application_name=APPLICATION_NAME):
    """The pytest-django test database (test_<name>), as gunicorn must reach it."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}?application_name={application_name}"


@contextmanager
def gunicorn(tmp_path, workers=2, threads=4, **env):
    """Start gunicorn with production settings; yield (base URL, process, access-log path); stop it."""
    port, access_log = free_port(), tmp_path / "access.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "HTTPS"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="dife_portal.settings",
        DEBUG="0",
        # The test process signs the élus' sessions in: the server must share its secret.
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private_media"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG=str(access_log),
        GUNICORN_ERROR_LOG=str(tmp_path / "error.log"),
        LOG_LEVEL="WARNING",
    )
    environment.update({k: str(v) for k, v in env.items()})
    output = open(tmp_path / "output.log", "wb")  # the app's own log lines (console handler)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "dife_portal.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/sante/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (tmp_path / "error.log").read_text() if (tmp_path / "error.log").exists() else ""
                raise RuntimeError(f"gunicorn did not start:\n{log[-3000:]}")
            time.sleep(0.1)
        yield url, process, access_log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


def signed_in(user):
    """A session cookie and CSRF secret for `user` (benchmarks/fixtures.py, the benchmark's own machinery)."""
    from benchmarks.fixtures import signed_in as bench_signed_in

    return bench_signed_in(user)


def send(base_url, credentials, dossier_pk, timeout=60):
    """Click "Envoyer mon dossier" as the signed-in élu, through HTTP."""
    return requests.post(
        f"{base_url}/dossiers/{dossier_pk}/envoyer/",
        data={"csrfmiddlewaretoken": credentials["csrf"]},
        headers={"Cookie": credentials["cookie"]},
        allow_redirects=False,
        timeout=timeout,
    )


def access_log_statuses(path):
    """Status codes gunicorn logged (format: [time] "METHOD /path" status bytes timems)."""
    text = path.read_text() if path.exists() else ""
    return [int(m) for m in re.findall(r'" (\d{3}) ', text)]
