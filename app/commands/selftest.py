"""``selftest``: prove an installed (or frozen) build works, offscreen: opens a copy of the demo,
renders the main window, writes a PDF, checks the XML guard and the migrations. Exit 0 when all pass."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("selftest", help="vérifier que l'installation fonctionne (sans écran)")
    p.set_defaults(func=cmd_selftest)


def _checks(workdir: Path) -> list[tuple[str, bool, str]]:
    import shutil

    results: list[tuple[str, bool, str]] = []

    def check(name: str, fn) -> None:  # noqa: ANN001
        try:
            detail = fn()
            results.append((name, True, str(detail or "")))
        except Exception as exc:  # a self-test reports every failure instead of stopping at the first
            results.append((name, False, f"{type(exc).__name__}: {exc}"))

    demo = workdir / "demo.sqlite"

    def copy_demo() -> str:
        from app.demo.database import write_demo
        from app.paths import demo_database

        if demo_database().exists():
            shutil.copyfile(demo_database(), demo)
        else:
            write_demo(demo)
        return str(demo)

    def migrations() -> str:
        from app.storage.migrate import HEAD, script_head

        head = script_head()
        if head != HEAD:
            raise RuntimeError(f"head {head} != {HEAD}")
        return f"head={head}"

    def database() -> str:
        from app.storage import open_database
        from app.storage.integrity import check_database

        db = open_database(demo)
        try:
            report = check_database(db)
        finally:
            db.dispose()
        if not report.ok:
            raise RuntimeError(report.integrity)
        return f"contracts={report.counts['contract']}"

    def defusedxml() -> str:
        import openpyxl.xml

        if not openpyxl.xml.DEFUSEDXML:
            raise RuntimeError("openpyxl does not use defusedxml")
        return "defusedxml=True"

    def pdf() -> str:
        from reportlab.platypus import Paragraph

        from app.reports.base import build_document, styles

        out = workdir / "selftest.pdf"
        pages = build_document(
            out,
            [Paragraph("Achats Durables : éàçœ €", styles()["body"])],
            organisation="Autotest",
            title="Autotest",
        )
        # The print preview renders PDFs with pdfium, a library loaded at run time that a frozen
        # build can leave out without any import failing: render the page to prove it is there.
        import pypdfium2

        document = pypdfium2.PdfDocument(str(out))
        try:
            bitmap = document[0].render(scale=0.2)
            width, height = bitmap.width, bitmap.height
        finally:
            document.close()
        return f"pages={pages} aperçu={width}x{height}"

    def window() -> str:
        import importlib

        from app.ui.screens import SCREENS
        from app.ui.selftest import render_main_window

        detail = render_main_window(demo)
        # Screens are imported by name: a frozen build that lost one would show its explanation
        # instead of the screen, and printing needs QtPrintSupport, which only a dialog imports.
        for spec in SCREENS:
            importlib.import_module(spec.module)
        importlib.import_module("PySide6.QtPrintSupport")
        return f"{detail} écrans={len(SCREENS)}"

    for name, fn in (
        ("démo", copy_demo),
        ("migrations", migrations),
        ("base", database),
        ("xml", defusedxml),
        ("pdf", pdf),
        ("fenêtre", window),
    ):
        check(name, fn)
    return results


def cmd_selftest(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="achats-durables-selftest-") as tmp:
        results = _checks(Path(tmp))
    for name, ok, detail in results:
        print(f"{'OK ' if ok else 'ÉCHEC'} {name:12s} {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1
