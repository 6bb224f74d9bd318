"""Dependencies run one way: mailing ← accounts ← trainings ← enrolment (← "is imported by"), and the project
package dife_portal imports no app. Every module of every app is read (its AST): an import inside a function counts
like one at the top. A lower app that must reach a higher one uses a signal or a small registry
(trainings.availability, accounts.deletion)."""

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
