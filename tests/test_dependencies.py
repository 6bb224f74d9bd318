"""Dependencies run one way: mailing ← accounts ← trainings ← enrolment (← "is imported by"), and the project
package dife_portal imports no app. Every module of every app is read (its AST): an import inside a function counts
like one at the top. A lower app that must reach a higher one uses a signal or a small registry
(trainings.availability, accounts.deletion). Cache keys and version tokens are the page cache's alone
(trainings/page_cache.py): the other modules use its decorators and fragments."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# From the bottom up: each may import those before it, never those after.
LAYERS = ["mailing", "accounts", "trainings", "enrolment"]
# Apps that import no other app (the FranceConnect simulator stands apart), and the project package.
STANDALONE = ["fc_simulator", "dife_portal"]
APPS = LAYERS + STANDALONE


def imported_apps(source):
    """The apps an absolute import of `source` names, with the line of each (function-level imports included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in APPS]
    return found


def allowed(app):
    if app in STANDALONE:
        return {app}
    return {*LAYERS[: LAYERS.index(app) + 1], "dife_portal"}


def upward_imports(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for target, line in imported_apps(path.read_text(encoding="utf-8")):
            if target not in allowed(app):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return wrong


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_one_above_it(app):
    assert upward_imports(app) == []


def test_the_walk_sees_imports_hidden_in_functions_and_every_form_of_import():
    source = (
        "import os\nfrom . import models\nfrom enrolment.models import Dossier\n"
        "def f():\n    import trainings.search\n    from accounts import services\n"
    )
    assert imported_apps(source) == [("enrolment", 3), ("trainings", 5), ("accounts", 6)]
    assert "enrolment" not in allowed("trainings") and "trainings" not in allowed("dife_portal")


# What the other modules may use of the cache owner: its decorators, its fragments, the clock moment a build names,
# the bulk-change hook and the signal wiring — never a key, a prefix or a version token.
PAGE_CACHE_API = {
    "home_page",
    "search_page",
    "training_page",
    "search_results",
    "training_content",
    "training_sessions",
    "expires_at",
    "catalogue_changed",
    "connect",
}


def page_cache_uses(source):
    """(line, what) for each attribute of `page_cache` a module reads, and each literal that spells one of its
    key prefixes."""
    from trainings import page_cache

    prefixes = {page_cache.PAGE_PREFIX + ":", page_cache.FRAGMENT_PREFIX + ":", page_cache.VERSION_PREFIX}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "page_cache":
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module == "trainings.page_cache":
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [(node.lineno, node.value) for prefix in prefixes if node.value.startswith(prefix)]
    return found


def test_no_module_but_the_cache_owner_handles_cache_keys_or_version_tokens():
    owner = ROOT / "trainings" / "page_cache.py"
    wrong = []
    for app in LAYERS + STANDALONE:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path == owner:
                continue
            for line, what in page_cache_uses(path.read_text(encoding="utf-8")):
                if what not in PAGE_CACHE_API:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} uses {what!r}")
    assert not wrong, wrong


def test_the_cache_walk_sees_attributes_imports_and_key_literals():
    source = (
        "from trainings import page_cache\n"
        "from trainings.page_cache import bump\n"
        "page_cache.bump(['catalogue'])\n"
        "page_cache.search_page\n"
        "KEY = 'page-version:catalogue'\n"
    )
    assert sorted(page_cache_uses(source)) == [
        (2, "bump"),
        (3, "bump"),
        (4, "search_page"),
        (5, "page-version:catalogue"),
    ]
