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
        if p.relative_to(APP).parts[0] not in ("model", "storage", "queries", "services")
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
