"""Production knobs of issue #9, read from the environment: what the settings module makes of them."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages

from accounts.models import IdentityDocument
from accounts.models.identity import PrivateStorage, get_private_storage

ROOT = Path(__file__).resolve().parents[2]


def settings_seen_with(**environment):
    """Import dife_portal.settings in a fresh process with `environment` (DEBUG off), return a few values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_", "PRIVATE_", "DATABASE"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), **environment)
    script = """
import json
import django
from django.conf import settings
django.setup()
from django.template import engines
loaders = engines["django"].engine.loaders
print(json.dumps({
    "loaders": loaders,
    "database_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "server_side_cursors_off": settings.DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "private": settings.STORAGES["private"],
    "identity_storage": settings.IDENTITY_DOCUMENTS_STORAGE,
    "axes_order": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER),
    "axes_proxy_count": settings.AXES_IPWARE_PROXY_COUNT,
    "page_cache": settings.PAGE_CACHE_SECONDS,
}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "dife_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_renders_with_the_cached_template_loader_and_talks_to_postgresql_without_jit():
    seen = settings_seen_with(DATABASE_URL="postgres://dife@db.internal:5432/dife", CACHE_URL="redis://r:6379/0")
    assert seen["loaders"][0][0] == "django.template.loaders.cached.Loader"
    assert "-c jit=off" in seen["database_options"]["options"]
    assert seen["server_side_cursors_off"] is True
    assert seen["cache"] == "dife_portal.redis_cache.RedisCache"
    # A Redis that stops answering holds a request half a second per call at most, not until gunicorn kills it.
    assert seen["cache_options"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert seen["page_cache"] == 120


def test_jit_and_server_side_cursors_can_be_turned_back_on():
    seen = settings_seen_with(
        DATABASE_URL="postgres://dife@db.internal:5432/dife", DATABASE_JIT="1", DATABASE_SERVER_SIDE_CURSORS="1"
    )
    assert "jit" not in seen["database_options"].get("options", "")
    assert seen["server_side_cursors_off"] is False


def test_client_address_comes_from_the_tcp_peer_unless_a_proxy_is_declared():
    assert settings_seen_with()["axes_order"] == ["REMOTE_ADDR"]
    seen = settings_seen_with(
        AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR", AXES_IPWARE_PROXY_COUNT="0"
    )
    assert seen["axes_order"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] and seen["axes_proxy_count"] == 0


def test_identity_documents_storage_is_configurable_from_the_environment():
    assert settings_seen_with()["private"] == {"BACKEND": "accounts.models.identity.PrivateStorage", "OPTIONS": {}}
    # A folder every app server mounts (S3 works the same way with django-storages, docs/deployment.md §5).
    seen = settings_seen_with(
        PRIVATE_STORAGE_BACKEND="django.core.files.storage.FileSystemStorage",
        PRIVATE_STORAGE_OPTIONS='{"location": "/srv/partage/pieces", "base_url": null}',
        IDENTITY_DOCUMENTS_STORAGE="private",
    )
    assert seen["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert seen["private"]["OPTIONS"] == {"location": "/srv/partage/pieces", "base_url": None}


def test_identity_documents_go_to_the_configured_storage_alias(settings):
    assert isinstance(get_private_storage(), PrivateStorage)
    assert IdentityDocument._meta.get_field("front").storage is storages["private"]
    settings.STORAGES = {**settings.STORAGES, "shared": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.IDENTITY_DOCUMENTS_STORAGE = "shared"
    storage = get_private_storage()
    assert isinstance(storage, InMemoryStorage)
    name = storage.save("identity/x.png", ContentFile(b"png"))
    assert storage.exists(name)


@pytest.mark.django_db
def test_deleting_a_document_removes_its_files_from_its_own_storage(django_capture_on_commit_callbacks):
    from tests.factories import IdentityDocumentFactory

    document = IdentityDocumentFactory()
    document.front.save("piece.png", ContentFile(b"png"))
    name, storage = document.front.name, document.front.storage
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert not storage.exists(name)
