import shutil

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes uploads to its own folders, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _mail_server_not_known_down():
    """The outbox remembers a mail-server failure in the cache for a while: no test inherits it."""
    from django.core.cache import cache

    from mailing.outbox import MAIL_SERVER_DOWN

    cache.delete(MAIL_SERVER_DOWN)
    yield
    cache.delete(MAIL_SERVER_DOWN)


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); `make test` runs it")


def pytest_collection_modifyitems(config, items):
    is_pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only: runs in the PostgreSQL half of `make test`"))
