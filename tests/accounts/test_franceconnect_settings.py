"""FranceConnect settings: simulator only in development, real endpoints allowed by the CSP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.checks import franceconnect_over_https_in_production, franceconnect_simulator_only_in_debug

ROOT = Path(__file__).resolve().parents[2]


def test_the_simulator_refuses_to_run_without_debug(settings):
    settings.DEBUG, settings.FRANCECONNECT_SIMULATOR = False, True
    errors = franceconnect_simulator_only_in_debug(None)
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "accounts.E001" in [message.id for message in run_checks()]
    with pytest.raises(SystemCheckError, match="FRANCECONNECT_SIMULATOR is on while DEBUG is off"):
        call_command("check")


@pytest.mark.parametrize("debug, simulator", [(True, True), (False, False), (True, False)])
def test_no_complaint_otherwise(settings, debug, simulator):
    settings.DEBUG, settings.FRANCECONNECT_SIMULATOR = debug, simulator
    assert franceconnect_simulator_only_in_debug(None) == []


@pytest.mark.django_db
def test_the_simulator_is_not_served_by_default(client):
    assert client.get("/fc-simulateur/api/v2/jwks").status_code == 404


def settings_seen_with(**environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRANCECONNECT_", "DJANGO_"))}
    env.update(SECRET_KEY="x" * 50, **environment)
    script = (
        "import json; from dife_portal import settings as s; print(json.dumps({"
        "'apps': s.INSTALLED_APPS, 'issuer': s.FRANCECONNECT_ISSUER, 'client_id': s.FRANCECONNECT_CLIENT_ID, "
        "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_simulator_mode_points_the_client_at_the_simulator_on_site_url():
    seen = settings_seen_with(DEBUG="1", FRANCECONNECT_SIMULATOR="1", SITE_URL="http://127.0.0.1:8000")
    assert "fc_simulator" in seen["apps"]
    assert seen["issuer"] == "http://127.0.0.1:8000/fc-simulateur/api/v2"
    assert seen["client_id"]


def test_production_talks_to_the_configured_franceconnect_and_lets_forms_redirect_there():
    seen = settings_seen_with(
        DEBUG="0",
        FRANCECONNECT_ISSUER="https://oidc.franceconnect.gouv.fr/api/v2",
        FRANCECONNECT_CLIENT_ID="abc",
        FRANCECONNECT_CLIENT_SECRET="def",
    )
    assert "fc_simulator" not in seen["apps"]
    assert seen["issuer"] == "https://oidc.franceconnect.gouv.fr/api/v2"
    assert seen["form_action"][:2] == ["'self'", "https://oidc.franceconnect.gouv.fr"]


def test_the_simulator_is_never_installed_without_debug():
    seen = settings_seen_with(DEBUG="0", FRANCECONNECT_SIMULATOR="1")
    assert "fc_simulator" not in seen["apps"]


# --- Issue #18, finding 6: an http:// FranceConnect is refused in production ---------------------------


@pytest.mark.parametrize(
    "name, url",
    [
        ("FRANCECONNECT_ISSUER", "http://fc.example/api/v2"),
        ("FRANCECONNECT_TOKEN_URL", "http://fc.example/api/v2/token"),
        ("FRANCECONNECT_JWKS_URL", "HTTP://fc.example/api/v2/jwks"),
        ("FRANCECONNECT_ISSUER", "https:///sans-hote"),
    ],
)
def test_a_franceconnect_endpoint_that_is_not_https_is_refused_in_production(settings, name, url):
    settings.DEBUG, settings.FRANCECONNECT_SIMULATOR = False, False
    settings.FRANCECONNECT_ISSUER = "https://fc.example/api/v2"
    setattr(settings, name, url)
    errors = franceconnect_over_https_in_production(None)
    assert [error.id for error in errors] == ["accounts.E002"] and name in errors[0].msg
    with pytest.raises(SystemCheckError, match="FranceConnect endpoints not in https"):
        call_command("check")


@pytest.mark.parametrize("debug, simulator", [(True, False), (True, True)])
def test_an_http_franceconnect_is_allowed_in_development(settings, debug, simulator):
    settings.DEBUG, settings.FRANCECONNECT_SIMULATOR = debug, simulator
    settings.FRANCECONNECT_ISSUER = "http://127.0.0.1:8000/fc-simulateur/api/v2"
    assert franceconnect_over_https_in_production(None) == []


def test_https_endpoints_or_no_franceconnect_pass_in_production(settings):
    settings.DEBUG, settings.FRANCECONNECT_SIMULATOR = False, False
    settings.FRANCECONNECT_ISSUER = "https://fc.example/api/v2"
    assert franceconnect_over_https_in_production(None) == []
    settings.FRANCECONNECT_ISSUER = ""
    assert franceconnect_over_https_in_production(None) == []
