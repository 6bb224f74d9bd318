"""deploy/gunicorn.conf.py: knobs from the environment, and an access log without personal data."""

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for key in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(CONF))


def test_workers_threads_and_bind_come_from_the_environment(monkeypatch):
    conf = load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4", GUNICORN_BIND="127.0.0.1:9001,[::1]:9001")
    assert conf["workers"] == 3 and conf["threads"] == 4 and conf["worker_class"] == "gthread"
    assert conf["bind"] == ["127.0.0.1:9001", "[::1]:9001"]


def test_defaults_are_loopback_sync_workers_per_core(monkeypatch):
    import multiprocessing

    conf = load(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert conf["worker_class"] == "sync" and conf["timeout"] == 30
    assert conf["accesslog"] == "-"
    assert load(monkeypatch, GUNICORN_ACCESS_LOG="")["accesslog"] is None


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/formations/12-budget-communal/", "/formations/12-budget-communal/"),
        ("/formations/invitation/Zk3v9QpL0aXyTr7uWm2sNb4c/", "/formations/invitation/:jeton/"),
        ("/compte/reinitialiser/MTIz/cdk0v2-4b1f6a0e2c9d8e7f6a5b4c3d2e1f0a9b/", "/compte/reinitialiser/MTIz/:jeton/"),
        ("/compte/profil/marie.durand@example.fr/", "/compte/profil/:adresse/"),
        ("", ""),
    ],
)
def test_token_like_path_segments_are_masked(monkeypatch, path, expected):
    assert load(monkeypatch)["redact_path"](path) == expected


def test_access_log_atoms_hold_no_address_agent_referrer_query_or_header(monkeypatch):
    from gunicorn.config import Config

    conf = load(monkeypatch)
    logger = conf["PrivacyLogger"](Config())
    environ = {
        "REMOTE_ADDR": "203.0.113.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/formations/invitation/Zk3v9QpL0aXyTr7uWm2sNb4c/?email=marie@example.fr",
        "PATH_INFO": "/formations/invitation/Zk3v9QpL0aXyTr7uWm2sNb4c/",
        "QUERY_STRING": "email=marie@example.fr",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_REFERER": "https://mairie.example/",
    }
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=secret-session")])
    response = SimpleNamespace(status="200 OK", headers=[("Set-Cookie", "csrftoken=secret-csrf")], sent=512)
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    line = conf["access_log_format"] % logger.atoms_wrapper_class(atoms)
    assert line.endswith('"GET /formations/invitation/:jeton/" 200 512 12ms')
    text = repr(atoms)
    for secret in ("203.0.113.7", "marie@example.fr", "Mozilla", "mairie.example", "secret-session", "secret-csrf"):
        assert secret not in text
