"""Gunicorn configuration for Portail DIFE: `gunicorn -c deploy/gunicorn.conf.py dife_portal.wsgi`.

Every knob comes from the environment (see docs/deployment.md). The access log carries no personal
data: no client address, no user agent, no referrer, no query string, no header, and path segments that
look like secrets (invitation links, password-reset tokens) are masked.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback by default: a reverse proxy (nginx, a load balancer) faces the internet, not gunicorn.
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address]
# WEB_CONCURRENCY is the usual name for "how many worker processes"; default 2 × cores + 1.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# Threads > 1 switches to the gthread worker (keep-alive, less memory per request in flight).
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request never needs more than a few seconds: a stuck worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so that a slow leak never becomes an outage. A new worker loads Django again (about
# a second of CPU), so not often: see docs/performance.md.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = max(max_requests // 10, 0)
# Only the reverse proxy may say "this came over HTTPS" (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file lives in memory where possible: a slow disk must not make workers look dead.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
proc_name = "portail-dife"

# Logs go to standard output/error, for journald or the container runtime. Empty string: no access log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# A run of 20+ URL-safe characters in a path is a token (invitation, password reset), not a word.
SECRET_SEGMENT = re.compile(r"[A-Za-z0-9_\-]{20,}")


def _redact_segment(segment):
    return ":adresse" if "@" in segment else SECRET_SEGMENT.sub(":jeton", segment)


def redact_path(path):
    """The path with every token-like segment replaced by ':jeton', and every e-mail address by ':adresse'."""
    return "/".join(_redact_segment(segment) for segment in (path or "").split("/"))


class PrivacyLogger(Logger):
    """Gunicorn's logger, with the personal data taken out of the access-log atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Request and response headers ({cookie}i, {set-cookie}o, …) and environ values: never logged.
        atoms = {key: value for key, value in atoms.items() if not key.startswith("{")}
        path = redact_path(atoms.get("U"))
        atoms.update(h="-", u="-", a="-", f="-", q="", U=path, r=f"{atoms.get('m')} {path} {atoms.get('H')}")
        return atoms


logger_class = PrivacyLogger
