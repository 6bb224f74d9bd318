# Portail DIFE — `make run` serves the portal, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# PostgreSQL used by `make test` when reachable (override to isolate parallel runs).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
# `make bench`: the load test (benchmarks/run.py). BENCH_SCALE=small (1,000 sessions) or full (10,000).
BENCH_SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dife_bench
BENCH_PORT ?= 8090
BENCH_DURATION ?= 10
# Extra arguments for benchmarks/run.py, e.g. BENCH_ARGS="--only Envoyer" (a few pages only).
BENCH_ARGS ?=
# `make run PORT=8123`: the port the development server listens on; SITE_URL (links in e-mails, FranceConnect's
# return address) follows it unless set.
PORT ?= 8000

.PHONY: install system browser run test test-fast test-sqlite test-postgres lint bench fuzz clean

$(VENV)/.installed: requirements/base.in requirements/test.in requirements/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/test.in -c requirements/constraints.txt
	touch $@

install: $(VENV)/.installed

# WeasyPrint (the PDF documents) needs Debian's Pango and a font; installed when missing.
system:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Pango and DejaVu fonts for the PDF documents"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
		else \
			echo "!! Pango (libpangoft2-1.0-0) or fonts-dejavu-core is missing and this is not root: PDF documents will fail."; \
		fi; \
	fi
	@# Identity documents sent as PDF are drawn to images by poppler's pdftoppm (enrolment/identity_reencoding.py).
	@if ! command -v pdftoppm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing poppler-utils (pdftoppm) for the identity documents sent as PDF"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
		else \
			echo "!! pdftoppm (poppler-utils) is missing and this is not root: identity documents sent as PDF will be refused."; \
		fi; \
	fi

# The browser journeys drive Debian's Chromium (Playwright's own browser download cannot work here),
# in French (chromium-l10n: date fields read jj/mm/aaaa, as the élus see them). Beside axe, they run a second
# accessibility checker, html-validate (pinned in tools/node/package-lock.json), installed from the npm registry
# with Debian's node and npm.
HTML_VALIDATE := tools/node/node_modules/.bin/html-validate

browser: $(HTML_VALIDATE)
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -e /usr/lib/chromium/locales/fr.pak ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Debian's chromium (and its French locale) for the browser journeys"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-l10n >/dev/null; \
		else \
			echo "!! chromium (or chromium-l10n) is missing and this is not root: the browser journeys may be SKIPPED."; \
		fi; \
	fi

$(HTML_VALIDATE): tools/node/package.json tools/node/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Debian's node and npm for the second accessibility checker (html-validate)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "!! npm is missing and this is not root: html-validate cannot be installed."; exit 1; \
		fi; \
	fi
	npm ci --prefix tools/node --no-audit --no-fund --loglevel=error
	touch $@

run: system install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py seed_demo
	DEBUG=1 SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} FRANCECONNECT_SIMULATOR=$${FRANCECONNECT_SIMULATOR:-1} \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)', dbname='postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: $(PG_URL)"; \
		DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS); \
	else \
		echo "!! PostgreSQL is NOT reachable at $(PG_URL): the PostgreSQL half of the suite was SKIPPED."; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

test: lint system browser
	@echo "== SQLite"
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The inner loop: everything but the browser journeys, the fuzzing and the load tests, on SQLite.
test-fast: system install
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not e2e and not fuzz and not slow" $(PYTEST_ARGS)

# Only the hypothesis fuzzing of forms and query-string views (it also runs in `make test`).
fuzz: install
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m fuzz tests/security $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/run.py --scale $(BENCH_SCALE) --database-url $(BENCH_DATABASE_URL) \
		--port $(BENCH_PORT) --duration $(BENCH_DURATION) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test_media .test_private_media
