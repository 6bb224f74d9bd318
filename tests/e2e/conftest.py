"""Browser journeys: Playwright drives Debian's Chromium against the live test server.

Chromium is installed by `make test` (apt-get install -y chromium). Where it cannot run, the tests
are skipped with the reason, loudly; in CI (CI=true) a missing browser is a failure instead.

Each xdist worker has its own live server and its own browser; every test opens fresh browser
contexts (cookies, storage), so tests never see each other's sessions.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The second accessibility checker, installed by `make browser` (tools/node/package.json).
HTML_VALIDATE = Path(__file__).resolve().parents[2] / "tools" / "node" / "node_modules" / ".bin" / "html-validate"
HTML_VALIDATE_CONFIG = Path(__file__).resolve().parent / "htmlvalidate.json"
# The back-office pages: the same rules, less those that only Django's own admin markup breaks (its buttons without
# a type, unnamed fieldsets and table headers without scope, sort links without text, action forms submitted by a
# <select>, "autocomplete=off" on a formset's hidden inputs, radio labels wrapping their input): our own back-office
# templates are held to them by the élu pages' configuration where they share markup.
HTML_VALIDATE_ADMIN_CONFIG = Path(__file__).resolve().parent / "htmlvalidate-admin.json"
PHONE, DESKTOP = 360, 1280
SIMULATOR_CLIENT_ID = "portail-dife-simulateur"
SIMULATOR_CLIENT_SECRET = "secret-du-simulateur"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM}: browser journeys NOT RUN (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # LANGUAGE=fr: a French Chromium (date fields read jj/mm/aaaa) where chromium-l10n is installed,
        # as `make test` does; the journeys pass either way.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": "fr"}
        )
        yield browser
        browser.close()


def _new_page(browser, *, width=DESKTOP, height=900, javascript=True):
    # Reduced motion: Bootstrap then drops its transitions, so a focus ring is drawn at once.
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        java_script_enabled=javascript,
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.javascript = javascript  # read by check_page: axe needs JavaScript to run
    return context, page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, width=PHONE, height=780)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _new_page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def elu_page(request, browser):
    """The élu's browser, once with JavaScript and once without (progressive enhancement only)."""
    context, page = _new_page(browser, javascript=request.param)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """A factory for extra browser contexts (e.g. a staff member next to the élu)."""
    contexts = []

    def make(**kwargs):
        context, page = _new_page(browser, **kwargs)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def portal(live_server, settings):
    """The live portal: links in e-mails point at it, the cache (mail throttle, FranceConnect) starts empty."""
    settings.SITE_URL = live_server.url
    cache.clear()
    mail.outbox = []
    yield live_server.url
    cache.clear()


@pytest.fixture(scope="session")
def _simulator_keys(tmp_path_factory):
    # One key pair per worker: generating RSA keys for every test would only cost time.
    return tmp_path_factory.mktemp("fc-simulator") / "keys.json"


@pytest.fixture
def franceconnect(portal, settings, _simulator_keys):
    """The FranceConnect simulator mounted on the live server: the portal's real client talks to it over HTTP."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "fc_simulator"]
    settings.ROOT_URLCONF = "tests.fc_simulator.urls"
    settings.FRANCECONNECT_SIMULATOR = True
    settings.FRANCECONNECT_ISSUER = f"{portal}/fc-simulateur/api/v2"
    for name in ("AUTHORIZE", "TOKEN", "USERINFO", "JWKS", "SESSION_END"):
        setattr(settings, f"FRANCECONNECT_{name}_URL", "")
    settings.FRANCECONNECT_CLIENT_ID = SIMULATOR_CLIENT_ID
    settings.FRANCECONNECT_CLIENT_SECRET = SIMULATOR_CLIENT_SECRET
    settings.FRANCECONNECT_SIMULATOR_KEYS_FILE = _simulator_keys
    return portal


# --- Checks every journey makes on every page it meets ------------------------------------------------------


def assert_accessible(page, label="", html_config=HTML_VALIDATE_CONFIG):
    """Two accessibility checkers on the current page state, each catching what the other misses: axe-core (the
    rendered page: contrast, names, landmarks) and html-validate (the markup: autocomplete tokens, ARIA misuse).
    Zero violations from either."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )
    assert not violations, f"axe violations on {label or page.url}:\n{details}"
    assert_valid_html(page, label, html_config)


def assert_valid_html(page, label="", config=HTML_VALIDATE_CONFIG):
    """html-validate's accessibility rules (tests/e2e/htmlvalidate.json) on the page as the browser holds it now."""
    if not HTML_VALIDATE.exists():
        message = f"html-validate not found at {HTML_VALIDATE}: run `make browser` (second checker NOT RUN)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    checked = subprocess.run(
        [str(HTML_VALIDATE), "--config", str(config), "--stdin", "--formatter", "json"],
        input=page.content(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if checked.returncode == 0:
        return
    try:
        messages = [message for result in json.loads(checked.stdout) for message in result["messages"]]
    except ValueError:
        pytest.fail(f"html-validate failed on {label or page.url}: {checked.stderr or checked.stdout}")
    details = "\n".join(f"- {m['ruleId']}: {m['message']} — {m.get('selector')}" for m in messages)
    pytest.fail(f"html-validate violations on {label or page.url}:\n{details}", pytrace=False)


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        # Name the widest culprits, so that the failure says what to fix.
        culprits = page.evaluate(
            """() => {
                const limit = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
                    .slice(-5)
                    .map((el) => {
                        const text = (el.textContent || '').trim().slice(0, 40);
                        const right = Math.round(el.getBoundingClientRect().right);
                        return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text}" right=${right}`;
                    });
            }"""
        )
        pytest.fail(
            f"{page.url} scrolls horizontally by {overflow}px at {page.viewport_size['width']}px: {culprits}",
            pytrace=False,
        )


def check_page(page, name, html_config=HTML_VALIDATE_CONFIG):
    """One state of a journey: zero axe violations, no horizontal scroll at 360 px, and screenshots at
    360 px and 1280 px (test-artifacts/screenshots/). Without JavaScript axe cannot run: the same
    pages are checked by the JavaScript run of the journey."""
    size = page.viewport_size
    # The page as the élu sees it once its deferred scripts have run (they open the search filters on a wide screen):
    # checked any earlier, the result would depend on how fast the browser was.
    page.wait_for_load_state("load")
    try:
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": size["height"]})
            assert_no_horizontal_scroll(page)
            if page.javascript:
                screenshot(page, name)
        if page.javascript:
            assert_accessible(page, name, html_config)
    finally:
        page.set_viewport_size(size)


# --- Small helpers, in the élu's words ---------------------------------------------------------------------------


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def last_mail_to(address):
    messages = mails_to(address)
    assert messages, f"no e-mail to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    return messages[-1]


def link_in(message, path_start):
    match = re.search(r"https?://\S+" + re.escape(path_start) + r"\S*", message.body)
    assert match, f"no link to {path_start} in:\n{message.body}"
    return match.group(0)


def field(page, label):
    """The form field whose label reads exactly `label` (crispy-forms adds "*" to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def dossier_state(scope, label):
    """The "État : …" line of a dossier (on its page, or in its card on "Mes dossiers")."""
    return scope.get_by_text(re.compile(rf"^État\s*:\s*{re.escape(label)}$"))
