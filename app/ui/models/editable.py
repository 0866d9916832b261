"""An editable table of small child records (lots, amendments) inside a form.

Cells are typed in French (amounts "1 234,56", dates "31/12/2027"); a value that cannot be read is
refused and ``problem`` tells why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app import format as fmt
from app.errors import ValidationError
from app.ui.widgets.fields import parse_date, parse_int, parse_money

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class EditColumn:
    name: str
    header: str
    kind: str = "text"  # text, int, money, date


class EditableRowsModel(QAbstractTableModel):
    problem = Signal(str)

    def __init__(self, columns: list[EditColumn], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = [dict(r) for r in rows]
        self.endResetModel()

    def add_row(self, values: dict[str, Any]) -> int:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(dict(values))
        self.endInsertRows()
        return len(self.rows) - 1

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def _text(self, column: EditColumn, value: Any) -> str:
        if value is None:
            return ""
        if column.kind == "money":
            return fmt.number(value, 2)
        if column.kind == "date":
            return fmt.date(value)
        return str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = self.rows[index.row()].get(column.name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(column, value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("money", "int"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = self.columns[index.column()]
        text = str(value)
        try:
            if column.kind == "money":
                parsed: Any = parse_money(text, column.header)
            elif column.kind == "int":
                parsed = parse_int(text, column.header)
            elif column.kind == "date":
                parsed = parse_date(text, column.header)
            else:
                parsed = text.strip()
        except ValidationError as exc:
            self.problem.emit(exc.message)
            return False
        self.rows[index.row()][column.name] = parsed
        self.dataChanged.emit(index, index)
        return True
