"""The signed-in pages built in process, caches off: what building one costs, without the network or gunicorn.

Run by benchmarks/run.py with the production settings and PAGE_CACHE_SECONDS=0, on the benchmark's data:
`python benchmarks/build_times.py '<json: {"pages": [[name, path], ...], "user_pks": [...]}>'`. Each page is
requested through Django's test client (the whole middleware stack, Django's authentication included) as one
élu after another; prints, as JSON, the median and the slowest time in milliseconds and the SQL queries of each.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dife_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

ROUNDS = 30


def main():
    spec = json.loads(sys.argv[1])
    users = list(User.objects.filter(pk__in=spec["user_pks"]))
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    figures = {}
    for name, path in spec["pages"]:
        # Warm-up: each client loads the middleware on its first request; templates compiled, connection open.
        for client in clients:
            client.get(path)
        times, queries = [], 0
        for i in range(ROUNDS):
            client = clients[i % len(clients)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: {path} answered {response.status_code}")
            queries = max(queries, len(captured))
        figures[name] = {"median_ms": statistics.median(times), "max_ms": max(times), "queries": queries}
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main()
