"""Browser journeys: Playwright drives Debian's Chromium against the live test server.

Chromium is installed by `make test` (apt-get install -y chromium). Where it cannot run, the tests
are skipped with the reason, loudly; in CI (CI=true) a missing browser is a failure instead.
"""

import os
import shutil
from pathlib import Path

import pytest

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
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, *, width=1280, height=900, javascript=True):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, width=360, height=780)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _new_page(browser, javascript=False)
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


def assert_accessible(page, label=""):
    """axe-core on the current page state: zero violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )
    assert not violations, f"axe violations on {label or page.url}:\n{details}"


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls horizontally by {overflow}px at {page.viewport_size['width']}px"
