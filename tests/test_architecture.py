"""Dependencies point one way (DESIGN.md): pure layers import neither Qt nor SQLAlchemy, and only
``ui`` imports Qt."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.startswith("app."):
                names.add(node.module)
    return names


def python_files(*packages: str):
    for package in packages:
        yield from sorted((APP / package).rglob("*.py"))


@pytest.mark.parametrize("path", list(python_files("rules", "grouping", "io", "reports")), ids=str)
def test_pure_layers_import_neither_qt_nor_sqlalchemy(path):
    imports = imported_modules(path)
    assert not imports & {"PySide6", "sqlalchemy", "alembic"}, f"{path} imports {imports}"
    assert not any(
        name.startswith(("app.model", "app.storage", "app.services", "app.ui")) for name in imports
    )


@pytest.mark.parametrize(
    "path",
    [p for p in APP.rglob("*.py") if "ui" not in p.relative_to(APP).parts[:1]],
    ids=str,
)
def test_only_ui_imports_qt(path):
    assert "PySide6" not in imported_modules(path)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in APP.rglob("*.py")
        if p.relative_to(APP).parts[0] not in ("model", "storage", "queries", "services", "demo")
    ],
    ids=str,
)
def test_only_model_storage_and_services_import_sqlalchemy(path):
    assert not imported_modules(path) & {"sqlalchemy", "alembic"}, f"{path} reaches the database directly"


AMOUNT_CHOICE = re.compile(
    r"(notified_amount|estimated_amount)\s*(if\b|or\b|is not None|is None|else\b)"
    r"|(if|else|or)\s+\w*\.?(notified_amount|estimated_amount)\b"
)
MONTH_ARITHMETIC = re.compile(r"def\s+_?(add_months|months_between|duration_months)\b")


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=str)
def test_one_home_for_the_contract_amount_and_the_calendar(path):
    """A contract's amount is chosen among notified/estimated/maximum only in app.rules.contract, and
    month arithmetic lives only in app.rules.calendar (DESIGN.md "Where shared things live")."""
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(APP).as_posix()
    if relative not in ("rules/contract.py",):
        assert not AMOUNT_CHOICE.search(text), f"{relative} picks a contract amount itself: use ContractFacts"
    if relative != "rules/calendar.py":
        assert not MONTH_ARITHMETIC.search(text), (
            f"{relative} has its own month arithmetic: use rules.calendar"
        )


def test_every_file_for_the_user_is_written_through_the_output_helper():
    """A file is written (``open(…, "w")``, ``write_text``, ``write_bytes``, ``.save(path)``,
    ``SimpleDocTemplate``, ``shutil.copy*``) only inside ``with output_path(…)`` (app/io/output.py:
    aside, fsync, atomic replace, French errors), or ``building_aside`` for a database file. Files that
    are not the user's (the app's own state, backups, logs) are listed with their reason."""
    not_for_the_user = {
        "io/output.py": "the helper itself",
        "services/recent.py": "the app's list of recent files, in its own data folder",
        "log.py": "the app's log",
        "commands/selftest.py": "the self-test's own temporary folder",
    }
    methods = {"write_text", "write_bytes", "save", "copyfile", "copy", "copy2"}  # path.…, wb.…, shutil.…
    builders = {"SimpleDocTemplate", "Canvas"}
    guards = {"output_path", "building_aside"}

    def name(node: ast.AST) -> str:
        return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""

    def unguarded_writes(source: str) -> list[int]:
        found: list[int] = []

        def visit(node: ast.AST, guarded: bool) -> None:
            if isinstance(node, ast.With | ast.AsyncWith):
                guarded = guarded or any(
                    isinstance(item.context_expr, ast.Call) and name(item.context_expr.func) in guards
                    for item in node.items
                )
            if isinstance(node, ast.Call) and not guarded:
                called = name(node.func)
                mode = (
                    node.args[1]
                    if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "mode"), None)
                )
                writes_file = (
                    called == "open" and isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+")
                )
                method = isinstance(node.func, ast.Attribute) and called in methods
                if (
                    writes_file
                    or called in builders
                    or (method and (node.args or called.startswith("write_")))
                ):
                    found.append(node.lineno)
            for child in ast.iter_child_nodes(node):
                visit(child, guarded)

        visit(ast.parse(source), False)
        return found

    planted = (
        'def export(wb, out):\n    wb.save(out)\n    with open(out, "w") as fh:\n        fh.write("x")\n'
    )
    assert unguarded_writes(planted) == [2, 3], "the rule must catch a planted direct write"
    assert (
        unguarded_writes("def export(wb, out):\n    with output_path(out) as part:\n        wb.save(part)\n")
        == []
    )
    offenders = [
        f"{path.relative_to(APP).as_posix()}:{line}"
        for path in sorted(APP.rglob("*.py"))
        if path.relative_to(APP).as_posix() not in not_for_the_user
        and path.relative_to(APP).parts[0] != "storage"
        for line in unguarded_writes(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"files written without app.io.output.output_path: {offenders}"
