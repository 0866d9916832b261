"""Keyboard for record tables: Entrée opens the selected row, Suppr deletes it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView


class TableKeys(QObject):
    def __init__(
        self, table: QAbstractItemView, on_open: Callable[[], None], on_delete: Callable[[], None]
    ) -> None:
        super().__init__(table)
        self._table = table
        self._on_open = on_open
        self._on_delete = on_delete
        table.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802
        if obj is self._table and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_open()
                return True
            if event.matches(QKeySequence.StandardKey.Delete):
                self._on_delete()
                return True
        return super().eventFilter(obj, event)
