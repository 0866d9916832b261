"""Entrée opens and Suppr deletes the selected row of a record table (register and reference screens)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.table_keys import TableKeys


def test_enter_opens_and_delete_deletes(qtbot):
    calls: list[str] = []
    model = RowTableModel([Column("Nom", str)])
    model.set_rows(["Écoles", "Voirie"])
    table = QTableView()
    table.setModel(model)
    qtbot.addWidget(table)
    TableKeys(table, lambda: calls.append("open"), lambda: calls.append("delete"))
    table.show()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # other keys keep their usual meaning
    assert calls == ["open", "delete"]
