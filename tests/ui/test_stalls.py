"""What keeps the window responsive on big tables (issue 15): sorting with cached keys that keeps
the selection, columns measured from the model's texts as Qt would, and garbage collection that
never walks the rows of every screen while the window waits."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from app.ui import ops
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.tables import FIT_ROWS, ColumnFitter


@dataclass
class Row:
    name: str
    amount: int | None


COLUMNS = [
    Column("Nom", lambda r: r.name),
    Column("Montant", lambda r: "" if r.amount is None else f"{r.amount} €", sort_key=lambda r: r.amount),
]


def test_sorting_keeps_the_selected_row_and_puts_missing_values_last(qtbot):
    model = RowTableModel(COLUMNS)
    rows = [Row(f"marché {i:03d}", None if i % 7 == 0 else (i * 37) % 101) for i in range(60)]
    model.set_rows(rows)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    chosen = model.rows[10]
    view.selectionModel().setCurrentIndex(
        model.index(10, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    for column, order in (
        (1, Qt.SortOrder.AscendingOrder),
        (1, Qt.SortOrder.DescendingOrder),
        (0, Qt.SortOrder.DescendingOrder),
    ):
        model.sort(column, order)
        current = view.selectionModel().currentIndex()
        assert model.rows[current.row()] is chosen
        assert [model.rows[i.row()] for i in view.selectionModel().selectedRows()] == [chosen]
    model.sort(1, Qt.SortOrder.AscendingOrder)
    amounts = [r.amount for r in model.rows]
    known = [a for a in amounts if a is not None]
    assert known == sorted(known) and amounts[len(known) :] == [None] * (len(amounts) - len(known))


def test_a_cached_sort_key_is_not_reused_for_another_row(qtbot):
    model = RowTableModel(COLUMNS)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.set_rows([Row("b", 1), Row("a", 2)])
    assert [r.name for r in model.rows] == ["a", "b"]
    model.set_rows([Row("z", 1), Row("c", 2)])  # new objects (a reload): their own keys
    assert [r.name for r in model.rows] == ["c", "z"]
    model.set_rows([model.rows[1]])  # a filter: the same objects
    assert [r.name for r in model.rows] == ["z"]


def test_columns_measured_from_the_texts_are_as_wide_as_qt_measures_them(qtbot):
    model = RowTableModel(
        [*COLUMNS, Column("Objet", lambda r: r.name * (1 + r.amount % 5 if r.amount else 1))]
    )
    model.set_rows([Row(f"Fourniture n° {i} — éàç", i * 13 if i % 3 else None) for i in range(FIT_ROWS + 40)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    view.show()
    fitter = ColumnFitter(view)
    for grid in (True, False):
        view.setShowGrid(grid)
        for column in range(model.columnCount()):
            assert fitter._content_width(column) == view.sizeHintForColumn(column)


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_worker_frees_a_small_ops_cycles_and_freezes_what_survives(qtbot):
    found = gc.get_threshold()
    gc.set_threshold(*found[:2], 10)  # as Python starts (an earlier test's worker may have left it)
    collector = ops.YoungCollector()
    try:
        assert gc.get_threshold()[2] == 1 << 30  # no automatic full collection
        kept: list = []

        def small_op() -> None:
            import weakref

            garbage = Cycle()
            kept.append(weakref.ref(garbage))
            kept.append([Row("gardé", 1)])
            del garbage

        frozen = gc.get_freeze_count()
        with collector:
            small_op()
        assert kept[0]() is None  # the op's cycle was freed when it ended
        assert gc.get_freeze_count() > frozen  # its results no longer walked
        assert collector.unreleased == 0

        def big_op() -> list:
            return [Cycle() for _ in range(2 * ops.YoungCollector.FULL_BELOW)]

        with collector:
            rows = big_op()
        assert collector.unreleased >= ops.YoungCollector.FULL_BELOW
        del rows
        assert collector.release() >= 2 * ops.YoungCollector.FULL_BELOW  # the cycles, freed when idle
        assert collector.unreleased == 0
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (*found[:2], 10)  # closing gives back the thresholds it found
    gc.set_threshold(*found)


def test_keys_computed_with_the_read_leave_no_key_to_compute_on_the_gui_thread(qtbot):
    import threading

    calls: list[str] = []

    def amount(row: Row) -> int | None:
        calls.append(threading.current_thread().name)
        return row.amount

    model = RowTableModel([COLUMNS[0], Column("Montant", lambda r: str(r.amount), sort_key=amount)])
    rows = [Row(f"m{i}", (i * 7) % 11) for i in range(30)]
    prepared: list = []
    worker = threading.Thread(target=lambda: prepared.append(model.sort_keys(rows, 1)), name="worker")
    worker.start()
    worker.join()
    assert set(calls) == {"worker"} and len(calls) == len(rows)
    model.add_sort_keys(prepared[0])
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.set_rows(rows)
    assert len(calls) == len(rows)  # none computed again
    assert [r.amount for r in model.rows] == sorted(r.amount for r in rows)
