"""The main window opens on a database and shows its contracts."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_main_window_shows_demo_contracts(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    context = AppContext(demo_db, demo_org)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(1)
    screen = window.stack.currentWidget()
    table = screen.findChild(type(screen.table)) if hasattr(screen, "table") else None
    assert table is not None
    assert table.model().rowCount() >= 40
    first = table.model().index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert first.startswith("VDS-")


def test_every_navigation_entry_opens(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.screens import SCREENS

    window = MainWindow(AppContext(demo_db, demo_org))
    qtbot.addWidget(window)
    for row in range(len(SCREENS)):
        window.nav.setCurrentRow(row)
        assert window.stack.currentIndex() == row
        assert window.stack.currentWidget() is not None
