"""A table model over a list of plain rows (DTOs), described by columns; sorting in Python.

Never queries in ``data()``: the screen hands over rows it got from a service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None  # defaults to the displayed text
    align_right: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    foreground: Callable[[Any], Any] | None = None  # a QColor or None
    decoration: Callable[[Any], Any] | None = None  # a QIcon or None (e.g. a lock on a read-only row)


def _none_last(key: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def wrapped(row: Any) -> tuple:
        value = key(row)
        return (value is None or value == "", value if value is not None else 0)

    return wrapped


# Roles as plain ints: ``data()`` runs for every cell painted or measured, several roles each.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_ROLES = frozenset((_DISPLAY, _ALIGN, _TOOLTIP, _FOREGROUND, _DECORATION))
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        # column -> ({id(row): key}, [rows keyed]): a row's sort key is computed once, not at each
        # sort or filter (the rows are kept so that their ids cannot be reused meanwhile).
        self._keys: dict[int, tuple[dict[int, Any], list[Any]]] = {}

    # --- data -----------------------------------------------------------------------------------
    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if any(len(kept) > 2 * len(self.rows) + 1000 for _cache, kept in self._keys.values()):
            self._keys.clear()  # rows of a previous load
        if self.sort_column >= 0:
            self._sort_rows()
        self.endResetModel()

    def sort_keys(self, rows: list[Any], column: int | None = None) -> tuple[int, list[Any], list[Any]]:
        """The sort keys of ``rows`` for ``column`` (default: the current sort column), computed
        without touching Qt: run it on the database worker with the read, hand the result to
        ``add_sort_keys`` before ``set_rows``, and the GUI thread computes no key."""
        column = self.sort_column if column is None else column
        if not 0 <= column < len(self.columns):
            return -1, [], []
        spec = self.columns[column]
        return column, list(rows), list(map(_none_last(spec.sort_key or spec.display), rows))

    def set_columns(self, columns: list[Column], sort_column: int) -> None:
        """Other columns (e.g. the register with the other towns' contracts): the cached sort keys
        were by column number, so they go."""
        self.beginResetModel()
        self.columns = columns
        self.sort_column = sort_column
        self._keys.clear()
        self.endResetModel()

    def add_sort_keys(self, prepared: tuple[int, list[Any], list[Any]]) -> None:
        column, rows, keys = prepared
        if column < 0:
            return
        cache, kept = self._keys.setdefault(column, ({}, []))
        if len(kept) > len(rows) + 1000:
            cache.clear()  # the rows of a previous load
            kept.clear()
        cache.update(zip(map(id, rows), keys, strict=True))
        kept.extend(rows)

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def column_texts(self, column: int, rows: range) -> list[str]:
        """The displayed texts of ``column`` for ``rows`` (to measure a column without ``data()``)."""
        display = self.columns[column].display
        return [display(self.rows[r]) for r in rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        role = int(role)
        if role not in _ROLES:
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self.rows) and 0 <= c < len(self.columns)):
            return None
        column = self.columns[c]
        if role == _DISPLAY:
            return column.display(self.rows[r])
        if role == _ALIGN:
            return _RIGHT if column.align_right else _LEFT
        if role == _TOOLTIP:  # long texts are cut in narrow columns
            row = self.rows[r]
            return column.tooltip(row) if column.tooltip is not None else column.display(row)
        if role == _FOREGROUND:
            return column.foreground(self.rows[r]) if column.foreground is not None else None
        if column.decoration is not None:  # _DECORATION
            return column.decoration(self.rows[r])
        return None

    # --- sorting (in Python: a proxy model is far too slow on large tables) -----------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()  # the selection and the current row follow their rows
        before = [(index, self.rows[index.row()]) for index in kept if 0 <= index.row() < len(self.rows)]
        self.sort_column, self.sort_order = column, order
        self._sort_rows()
        if before:
            ids = list(map(id, self.rows))
            position = {id(row): ids.index(id(row)) for row in {id(r): r for _i, r in before}.values()}
            self.changePersistentIndexList(
                [index for index, _row in before],
                [self.index(position[id(row)], index.column()) for index, row in before],
            )
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        """Sort by the column's key, each row's key computed once (a filter or a second sort looks
        the keys up in C: 10,000 rows in a few milliseconds)."""
        column = self.columns[self.sort_column]
        cache, kept = self._keys.setdefault(self.sort_column, ({}, []))
        ids = list(map(id, self.rows))
        if not cache.keys() >= set(ids):
            key = _none_last(column.sort_key or column.display)
            new = [row for row in self.rows if id(row) not in cache]
            cache.update(zip(map(id, new), map(key, new), strict=True))
            kept.extend(new)  # kept alive: their ids cannot be reused while in the cache
        keys = list(map(cache.__getitem__, ids))
        order = sorted(
            range(len(keys)), key=keys.__getitem__, reverse=self.sort_order == Qt.SortOrder.DescendingOrder
        )
        rows = self.rows
        self.rows = [rows[i] for i in order]
