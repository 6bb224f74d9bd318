"""`make bench`: the portal under gunicorn with production settings, on loopback, against PostgreSQL.

1. Creates the database if needed, migrates, collects static files (whitenoise, compressed + hashed).
2. Base data set (100 sessions): measures the floor, search and training pages built with the caches off, on a
   second server (PAGE_CACHE_SECONDS=0), for the scale ratio.
3. Target data set (--scale small: 1,000 sessions; full: 10,000 sessions, 50,000 élus, 100,000 dossiers):
   measures every enabled page of benchmarks/pages.py with wrk, each beside its floor in the same run (the trivial
   view, or for signed-in pages the trivial view that loads the session and the élu).
4. Builds the signed-in pages in process with the caches off (benchmarks/build_times.py) and times them.
5. Weighs the training page on a first visit (HTML, CSS, JS as sent compressed).
6. Prints Markdown tables and saves them under benchmarks/results/<scale>.md.

Every load is bounded in time (wrk -d) and, for write paths, in count (one request per prepared pair);
every request goes to 127.0.0.1. Nothing here asserts timings: the figures are for people to read.
"""

import argparse
import contextlib
import datetime
import gzip
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import BUILD_BUDGET_MS, FLOOR, PAGES, SIGNED_IN_FLOOR  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LUA = ROOT / "benchmarks" / "requests.lua"
RESULTS = ROOT / "benchmarks" / "results"
SCALE_SESSIONS = {"base": 100, "small": 1_000, "full": 10_000}
# A write path sends each prepared request once and waits for every answer: rows prepared = rate × duration, so
# that a path at the expected rate runs about as long as a read page; a slower one takes longer (capped).
WRITE_RATE_SIZING = 150
WRITE_TIME_CAP = 10  # × duration: past that, wrk stops and the requests not sent are reported


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- environment -----------------------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it with `apt-get install -y wrk`.")
    log("installing wrk (apt-get install -y wrk)")
    if subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=True)


def ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def production_env(args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="dife_portal.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        CONN_MAX_AGE="60",
        CACHE_URL=args.cache_url,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        # E-mails are rendered and written to the outbox in the transaction as in production; there is no mail
        # server here, so the delivery after commit goes to Django's dummy backend.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
        GUNICORN_LOG_LEVEL="warning",
    )
    env.pop("HTTPS", None)
    return env


def manage(env, *command, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout


def flush_cache(url):
    import redis

    redis.Redis.from_url(url).flushdb()


@contextlib.contextmanager
def gunicorn(env, port, access_log):
    process = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py", "dife_portal.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_ACCESS_LOG": str(access_log), "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_get(port, "/sante/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_get(port, path, headers=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# --- requests --------------------------------------------------------------------------------------


def render_requests(page, fixtures):
    """One (method, path, cookie, body) per prepared identity, for this page."""
    context = fixtures["context"]
    rows = [{}] if page.identity == "anonymous" else fixtures[page.identity]
    lines = []
    for row in rows:
        values = {**context, **row}
        path = page.path.format(**values)
        body = ""
        if page.method == "POST":
            form = {key: str(value).format(**values) for key, value in page.form.items()}
            if "csrf" in row:
                form["csrfmiddlewaretoken"] = row["csrf"]
            body = urlencode(form)
        lines.append((page.method, path, row.get("cookie", ""), body))
    if not lines:
        raise RuntimeError(f"{page.name}: no {page.identity} prepared")
    return lines


def preflight(page, port, line):
    """Send one request as the load will, and check it does what the page promises."""
    method, path, cookie, body = line
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, response_headers, content = http_get(port, path, headers, method=method, body=body or None)
    if status != page.expect_status:
        raise RuntimeError(f"{page.name}: {method} {path} answered {status}, expected {page.expect_status}")
    location = response_headers.get("Location", "")
    if page.expect_location and page.expect_location not in location:
        raise RuntimeError(f"{page.name}: {method} {path} led to {location!r}, not to …{page.expect_location}…")
    if page.expect_text and page.expect_text not in content.decode(errors="replace"):
        raise RuntimeError(f"{page.name}: {path} does not contain {page.expect_text!r}")


def run_wrk(args, lines, mode, duration, done=None):
    """Run wrk over `lines`. With `done` (a write path), wrk runs until `done()` says every write is in the
    database (polled every 20 ms, at most WRITE_TIME_CAP × duration), then is interrupted: wrk itself would sleep
    its whole -d. Returns wrk's figures, with `elapsed` measured here from start to completion."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        for line in lines:
            handle.write("\t".join(line) + "\n")
        path = handle.name
    try:
        run_for = duration * WRITE_TIME_CAP if done else duration
        command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{run_for}s"]
        command += ["--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{args.port}", "--", path, mode]
        command += [str(args.threads)]
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done:
            done.started = started
        if done:
            while process.poll() is None and not done():
                time.sleep(0.02)
            elapsed = time.monotonic() - started
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # wrk prints its figures and exits
        output, errors = process.communicate(timeout=run_for + 60)
        if not done:
            elapsed = time.monotonic() - started
        if process.returncode not in (0, -signal.SIGINT):
            raise RuntimeError(f"wrk failed ({process.returncode}):\n{errors}")
    finally:
        os.unlink(path)
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            data = json.loads(line[len("WRK_JSON ") :])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            data["error_count"] = sum(data["errors"].values())
            data["elapsed"] = elapsed
            return data
    raise RuntimeError(f"wrk printed no result:\n{output}\n{errors}")


def measure(page, args, fixtures):
    """wrk on `page`; every page but the floor is framed by two short runs of its floor, its neighbour (their mean):
    on a shared machine whose load moves from minute to minute, a page is compared with the floor of that minute.
    A page with `cached=False` goes to the second server, whose caches are off (the floor stays on the first)."""
    if page is FLOOR:
        return _measure(page, args, fixtures)
    floor_lines = render_requests(SIGNED_IN_FLOOR if page.floor == "signed_in" else FLOOR, fixtures)
    before = run_wrk(args, floor_lines, "cycle", args.floor_duration)
    page_args = args if page.cached else argparse.Namespace(**{**vars(args), "port": args.port + 1})
    result = _measure(page, page_args, fixtures)
    after = run_wrk(args, floor_lines, "cycle", args.floor_duration)
    result["floor"] = {
        "rps": (before["rps"] + after["rps"]) / 2,
        "latency_us": {q: (before["latency_us"][q] + after["latency_us"][q]) / 2 for q in ("p50", "p95", "p99")},
    }
    return result


def _measure(page, args, fixtures):
    lines = render_requests(page, fixtures)
    preflight(page, args.port, lines[0])
    if page.is_write:
        lines = lines[1:]
        with psycopg.connect(args.database_url, autocommit=True) as conn:

            def count():
                return conn.execute(page.write_check).fetchone()[0]

            before = count()

            def changed():
                return (count() - before) * page.write_delta

            def done():
                """Every line written, or nothing written for 3 s (a request lost: reported below)."""
                rows, now = changed(), time.monotonic()
                if rows != done.rows:
                    done.rows, done.last_change = rows, now
                return rows >= len(lines) or (rows > 0 and now - done.last_change > 3)

            done.rows, done.last_change = 0, time.monotonic()
            result = run_wrk(args, lines, "once", args.duration, done=done)
            time.sleep(0.5)  # a request still in flight (only if wrk hit its time cap, or a row too many) lands
            rows = changed()
            result["elapsed"] = max(done.last_change - done.started, 1e-3)
        writes = result["writes_answered"]
        in_flight = result["writes_sent"] - writes
        # Exactly one row per request answered (plus, at the time cap only, those still in flight).
        result["write_mismatch"] = 0 if writes <= rows <= writes + in_flight else rows - writes
        result["rows_changed"] = rows
        result["rps"] = writes / result["elapsed"]
        result["prepared"] = len(lines)
        log(
            f"{page.name}: {writes} answered, {rows} rows, {result['requests']} requests in "
            f"{result['elapsed']:.1f} s (wrk {result['duration_us'] / 1e6:.1f} s)"
        )
    else:
        run_wrk(args, lines, "cycle", args.warmup)
        result = run_wrk(args, lines, "cycle", args.duration)
    log(
        f"{page.name}: {result['rps']:.0f} req/s, p50 {result['latency_us']['p50'] / 1000:.1f} ms, "
        f"p95 {result['latency_us']['p95'] / 1000:.1f} ms, errors {result['error_count']}"
    )
    return result


# --- page weight -----------------------------------------------------------------------------------


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.assets.append(("CSS", attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.assets.append(("JS", attrs["src"]))
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.assets.append(("image", attrs["src"]))


def page_weight(port, path):
    """Bytes on the wire for a first visit (empty cache), asking for compression like a browser."""
    accept = {"Accept-Encoding": "br, gzip"}
    status, headers, body = http_get(port, path, accept)
    if status != 200:
        raise RuntimeError(f"page weight: {path} answered {status}")
    rows = []
    encoding = headers.get("Content-Encoding", "")
    if encoding:
        rows.append(("HTML", path, len(body), encoding, headers.get("Cache-Control", "")))
    else:
        # The app leaves HTML compression to the reverse proxy (docs/deployment.md): count it gzipped.
        rows.append(("HTML", path, len(gzip.compress(body, 6)), "gzip (proxy)", headers.get("Cache-Control", "")))
    parser = AssetParser()
    parser.feed(body.decode())
    for kind, url in parser.assets:
        status, headers, content = http_get(port, url, accept)
        if status != 200:
            raise RuntimeError(f"page weight: {url} answered {status}")
        rows.append(
            (kind, url, len(content), headers.get("Content-Encoding", "none"), headers.get("Cache-Control", ""))
        )
    return rows


# --- report ----------------------------------------------------------------------------------------


def number(n):
    """12345 → '12 345' (French thousands separator)."""
    return f"{n:,}".replace(",", "\u202f")


def ms(us):
    return f"{us / 1000:.1f}"


def build_times(env, fixtures, pages):
    """In-process build time of each page with `build_time`, caches off, as the prepared élus (see build_times.py)."""
    spec = {
        "pages": [[page.name, page.path.format(**fixtures["context"])] for page in pages],
        "user_pks": [row["user_pk"] for row in fixtures["elu"][:20]],
    }
    output = subprocess.run(
        [PYTHON, "benchmarks/build_times.py", json.dumps(spec)],
        cwd=ROOT,
        env={**env, "PAGE_CACHE_SECONDS": "0", "ALLOWED_HOSTS": "testserver"},
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    figures = json.loads(output)
    for name, figure in figures.items():
        log(f"{name}: built in process in {figure['median_ms']:.1f} ms (median), {figure['queries']} queries")
    return figures


def verdict(page, result, floor):
    if page is FLOOR or not (page.min_rps or page.min_throughput_ratio or page.max_p95_ratio):
        return "témoin" + (" (erreurs)" if result["error_count"] else "")
    problems = []
    if result["error_count"]:
        problems.append("erreurs")
    if result.get("write_mismatch"):
        problems.append(f"écritures manquantes : {result['write_mismatch']}")
    if page.min_rps and result["rps"] < page.min_rps:
        problems.append(f"< {page.min_rps:.0f}/s")
    if page is not FLOOR and page.min_throughput_ratio and result["rps"] < page.min_throughput_ratio * floor["rps"]:
        problems.append(f"débit < {page.min_throughput_ratio:.0%} du plancher")
    p95_ratio = result["latency_us"]["p95"] / floor["latency_us"]["p95"]
    if page is not FLOOR and page.max_p95_ratio and p95_ratio > page.max_p95_ratio:
        problems.append(f"p95 > {page.max_p95_ratio:g}× plancher")
    note = ""
    if "prepared" in result:
        note = f" ({result['writes_answered']} envois sur {result['prepared']} préparés"
        if "rows_changed" in result:
            note += f", {result['rows_changed']} dossiers envoyés en base"
        note += ")"
    return ("✅" if not problems else "❌ " + ", ".join(problems)) + note


def has_scale_budget(name):
    """The issue sets the scale budget (≤ 1.5×) on the search; the training page ratio is reported."""
    return name.startswith("Recherche")


def report(args, meta, results, scale_results, weights, scale_context=None, builds=None):
    scale_context = scale_context or {}
    out = []
    out.append(f"## Benchmark — {meta['date']} — échelle `{args.scale}`\n")
    out.append(
        f"Machine : {meta['cores']} cœurs, {meta['python']} ; gunicorn {args.workers} workers (sync), "
        f"PostgreSQL, Redis (cache et sessions `cached_db`), DEBUG off ; wrk {args.threads} thread(s), "
        f"{args.connections} connexions, {args.duration} s par page (+{args.warmup} s de chauffe), loopback. "
        f"Charge moyenne de la machine au départ : {meta['load']}, à la fin : {meta['load_end']} (au-delà du "
        "nombre de cœurs, d'autres processus partagent le processeur : comparer les ratios, pas les valeurs "
        "absolues).\n"
    )
    out.append(
        f"Chaque page est comparée au **plancher voisin** : la moyenne du plancher mesuré {args.floor_duration} s "
        "juste avant et juste après elle, pour que la charge de la machine, qui varie d'une minute à l'autre, "
        "pèse sur les deux figures. "
        "Les pages d'élu connecté sont comparées au **plancher connecté** (une vue triviale qui lit la session et "
        "charge l'élu, comme toute page connectée), les autres au plancher. "
        "Pages publiques : servies par le cache de pages aux visiteurs sans session, et par page et invitation à "
        "ceux venus par un lien d'invitation (cookie signé) ; élu connecté : Django authentifie chaque requête et "
        "la page est construite autour des fragments partagés (résultats, sessions) gardés en cache ; "
        "« construite (caches coupés) » : un second serveur, `PAGE_CACHE_SECONDS=0`, construit la page à chaque "
        "requête (ce que coûte une construction, une fois par changement du catalogue en production). E-mails : "
        "écrits dans la boîte d'envoi dans la transaction, remis au backend `dummy` (pas de serveur SMTP ici).\n"
    )
    out.append(f"Données : {meta['data']} ({meta['data_time']}).\n")
    out.append(
        "| page | req/s | plancher voisin req/s | × plancher | p50 ms | p95 ms | p95 ÷ plancher | p99 ms | erreurs "
        "| budget |"
    )
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for page in PAGES:
        if page.name not in results:
            if not page.enabled:
                out.append(f"| {page.name} | — | — | — | — | — | — | — | à brancher |")
            continue
        r = results[page.name]
        floor = r.get("floor", r)
        lat = r["latency_us"]
        out.append(
            f"| {page.name} | {r['rps']:.0f} | {floor['rps']:.0f} | {r['rps'] / floor['rps']:.2f} | {ms(lat['p50'])} "
            f"| {ms(lat['p95'])} | {lat['p95'] / floor['latency_us']['p95']:.2f} | {ms(lat['p99'])} "
            f"| {r['error_count']} | {verdict(page, r, floor)} |"
        )
    out.append("")
    if builds:
        out.append(
            f"### Pages d'élu connecté construites à chaque requête, en processus, caches coupés "
            f"({number(SCALE_SESSIONS[args.scale])} sessions ; budget ≤ {BUILD_BUDGET_MS} ms)\n"
        )
        out.append("| page | médiane ms | plus lente ms | requêtes SQL (budget ≤ 10) | budget |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        for name, figure in builds.items():
            ok = "✅" if figure["median_ms"] <= BUILD_BUDGET_MS and figure["queries"] <= 10 else "❌"
            out.append(f"| {name} | {figure['median_ms']:.1f} | {figure['max_ms']:.1f} | {figure['queries']} | {ok} |")
        out.append("")
    if scale_results:
        small, large = SCALE_SESSIONS["base"], SCALE_SESSIONS[args.scale]
        out.append(
            f"### Passage à l'échelle : {number(small)} → {number(large)} sessions (budget ≤ 1,5× sur la recherche)\n"
        )
        out.append(
            "Ratio « corrigé » : le ratio des p50 divisé par celui des planchers voisins (mesurés autour de la "
            "page, à chaque passe), pour retirer la variation de charge de la machine ; le budget porte sur lui.\n"
        )
        out.append(
            f"| page | p50 ms à {number(small)} | p50 ms à {number(large)} | ratio p50 | ratio p50 corrigé "
            f"| p95 ms à {number(small)} | p95 ms à {number(large)} | ratio p95 | budget |"
        )
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, (base, target) in scale_results.items():
            r50 = target["latency_us"]["p50"] / base["latency_us"]["p50"]
            r95 = target["latency_us"]["p95"] / base["latency_us"]["p95"]
            floor_base, floor_target = base.get("floor", base), target.get("floor", target)
            corrected = r50 / (floor_target["latency_us"]["p50"] / floor_base["latency_us"]["p50"])
            if name == FLOOR.name:
                ok = "témoin"
            elif not has_scale_budget(name):
                shown = scale_context.get("upcoming", ("?", "?"))
                ok = f"mesuré, sans budget ({shown[0]} → {shown[1]} sessions à venir affichées)"
            else:
                ok = "✅" if corrected <= 1.5 else "❌ > 1,5×"
            out.append(
                f"| {name} | {ms(base['latency_us']['p50'])} | {ms(target['latency_us']['p50'])} | {r50:.2f} "
                f"| {corrected:.2f} | {ms(base['latency_us']['p95'])} | {ms(target['latency_us']['p95'])} "
                f"| {r95:.2f} | {ok} |"
            )
        out.append("")
    for name, rows in weights.items():
        total = sum(row[2] for row in rows)
        ok = "✅" if total <= 80 * 1024 else "❌ > 80 Ko"
        out.append(f"### Poids de « {name} » à la première visite : {total / 1024:.1f} Ko compressés {ok}\n")
        out.append("| ressource | adresse | octets transférés | encodage | Cache-Control |")
        out.append("| --- | --- | ---: | --- | --- |")
        for kind, url, size, encoding, cache in rows:
            out.append(f"| {kind} | `{url}` | {number(size)} | {encoding} | {cache or '—'} |")
        out.append("")
    return "\n".join(out)


# --- main ------------------------------------------------------------------------------------------


def prepare_data(env, scale, args, pages):
    flush_cache(args.cache_url)
    started = time.monotonic()
    output = manage(env, "generate_bench_data", "--scale", scale, "--reset", capture=True)
    log(output.strip())
    rows = args.duration * WRITE_RATE_SIZING
    wants = {page.identity for page in pages}
    fixtures = subprocess.run(
        [
            PYTHON,
            "benchmarks/fixtures.py",
            "--elus",
            str(200 if "elu" in wants else 0),
            "--once",
            str(rows if "elu_once" in wants else 0),
            "--pairs",
            str(rows if "pair" in wants else 0),
            "--drafts",
            str(rows if "draft" in wants else 0),
            "--invited",
            str(200 if "invited" in wants else 0),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(fixtures), output.strip().removeprefix("Generated ").rstrip("."), time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description="Portail DIFE benchmark (make bench)")
    parser.add_argument("--scale", choices=["small", "full"], default=os.environ.get("BENCH_SCALE", "small"))
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dife_bench")
    )
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8090")))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--floor-duration", type=int, default=3, help="the floor run just before each page (s)")
    parser.add_argument("--only", nargs="*", default=[], help="measure only the pages whose name holds one of these")
    args = parser.parse_args()

    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1", None):
        sys.exit("The benchmark only runs against a database on this machine.")
    ensure_wrk()
    ensure_database(args.database_url)
    env = production_env(args)
    log("migrate + collectstatic")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")

    def wanted(page):
        always = page in (FLOOR, SIGNED_IN_FLOOR)
        return page.enabled and (always or not args.only or any(word in page.name for word in args.only))

    scale_pages = [p for p in PAGES if wanted(p) and p.scale]
    access_log = Path(tempfile.mkdtemp()) / "access.log"
    meta = {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "python": f"Python {platform.python_version()}",
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()).replace(".", ","),
    }

    cold_env = {**env, "PAGE_CACHE_SECONDS": "0"}

    @contextlib.contextmanager
    def servers(pages):
        """The portal as in production on --port; with the caches off on --port + 1 if a page needs it."""
        with contextlib.ExitStack() as stack:
            stack.enter_context(gunicorn(env, args.port, access_log))
            if any(not page.cached for page in pages):
                stack.enter_context(gunicorn(cold_env, args.port + 1, access_log))
            yield

    log(f"base data set ({SCALE_SESSIONS['base']} sessions)")
    fixtures, _, _ = prepare_data(env, "base", args, [FLOOR, *scale_pages])
    upcoming_base = fixtures["context"].get("training_upcoming", "?")
    base_results = {}
    with servers(scale_pages):
        for page in [FLOOR, *scale_pages]:
            base_results[page.name] = measure(page, args, fixtures)

    log(f"{args.scale} data set ({SCALE_SESSIONS[args.scale]} sessions)")
    enabled = [page for page in PAGES if wanted(page)]
    fixtures, meta["data"], data_time = prepare_data(env, args.scale, args, enabled)
    meta["data_time"] = f"générées et préparées en {data_time:.0f} s"
    results, weights = {}, {}
    with servers(enabled):
        for page in enabled:
            results[page.name] = measure(page, args, fixtures)
        for page in enabled:
            if page.weight:
                weights[page.name] = page_weight(args.port, render_requests(page, fixtures)[0][1])
    builds = build_times(env, fixtures, [page for page in enabled if page.build_time])
    shutil.rmtree(access_log.parent, ignore_errors=True)

    scale_results = {}
    for page in scale_pages:
        scale_results[page.name] = (base_results[page.name], results[page.name])
    scale_results[FLOOR.name] = (base_results[FLOOR.name], results[FLOOR.name])

    meta["load_end"] = " / ".join(f"{x:.1f}" for x in os.getloadavg()).replace(".", ",")
    scale_context = {"upcoming": (upcoming_base, fixtures["context"].get("training_upcoming", "?"))}
    table = report(args, meta, results, scale_results, weights, scale_context, builds)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
    # <scale>.md is the latest run (the one the README quotes); the dated copies are history (not in git).
    for name in (f"{args.scale}.md", f"history/{stamp}-{args.scale}.md"):
        (RESULTS / name).parent.mkdir(parents=True, exist_ok=True)
        (RESULTS / name).write_text(table + "\n")
    log(f"saved benchmarks/results/{args.scale}.md and benchmarks/results/history/{stamp}-{args.scale}.md")


if __name__ == "__main__":
    main()
