"""trainings/checks.py: the deployment warnings about the cache."""

import subprocess
import sys

import pytest

from tests.security.test_deploy_settings import ROOT, production_env
from trainings.checks import redis_is_protected

REDIS = "dife_portal.redis_cache.RedisCache"


@pytest.mark.parametrize(
    ("location", "options", "expected"),
    [
        ("redis://127.0.0.1:6379/0", {}, ["trainings.W002"]),
        ("redis://portail:s3cret@127.0.0.1:6379/0", {}, []),
        ("redis://:s3cret@localhost:6379/0", {}, []),
        ("redis://127.0.0.1:6379/0", {"password": "s3cret"}, []),
        ("redis://portail:s3cret@redis.internal:6379/0", {}, ["trainings.W003"]),
        ("rediss://portail:s3cret@redis.internal:6380/0", {}, []),
        ("redis://redis.internal:6379/0", {}, ["trainings.W002", "trainings.W003"]),
    ],
)
def test_production_redis_must_ask_for_a_password_and_use_tls_off_this_host(settings, location, options, expected):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": location, "OPTIONS": options}}
    assert [warning.id for warning in redis_is_protected(None)] == expected


def test_no_warning_in_development_or_without_redis(settings):
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/0"}}
    settings.DEBUG = True
    assert redis_is_protected(None) == []
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert redis_is_protected(None) == []


def test_check_deploy_names_a_cache_url_without_password():
    env = production_env(CACHE_URL="redis://127.0.0.1:6379/0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "trainings.W002" in result.stdout + result.stderr
