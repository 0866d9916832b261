"""Offscreen rendering check used by ``achats-durables selftest`` (the installer's smoke test)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def render_main_window(database: Path) -> str:
    """Open ``database`` in the main window offscreen and grab it; raises on any failure."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import wait_for_ops
    from app.ui.ops.open_file import open_database_in

    app = make_application([sys.argv[0]])
    translator = QTranslator()
    if not translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        raise RuntimeError("qtbase_fr not found")
    context = AppContext()
    window = MainWindow(context)
    open_database_in(context, database, window)
    wait_for_ops()
    if not context.ready:
        raise RuntimeError("demo did not open")
    window.resize(1024, 700)
    window.show()
    app.processEvents()
    image = window.grab()
    window.close()
    context.set_database(None, None)
    if image.isNull():
        raise RuntimeError("window not rendered")
    return f"window={image.width()}x{image.height()} qtbase_fr=True"
