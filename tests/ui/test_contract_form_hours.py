"""The « Heures d'insertion » tab of the contract form: a user adds a year, types the hours as the
PLIE reported them and saves them on their own or with the contract; a wrong figure or a figure
changed meanwhile on another workstation is refused in French and nothing is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from app.model import Contract
from app.services.audit import history
from app.services.insertion_hours import list_insertion_hours, set_insertion_hours
from app.ui.context import AppContext
from app.ui.dialogs.contract_form import ContractDialog


@pytest.fixture
def warnings(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


@pytest.fixture
def opened(qtbot, demo_db, demo_org):
    """The form of a demo contract without insertion hours, on its « Heures d'insertion » tab."""
    with demo_db.session(write=False) as s:
        ids = s.scalars(
            select(Contract.id).where(Contract.organisation_id == demo_org).order_by(Contract.reference)
        )
        contract_id = next(i for i in ids if not list_insertion_hours(demo_db, i))
    dialog = ContractDialog(AppContext(demo_db, demo_org), contract_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    index = dialog.tabs.indexOf(dialog.hours)
    assert dialog.tabs.tabText(index) == "Heures d'insertion"
    dialog.tabs.setCurrentIndex(index)
    return dialog, contract_id


def _type_line(qtbot, dialog, year: str, hours: str, source: str) -> None:
    """« Ajouter une année » opens the hours cell for typing; then the year and the source."""
    table = dialog.hours
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    for column, text in ((1, hours), (0, year), (2, source)):
        index = table.model.index(table.model.rowCount() - 1, column)
        table.view.setCurrentIndex(index)
        table.view.edit(index)
        editor = QApplication.focusWidget()
        editor.selectAll()
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_hours_saved_on_their_own_and_shown_in_the_history(qtbot, demo_db, opened, warnings):
    dialog, contract_id = opened
    _type_line(qtbot, dialog, "2025", "412,5", "Bilan du PLIE 2025")
    qtbot.mouseClick(dialog.hours.save_button, Qt.MouseButton.LeftButton)
    assert warnings == []
    saved = list_insertion_hours(demo_db, contract_id)
    assert [(r.year, r.hours, r.source) for r in saved] == [(2025, Decimal("412.50"), "Bilan du PLIE 2025")]
    assert dialog.hours.status.text() == "Heures d'insertion enregistrées."
    assert dialog.isVisible()  # the form stays open
    assert any("Heures d'insertion 2025" in entry.changes for entry in history(demo_db, contract_id))
    assert dialog.history_model.rowCount() >= 1


def test_hours_saved_with_the_contract(qtbot, demo_db, opened, warnings):
    dialog, contract_id = opened
    _type_line(qtbot, dialog, "2024", "80", "")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert warnings == [] and dialog.saved is not None
    assert [(r.year, r.hours) for r in list_insertion_hours(demo_db, contract_id)] == [(2024, Decimal(80))]


def test_a_negative_figure_is_refused_and_nothing_is_saved(qtbot, demo_db, opened, warnings):
    dialog, contract_id = opened
    _type_line(qtbot, dialog, "2025", "-12", "")
    with demo_db.session(write=False) as s:  # the contract row must not change either
        before = s.get(Contract, contract_id).version
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1 and "n'est pas possible" in warnings[0], warnings
    assert dialog.saved is None and dialog.tabs.currentWidget() is dialog.hours
    assert list_insertion_hours(demo_db, contract_id) == ()
    with demo_db.session(write=False) as s:
        assert s.get(Contract, contract_id).version == before


def test_a_figure_entered_meanwhile_elsewhere_is_not_overwritten(qtbot, demo_db, opened, warnings, demo_org):
    dialog, contract_id = opened
    _type_line(qtbot, dialog, "2025", "100", "")
    set_insertion_hours(
        demo_db,
        contract_id,
        2025,
        Decimal(300),
        source="autre poste",
        user_name="Paul Durand",
        expected_version=0,
        organisation_id=demo_org,
    )
    qtbot.mouseClick(dialog.hours.save_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1 and "entre-temps par Paul Durand" in warnings[0]
    assert [(r.year, r.hours) for r in list_insertion_hours(demo_db, contract_id)] == [(2025, Decimal(300))]
    # the table now shows what is saved
    assert [(r["year"], r["hours"]) for r in dialog.hours.model.rows] == [(2025, Decimal("300.00"))]


def test_a_new_contract_says_its_hours_go_with_it(qtbot, demo_db, demo_org):
    dialog = ContractDialog(AppContext(demo_db, demo_org))
    qtbot.addWidget(dialog)
    assert not dialog.hours.save_button.isEnabled()
    assert "enregistrées avec le marché" in dialog.hours.status.text()
