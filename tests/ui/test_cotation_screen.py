"""Cotation et CAD and Rapports screens, driven with clicks and keys on the demo database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QSpinBox

from app.services.committee import committee_view
from app.services.cotation import load_assessment


def make_screen(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.screens.cotation import create

    context = AppContext(demo_db, demo_org)
    screen = create(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.show()
    return screen, context


def test_due_list_and_target(qtbot, demo_db, demo_org):
    screen, _ = make_screen(qtbot, demo_db, demo_org)
    assert screen.present_model.rowCount() >= 5
    assert "objectif 60 %" in screen.target_label.text()
    assert screen.present_model.index(0, 0).data().startswith("VDS-")


def test_assess_override_and_save(qtbot, demo_db, demo_org):
    screen, context = make_screen(qtbot, demo_db, demo_org)
    context.user_name = "Claire"
    # Pick a contract not yet assessed and open it with a double click.
    row = next(i for i, r in enumerate(screen.present_model.rows) if not r.assessed)
    contract_id = screen.present_model.rows[row].contract_id
    rect = screen.present_table.visualRect(screen.present_model.index(row, 0))
    qtbot.mouseClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.tabs.currentIndex() == 1 and screen.view.contract_id == contract_id
    assert "Potentiel durable" in screen.score_label.text()
    assert len(screen.chart.bars) == screen.ratings_model.rowCount() > 0

    # Override the first lever's stake with the keyboard: select the cell, type 0, Enter.
    index = screen.ratings_model.index(0, 1)
    screen.grid.setCurrentIndex(index)
    screen.grid.setFocus()
    qtbot.keyClick(screen.grid, Qt.Key.Key_F2)  # F2 opens the rating's editor
    editor = screen.grid.findChild(QSpinBox)
    assert editor is not None and editor.maximum() == 3
    for _ in range(3):  # down to 0, and no further
        qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.ratings_model.ratings[0].stake == 0)  # the delegate commits queued
    assert screen.ratings_model.ratings[0].stake == 0
    assert screen.ratings_model.ratings[0].overridden
    assert "(modifié)" in screen.ratings_model.index(0, 0).data()
    assert screen.chart.bars[0][1] == 0
    qtbot.keyClicks(screen.notes, "Sourcing fait")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    saved = load_assessment(demo_db, contract_id, 2026)
    assert saved.saved and saved.notes == "Sourcing fait" and saved.assessed_by == "Claire"
    assert saved.ratings[0].stake == 0 and saved.ratings[0].prefilled_stake != 0
    assert any(r.contract_id == contract_id and r.assessed for r in screen.present_model.rows)
    # Restoring the proposal brings the pre-filled value back (not saved until asked).
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    assert screen.ratings_model.ratings[0].stake == saved.ratings[0].prefilled_stake


def test_committee_decision_close_and_bilan(qtbot, demo_db, demo_org, monkeypatch):
    screen, _ = make_screen(qtbot, demo_db, demo_org)
    problems = []
    monkeypatch.setattr(
        "app.ui.dialogs.errors.show_error", lambda parent, exc, *a: problems.append(exc.message)
    )
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: problems.append(a[2]))
    screen.tabs.setCurrentIndex(2)
    screen.meeting_date.setDate(QDate(2026, 11, 20))
    qtbot.mouseClick(screen.save_session_button, Qt.MouseButton.LeftButton)
    assert committee_view(demo_db, demo_org, 2026).meeting_date.day == 20
    qtbot.mouseClick(screen.present_button, Qt.MouseButton.LeftButton)
    assert screen.decision_model.rowCount() >= 5

    rect = screen.decision_table.visualRect(screen.decision_model.index(0, 0))
    qtbot.mouseClick(screen.decision_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(screen.targeted, Qt.Key.Key_Space)
    screen.actions.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(screen.comment, "Prioritaire")
    qtbot.mouseClick(screen.decide_button, Qt.MouseButton.LeftButton)
    assert problems == []
    first = committee_view(demo_db, demo_org, 2026).decisions[0]
    assert first.targeted and first.actions == ["insertion_clause"] and first.comment == "Prioritaire"
    assert screen.decision_model.index(0, 4).data() == "oui"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert committee_view(demo_db, demo_org, 2026).closed
    assert not screen.decide_button.isEnabled() and "clôturé" in screen.session_label.text()

    screen.committee_tabs.setCurrentIndex(1)
    assert screen.bilan_model.rowCount() >= 3
    pending = next(i for i, d in enumerate(screen.bilan_model.rows) if d.targeted and d.review_done is None)
    screen.bilan_table.selectRow(pending)
    screen.review_done.setCurrentIndex(screen.review_done.findData(True))
    qtbot.keyClicks(screen.review_comment, "Clause faite")
    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
    reviewed = committee_view(demo_db, demo_org, 2026).bilan[pending]
    assert reviewed.review_done is True and reviewed.review_comment == "Clause faite"


def test_user_error_is_shown_not_raised(qtbot, demo_db, demo_org, monkeypatch):
    screen, _ = make_screen(qtbot, demo_db, demo_org)
    shown = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc.message))
    qtbot.mouseClick(screen.present_button, Qt.MouseButton.LeftButton)
    screen.decision_table.selectRow(0)
    screen.targeted.setChecked(True)
    for i in range(screen.actions.count()):
        screen.actions.item(i).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(screen.decide_button, Qt.MouseButton.LeftButton)
    assert shown and "au moins une action" in shown[0]


def test_reports_screen_writes_and_opens_the_dossier(qtbot, demo_db, demo_org, tmp_path, monkeypatch):
    from app.ui.context import AppContext
    from app.ui.dialogs.print_preview import PrintPreviewDialog
    from app.ui.screens import reports

    printed = []
    monkeypatch.setattr(
        PrintPreviewDialog, "print_document", lambda self, printer=None: printed.append(self.path) or 3
    )
    screen = reports.create(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    target = tmp_path / "dossier.pdf"
    screen.path.setText(str(target))
    qtbot.mouseClick(screen.cad_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.open_button.isEnabled(), timeout=20000)
    assert target.exists() and target.read_bytes().startswith(b"%PDF")
    # shown in the app's own print preview, no external viewer
    assert screen.preview.isVisible() and screen.preview.path == target and "pages" in screen.status.text()
    screen.preview.reject()
    qtbot.mouseClick(screen.print_button, Qt.MouseButton.LeftButton)
    assert printed == [Path(target)] and screen.status.text() == "3 pages envoyées à l'imprimante."
    assert screen.grouping_button.isVisibleTo(screen) == (reports.grouping_writer() is not None)
