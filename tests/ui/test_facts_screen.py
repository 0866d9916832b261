"""« Données à compléter », driven as a user would: a town's own register, its markers, proposals
accepted for all, a fact set on a mouse/keyboard selection, editing in place, a concurrent edit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.services.facts import facts_rows
from app.services.imports import import_file
from app.ui.context import AppContext
from app.ui.screens.facts import TO_FILL, FactEditDialog, FactsScreen

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"


def saint_aubin(qtbot, db):
    import_file(db, db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    context = AppContext(db, db.organisation_id)
    screen = FactsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 14, timeout=10000)
    return screen, context


def column(screen, header: str) -> int:
    return next(i for i, c in enumerate(screen.model.columns) if c.header == header)


def row_of(screen, reference: str) -> int:
    return next(i for i, r in enumerate(screen.model.rows) if r.reference == reference)


def click_row(qtbot, screen, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = screen.table.visualRect(screen.model.index(row, 0))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def answer_editor(qtbot, field_label: str, value: str, calls: list) -> None:
    """Fill the modal « Modifier » dialog when it opens, then click its OK button."""

    def fill() -> None:
        dialog = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, FactEditDialog) and w.isVisible()
        )
        calls.append(dialog.field_combo.currentText())
        if field_label:
            dialog.field_combo.setCurrentIndex(dialog.field_combo.findText(field_label))
        dialog.set_value_text(value)
        ok = dialog.ok_button
        calls.append(ok.text())
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(200, fill)


def test_markers_in_text_and_provenance_in_tooltip(qtbot, new_db):
    screen, _ = saint_aubin(qtbot, new_db)
    r = row_of(screen, "2024-03")
    recurrent = screen.model.index(r, column(screen, "Récurrent"))
    assert recurrent.data() == "— proposé : oui"
    assert "Source" in recurrent.data(Qt.ItemDataRole.ToolTipRole)
    assert "Proposition : oui" in recurrent.data(Qt.ItemDataRole.ToolTipRole)
    assert screen.model.index(r, column(screen, "Nature")).data().endswith("(à confirmer)")
    assert screen.model.index(r, column(screen, "Code CPV")).data() == TO_FILL
    assert screen.model.index(r, column(screen, "Durée")).data() == "48 mois (déduit)"
    assert "CAD" in screen.model.index(r, column(screen, "Manque pour")).data()
    # The search box filters in the model.
    qtbot.keyClicks(screen.search, "cantine")
    qtbot.waitUntil(lambda: [row.reference for row in screen.model.rows] == ["2024-03"], timeout=3000)


def test_accept_all_proposals_when_nothing_is_selected(qtbot, new_db):
    screen, _ = saint_aubin(qtbot, new_db)
    assert "tous : 14" in screen.accept_button.text()
    qtbot.mouseClick(screen.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "enregistrée" in screen.status.text(), timeout=10000)
    rows = {r.reference: r for r in facts_rows(new_db, new_db.organisation_id)}
    assert rows["2024-03"].cells["recurrent"].value is True
    assert rows["2025-05"].cells["recurrent"].value is False  # one-off works
    assert not any(r.proposals for r in rows.values())
    qtbot.waitUntil(lambda: screen.model.index(0, column(screen, "Récurrent")).data() in ("oui", "non"))
    assert screen.accept_button.text() == "&Accepter les propositions (tous : 0 marché)"
    assert not screen.accept_button.isEnabled()


def test_set_a_fact_on_a_keyboard_and_mouse_selection(qtbot, new_db):
    screen, _ = saint_aubin(qtbot, new_db)
    screen.table.setFocus()
    click_row(qtbot, screen, 0)
    qtbot.keyClick(screen.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(screen.selected_rows()) == 14
    assert "14 sélectionnés" in screen.accept_button.text()
    click_row(qtbot, screen, 1)
    click_row(qtbot, screen, 3, Qt.KeyboardModifier.ShiftModifier)
    click_row(qtbot, screen, 6, Qt.KeyboardModifier.ControlModifier)
    chosen = [r.reference for r in screen.selected_rows()]
    assert len(chosen) == 4 and screen.edit_button.text() == "&Modifier la sélection (4)…"
    calls: list = []
    answer_editor(qtbot, "Service", "Services techniques", calls)
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    assert calls[1] == "Appliquer à 4 marchés"
    qtbot.waitUntil(lambda: screen.status.text() == "4 données enregistrées sur 4 marchés.", timeout=10000)
    rows = facts_rows(new_db, new_db.organisation_id)
    assert sorted(r.reference for r in rows if r.department == "Services techniques") == sorted(chosen)


def test_double_click_edits_that_fact_of_that_contract(qtbot, new_db):
    screen, _ = saint_aubin(qtbot, new_db)
    r = row_of(screen, "2025-05")
    index = screen.model.index(r, column(screen, "Procédure"))
    calls: list = []
    answer_editor(qtbot, "", "Appel d'offres ouvert", calls)
    rect = screen.table.visualRect(index)
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert calls == ["Procédure", "Appliquer au marché"]
    qtbot.waitUntil(lambda: "1 donnée enregistrée" in screen.status.text(), timeout=10000)
    rows = {r.reference: r for r in facts_rows(new_db, new_db.organisation_id)}
    assert rows["2025-05"].cells["procedure"].text == "Appel d'offres ouvert"
    assert rows["2025-06"].cells["procedure"].to_confirm  # the others are left alone


def test_concurrent_edit_goes_to_the_error_dialog(qtbot, new_db, monkeypatch):
    from app.services.facts import set_fact

    screen, _ = saint_aubin(qtbot, new_db)
    shown: list = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc.message))
    target = screen.model.rows[0]
    set_fact(  # elsewhere
        new_db,
        new_db.organisation_id,
        "cpv_code",
        "30192000",
        [target.contract_id],
        expected_versions={target.contract_id: target.version},
    )
    click_row(qtbot, screen, 0)
    calls: list = []
    answer_editor(qtbot, "Code CPV", "30197000", calls)
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "a été modifié entre-temps" in shown[0] and "depuis l'affichage de la liste" in shown[0]
    assert screen.status.text() == "Rien n'a été enregistré."


def test_screen_closed_while_loading_drops_the_result(qtbot, new_db, threaded_ops):
    """A window closed before its background reading ends must not fail on its deleted widgets."""
    from shiboken6 import delete

    import_file(new_db, new_db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    screen = FactsScreen(AppContext(new_db, new_db.organisation_id))  # starts reading
    delete(screen)
    qtbot.wait(50)
    threaded_ops.wait(10000)
    qtbot.wait(200)  # the queued result arrives here, and is dropped
