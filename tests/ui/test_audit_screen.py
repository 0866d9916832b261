"""The « Journal des modifications » screen lists who changed what, filters it, and exports it."""

from __future__ import annotations

import datetime as dt
import platform
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.services import contracts as svc


def add_contract(db, reference: str, user: str) -> None:
    data = svc.ContractInput(
        reference=reference,
        object="Entretien des espaces verts",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        notified_amount=Decimal("9000.00"),
    )
    svc.save_contract(db, db.organisation_id, data, expected_version=None, user_name=user)


@pytest.fixture
def screen(qtbot, new_db):
    from app.ui.context import AppContext
    from app.ui.screens.audit import AuditScreen

    add_contract(new_db, "EV-1", "Marie")
    add_contract(new_db, "EV-2", "Paul")
    widget = AuditScreen(AppContext(new_db, new_db.organisation_id))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=20000)
    return widget


def column(screen, header: str) -> list[str]:
    col = next(
        i
        for i in range(screen.model.columnCount())
        if screen.model.headerData(i, Qt.Orientation.Horizontal) == header
    )
    return [screen.model.data(screen.model.index(r, col)) for r in range(screen.model.rowCount())]


def test_lists_author_machine_record_and_action(screen):
    assert sorted(column(screen, "Auteur")) == ["Marie", "Paul"]
    assert set(column(screen, "Poste")) == {platform.node()}
    assert sorted(column(screen, "Fiche")) == ["EV-1", "EV-2"]
    assert set(column(screen, "Action")) == {"Création"}
    assert "2 modifications" in screen.status.text()


def test_filters_by_author_and_text(qtbot, screen):
    screen.author.setCurrentIndex(screen.author.findData("Paul"))
    qtbot.waitUntil(lambda: column(screen, "Auteur") == ["Paul"], timeout=20000)
    screen.author.setCurrentIndex(0)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=20000)
    screen.text.setText("ev-1")
    qtbot.waitUntil(lambda: column(screen, "Fiche") == ["EV-1"], timeout=20000)
    screen.text.setText("introuvable")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=20000)
    assert "Aucune modification" in screen.status.text()


def test_export_writes_what_is_filtered(qtbot, screen, tmp_path):
    screen.author.setCurrentIndex(screen.author.findData("Marie"))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=20000)
    screen.export(str(tmp_path / "journal"))
    qtbot.waitUntil(lambda: screen.last_export is not None, timeout=20000)
    path, rows = screen.last_export
    assert path.suffix == ".xlsx" and rows == 1
    values = list(load_workbook(path).active.iter_rows(values_only=True))
    assert values[1][1] == "Marie" and values[1][4] == "EV-1"
    assert "exportée" in screen.status.text()


def test_newest_first(screen):
    times = [row.at for row in screen.model.rows]
    assert times == sorted(times, reverse=True)
    assert screen.model.sort_order == Qt.SortOrder.DescendingOrder and screen.model.sort_column == 0
