"""Does "Mot de passe oublié" answer an address with an account as fast as one without? (issue #18, finding 3)

The portal runs under gunicorn with production settings on loopback (as `make bench`: PostgreSQL, Redis). The
script creates accounts, then sends interleaved pairs of requests — one address with an account, one without, in
a random order within each pair, each address used once — and times each POST from its first byte sent to the
last byte of the answer. It prints both distributions and how often the existing address was the slower one of
its pair (about half the pairs when nothing tells them apart). Nothing is asserted: the figures are for people.

    .venv/bin/python benchmarks/password_reset_timing.py --pairs 80 --database-url postgres://…/dife_bench
    # the same against another checkout (e.g. the code before the fix, exported with `git archive`):
    .venv/bin/python benchmarks/password_reset_timing.py --source /tmp/portail-avant --database-url …/avant

The e-mail throttle is raised for the run (every request comes from 127.0.0.1); the accounts it created are
deleted at the end.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402

RESET = "/compte/mot-de-passe-oublie/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAUSE = 0.05  # between requests, so that the work done after one response never delays the next request


def log(message):
    print(f"[reset-timing] {message}", file=sys.stderr, flush=True)


def manage(env, source, *command):
    return subprocess.run(
        [run.PYTHON, "manage.py", *command], cwd=source, env=env, check=True, text=True, capture_output=True
    ).stdout


def create_accounts(env, source, emails):
    """Accounts with a password (one hash for all: hashing is not what is measured) and a confirmed address."""
    script = (
        "import sys; from django.contrib.auth.hashers import make_password; from django.utils import timezone; "
        "from accounts.models import User; h = make_password('Bench-Mot-de-passe-2026!'); "
        "User.objects.bulk_create([User(email=e, password=h, email_confirmed_at=timezone.now()) "
        "for e in sys.stdin.read().split()])"
    )
    subprocess.run(
        [run.PYTHON, "manage.py", "shell", "-c", script],
        cwd=source,
        env=env,
        input="\n".join(emails),
        text=True,
        check=True,
        capture_output=True,
    )


def delete_accounts(env, source, prefix):
    script = (
        "from accounts.models import User; from mailing.models import OutgoingEmail; "
        f"User.objects.filter(email__startswith={prefix!r}).delete(); "
        f"OutgoingEmail.objects.filter(to__startswith={prefix!r}).delete()"
    )
    manage(env, source, "shell", "-c", script)


def post_reset(port, email):
    """GET the form (for its CSRF cookie and token), then time the POST alone: seconds, status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", RESET)
    response = conn.getresponse()
    page = response.read().decode()
    cookies = "; ".join(c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or [])
    conn.close()
    body = urlencode({"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1), "email": email})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.connect()
    started = time.perf_counter()
    conn.request("POST", RESET, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, response.status


def distribution(values):
    ms = sorted(v * 1000 for v in values)
    deciles = statistics.quantiles(ms, n=10)
    return {
        "n": len(ms),
        "p10": deciles[0],
        "median": statistics.median(ms),
        "p90": deciles[-1],
        "mean": statistics.fmean(ms),
        "min": ms[0],
        "max": ms[-1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=80)
    parser.add_argument("--source", default=str(ROOT), help="the checkout to run (default: this one)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dife_bench")
    )
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8090")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    if args.pairs < 60:
        sys.exit("At least 60 pairs: fewer do not tell two distributions apart.")
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1", None):
        sys.exit("The benchmark only runs against a database on this machine.")

    source = Path(args.source).resolve()
    run.ensure_database(args.database_url)
    env = {
        **run.production_env(args),
        "ACCOUNT_MAIL_LIMIT_PER_CLIENT": "1000000",
        "ACCOUNT_MAIL_LIMIT_PER_ADDRESS": "1000000",
    }
    log(f"migrate + collectstatic ({source})")
    manage(env, source, "migrate", "--noinput", "-v", "0")
    manage(env, source, "collectstatic", "--noinput", "-v", "0")
    prefix = f"bench.reset.{secrets.token_hex(4)}."
    existing = [f"{prefix}{n}@example.fr" for n in range(args.pairs)]
    unknown = [f"{prefix}inconnu.{n}@example.fr" for n in range(args.pairs)]
    create_accounts(env, source, existing)
    rng = random.Random(args.seed)
    times = {"existing": [], "unknown": []}
    statuses = set()
    access_log = Path(tempfile.mkdtemp()) / "access.log"
    original_root = run.ROOT
    run.ROOT = source  # gunicorn starts in the checkout measured
    try:
        with run.gunicorn(env, args.port, access_log):
            for warm in range(5):  # first requests of each worker: imports, connections, template loading
                post_reset(args.port, f"{prefix}chauffe.{warm}@example.fr")
            for n in range(args.pairs):
                order = [("existing", existing[n]), ("unknown", unknown[n])]
                rng.shuffle(order)
                for kind, email in order:
                    elapsed, status = post_reset(args.port, email)
                    times[kind].append(elapsed)
                    statuses.add(status)
                    time.sleep(PAUSE)
    finally:
        run.ROOT = original_root
        delete_accounts(env, source, prefix)

    slower = sum(e > u for e, u in zip(times["existing"], times["unknown"], strict=True))
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.pairs} interleaved pairs, {source.name}, {args.workers} gunicorn workers, load {load}")
    print(f"answers: {sorted(statuses)}\n")
    print("| address | n | p10 (ms) | median (ms) | p90 (ms) | mean (ms) | min–max (ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, label in (("existing", "with an account"), ("unknown", "without an account")):
        d = distribution(times[kind])
        print(
            f"| {label} | {d['n']} | {d['p10']:.1f} | {d['median']:.1f} | {d['p90']:.1f} | {d['mean']:.1f} "
            f"| {d['min']:.1f}–{d['max']:.1f} |"
        )
    print(f"\nThe address with an account was the slower one in {slower} of {args.pairs} pairs.")


if __name__ == "__main__":
    main()
