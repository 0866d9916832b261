"""« Commandes et groupements »: driven with real clicks on the demo database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableView
from sqlalchemy import func, select


@pytest.fixture
def screen(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.screens.orders import OrdersScreen

    widget = OrdersScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def compute(qtbot, screen, year=2025):
    screen.year_combo.setCurrentIndex(screen.year_combo.findData(year))
    qtbot.mouseClick(screen.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.proposal is not None and screen.compute_button.isEnabled(), timeout=20000)


def test_census_and_proposal_after_clicking_compute(qtbot, screen):
    assert screen.year_combo.count() >= 2
    assert not screen.accept_button.isEnabled()
    compute(qtbot, screen)
    census_rows = screen.census_model.rowCount()
    assert census_rows >= 5
    # Switch the census to departments with the combo box, as a user would.
    screen.dimension_combo.setCurrentIndex(screen.dimension_combo.findData("department"))
    labels = {screen.census_model.index(r, 0).data() for r in range(screen.census_model.rowCount())}
    assert "Écoles" in labels
    assert screen.groups_model.rowCount() == screen.proposal.result.orders_after
    first_size = screen.groups_model.index(0, 2).data()
    assert int(first_size) >= 2  # largest groups first
    assert "commandes groupées" in screen.proposal_summary.text()
    assert screen.chart.families and len(screen.chart.scenarios) == 3
    assert screen.calendar_model.rowCount() >= 5
    assert "une commande groupée" in screen.calendar_model.index(0, 1).data()
    assert screen.joint_model.rowCount() >= 1
    # Sorting by clicking a header sorts the Python list (no proxy model).
    screen.tabs.setCurrentIndex(1)
    header = screen.groups_table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_point(header, 2))
    sizes = [screen.groups_model.rows[i].size for i in range(screen.groups_model.rowCount())]
    assert sizes == sorted(sizes) or sizes == sorted(sizes, reverse=True)


def _section_point(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(
        header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2
    )


def test_accepting_records_a_grouping_plan(qtbot, screen, demo_db):
    from app.model import GroupedOrderItem, GroupingPlan

    compute(qtbot, screen)
    screen.tabs.setCurrentIndex(1)
    assert screen.accept_button.isEnabled()
    qtbot.mouseClick(screen.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "enregistré" in screen.status.text(), timeout=20000)
    with demo_db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(GroupingPlan)) == 1
        items = s.scalar(select(func.count()).select_from(GroupedOrderItem))
    assert items == sum(g.size for g in screen.proposal.result.merged_groups)


def test_recording_a_joint_purchasing_group(qtbot, screen, demo_db, monkeypatch):
    from app.model import PurchasingGroup

    compute(qtbot, screen)
    screen.tabs.setCurrentIndex(3)
    assert not screen.record_button.isEnabled()
    table: QTableView = screen.joint_table
    rect = table.visualRect(screen.joint_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.record_button.isEnabled()
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    assert "enregistré" in screen.status.text()
    with demo_db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(PurchasingGroup)) == 1
    # Recording it twice is refused with a French message, not a traceback.
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    assert shown and "déjà enregistré" in shown[0]


def test_exports_pdf_and_xlsx(qtbot, screen, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    compute(qtbot, screen)
    targets = iter([str(tmp_path / "rapport"), str(tmp_path / "groupes.xlsx")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(targets), ""))
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (tmp_path / "rapport.pdf").exists() and "Rapport écrit" in screen.status.text(), timeout=30000
    )
    qtbot.mouseClick(screen.xlsx_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Classeur écrit" in screen.status.text(), timeout=20000)
    assert (tmp_path / "groupes.xlsx").stat().st_size > 0


def test_capacity_limit_from_the_controls(qtbot, screen):
    assert not screen.capacity.isEnabled()
    screen.unit_combo.setCurrentIndex(screen.unit_combo.findData("kg"))
    assert screen.capacity.isEnabled()
    screen.capacity.setValue(200)
    compute(qtbot, screen)
    result = screen.proposal.result
    assert screen.proposal.capacity == 200
    assert result.lower_bound <= result.orders_after
    assert all(sum(o.weight_kg or 0 for o in g.orders) <= 200 for g in result.groups if g.size > 1)


def test_models_pass_the_model_tester(qtbot, qtmodeltester, screen):
    compute(qtbot, screen)
    for model in (screen.census_model, screen.groups_model, screen.calendar_model, screen.joint_model):
        qtmodeltester.check(model)
