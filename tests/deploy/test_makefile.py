import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(*args):
    return subprocess.run(["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def test_make_run_serves_the_port_given_and_site_url_follows_it():
    commands = _dry_run("run", "PORT=8123")
    assert "runserver 127.0.0.1:8123" in commands
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in commands
    assert ":8000" not in commands


def test_make_run_keeps_port_8000_by_default():
    assert "runserver 127.0.0.1:8000" in _dry_run("run")
