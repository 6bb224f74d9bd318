"""deploy/backup.sh and deploy/restore.sh: a dump restores into a fresh database with the same rows."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import DossierFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def url_for(name):
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_gives_back_the_same_rows(tmp_path, scratch_database):
    dossier = DossierFactory(submitted=True)
    env = {**os.environ, "DATABASE_URL": url_for(connection.settings_dict["NAME"]), "BACKUP_DIR": str(tmp_path)}
    dump = subprocess.run(
        ["deploy/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert Path(dump).parent == tmp_path and Path(dump).stat().st_size > 0
    assert oct(Path(dump).stat().st_mode & 0o777) == "0o600"  # personal data: owner only

    refused = subprocess.run(["deploy/restore.sh", dump, scratch_database], cwd=ROOT, capture_output=True)
    assert refused.returncode == 2  # never without --yes

    subprocess.run(
        ["deploy/restore.sh", dump, scratch_database, "--yes"], cwd=ROOT, capture_output=True, check=True, timeout=120
    )
    with psycopg.connect(scratch_database) as restored:
        row = restored.execute(
            "SELECT d.state, u.email FROM enrolment_dossier d JOIN accounts_user u ON u.id = d.user_id WHERE d.id = %s",
            [dossier.pk],
        ).fetchone()
        migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert row == ("submitted", dossier.user.email)
    assert migrations > 0
