"""Settings for the test suite: the real settings, with test-only speed-ups."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("AXES_ENABLED", "1")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test_private_media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / ".test_media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Values kept as Redis keeps them in production: JSON only (tests/json_cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":  # noqa: F405
    CACHES["default"]["BACKEND"] = "tests.json_cache.JSONLocMemCache"  # noqa: F405
