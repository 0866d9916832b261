"""The GUI is thin: screens, dialogs and widgets reach the file only through services run by the
ops layer, never through the storage, file-format or PDF layers themselves."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "app" / "ui"
FORBIDDEN = ("app.storage", "app.io", "app.reports")

# Each import that must stay, with the reason. Type-only imports (under ``if TYPE_CHECKING:``)
# are not listed: they load nothing at run time.
ALLOWED = {
    ("app/ui/ops/open_file.py", "app.storage"): "opens the file the user picked at start-up or with "
    "« Ouvrir… » (on the database worker, like the CLI's commands/common.py)",
    ("app/ui/ops/presence.py", "app.storage.presence"): "who else has the file open and whether "
    "another window changed it (presence rows, PRAGMA data_version; run on the database worker)",
    ("app/ui/screens/orders.py", "app.reports.grouping"): "writes the report of the proposal shown "
    "(computed with the screen's capacity); the grouping service only writes one it recomputes",
    ("app/ui/dialogs/import_dialog.py", "app.io.decp"): "preview of a DECP file's rows before the "
    "import (file format only, no database; run on the worker)",
    ("app/ui/dialogs/import_dialog.py", "app.io.templates"): "the template's column names shown in "
    "the mapping dialog (file format only)",
    ("app/ui/dialogs/import_dialog.py", "app.io.cells"): "header folding to match a column by name "
    "(file format only)",
    ("app/ui/dialogs/print_preview.py", "app.io.output"): "« Enregistrer sous… » copies the PDF shown "
    "through the one helper that writes a user's file aside then renames it (no database)",
    ("app/ui/dialogs/printing.py", "app.reports.table"): "prints the list the screen shows, cell by "
    "cell as displayed (no database: the rows come from the view's model)",
}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "app":
                names.update(f"app.{alias.name}" for alias in node.names)
    return names


def layer_violations() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(UI.rglob("*.py")):
        for name in runtime_imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                found.add((path.relative_to(ROOT).as_posix(), name))
    return found


def test_ui_imports_neither_storage_nor_io_nor_reports():
    unexpected = {v for v in layer_violations() if v not in ALLOWED}
    assert not unexpected, "import through a service and an op instead: " + ", ".join(
        f"{module} imports {name}" for module, name in sorted(unexpected)
    )


def test_every_allowed_import_is_still_needed():
    assert set(ALLOWED) <= layer_violations(), set(ALLOWED) - layer_violations()


def test_the_detector_sees_imports_inside_functions_and_skips_type_only_ones(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.storage.database import Database\n"
        "def f():\n    from app.reports.cad import build\n    from app import io\n"
    )
    assert runtime_imports(module) == {"typing", "app.reports.cad", "app", "app.io"}


def test_no_database_work_on_the_global_thread_pool_and_no_feature_probes():
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "QThreadPool.globalInstance" in text or "find_spec(" in text:
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
