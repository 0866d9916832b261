"""Import assistant and export dialog, driven as a user would: choose, map, import, cancel."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton
from sqlalchemy import func, select

from app.model import Order
from app.ui.context import AppContext
from app.ui.dialogs.export_dialog import ExportDialog
from app.ui.dialogs.import_dialog import ImportDialog, load_mapping

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"


def orders_count(db) -> int:
    with db.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(Order))


def make_dialog(qtbot, db):
    context = AppContext(db, db.organisation_id)
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, context


def test_preview_problems_then_skip_invalid_import(qtbot, new_db):
    dialog, context = make_dialog(qtbot, new_db)
    dialog.set_file(FIXTURES / "commandes_erreurs.xlsx")
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    # The preview of orders already runs the import's own checks (here: an unknown contract).
    assert dialog.problem_model.rowCount() == 7
    assert dialog.tabs.currentIndex() == 2
    index = dialog.problem_model.index(0, 3)
    assert (dialog.problem_model.index(0, 0).data(), index.data()) == ("3", "cette date n'existe pas")
    # All or nothing: the import is refused and the problems stay listed, with the unknown contract too.
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "n'a pas été importé" in dialog.status_label.text(), timeout=5000)
    assert dialog.problem_model.rowCount() == 7 and orders_count(new_db) == 0
    qtbot.mouseClick(
        dialog.skip_check, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.skip_check.height() // 2)
    )
    assert dialog.skip_check.isChecked()
    with qtbot.waitSignal(context.data_changed, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["order"]
    assert "1 créée" in dialog.status_label.text()
    assert orders_count(new_db) == 1


def test_unknown_column_mapped_and_remembered(qtbot, new_db, tmp_path):
    path = tmp_path / "export-compta.csv"
    path.write_text(
        "Pièce;Date;Montant HT;Service\nP-1;02/02/2024;12,50;Mairie\nP-2;03/02/2024;7;École\n",
        encoding="cp1252",
    )
    dialog, _context = make_dialog(qtbot, new_db)
    dialog.set_file(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    assert dialog.preview.missing_required == ["N° de commande"]
    assert not dialog.import_button.isEnabled() and dialog.tabs.currentIndex() == 1
    combo = dialog.mapping_combos["Pièce"]
    dialog.preview = None
    combo.setCurrentIndex(combo.findData("number"))
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.import_button.isEnabled(), timeout=5000)
    assert load_mapping(new_db.organisation_id, "orders") == {"piece": "number"}
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.created == 2 and orders_count(new_db) == 2
    # A new assistant for the same organisation remembers the mapping.
    again, _ = make_dialog(qtbot, new_db)
    again.set_file(path)
    qtbot.waitUntil(lambda: again.preview is not None, timeout=5000)
    assert again.preview.missing_required == [] and again.import_button.isEnabled()


def test_cancelled_import_writes_nothing(qtbot, new_db, threaded_ops):
    dialog, _ = make_dialog(qtbot, new_db)
    dialog.set_file(FIXTURES / "commandes_mairie.xlsx")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=5000)
    new_db.dispose()
    before = hashlib.sha256(new_db.path.read_bytes()).hexdigest()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    progress = [
        p for p in dialog.findChildren(QProgressDialog) if p.labelText().startswith("Import en cours")
    ][-1]
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Annuler")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # before the worker thread gets to write
    qtbot.waitUntil(lambda: "annulé" in dialog.status_label.text(), timeout=5000)
    assert dialog.status_label.text() == "Import annulé : rien n'a été enregistré."
    new_db.dispose()
    assert hashlib.sha256(new_db.path.read_bytes()).hexdigest() == before


def test_decp_preview_and_import(qtbot, new_db):
    from app.services.organisations import create_organisation

    croix = create_organisation(new_db, "Ville de Croix", siret="21590163800019")
    context = AppContext(new_db, croix)
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("decp"))
    assert not dialog.tabs.isTabEnabled(1) and not dialog.template_button.isEnabled()
    dialog.set_file(FIXTURES / "decp_2019_croix.json")
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    assert dialog.preview_model.rowCount() == 156 and dialog.problem_model.rowCount() == 2
    dialog.skip_check.setChecked(True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.report.created == 156


def test_export_dialog_writes_the_chosen_file(qtbot, demo_db, demo_org, tmp_path):
    dialog = ExportDialog(AppContext(demo_db, demo_org))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("decp"))
    assert dialog.all_check.isEnabled()
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "decp.json"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    assert (tmp_path / "decp.json").exists() and "exportée" in dialog.status_label.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("template:orders"))
    assert dialog.path_edit.text() == str(tmp_path / "modele-commandes.xlsx")
    dialog.result_value = None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    assert (tmp_path / "modele-commandes.xlsx").exists()


# --- a town's own files: every column mapped in place, values for all rows, undo ------------------

TOWNS = FIXTURES.parent / "towns"


def count(db, model) -> int:
    with db.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(model))


def contracts_dialog(qtbot, db):
    dialog, context = make_dialog(qtbot, db)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("contracts"))
    dialog.set_file(TOWNS / "registre_saint_aubin.xlsx")
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    return dialog, context


def column_rows(dialog) -> list[tuple[str, str]]:
    """The Colonnes tab as the user sees it: each caption and its combo's text, top to bottom."""
    from PySide6.QtWidgets import QFormLayout

    layout = dialog.mapping_layout
    out = []
    for row in range(layout.rowCount()):
        label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        field = layout.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        out.append((label.text().split("»")[0] + "»", field.currentText()))
    return out


def choose(qtbot, combo, key) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, key)


def test_every_column_listed_in_place_ignored_then_reset(qtbot, new_db):
    dialog, _ = contracts_dialog(qtbot, new_db)
    before = column_rows(dialog)
    assert [c for c, _t in before] == [
        "« N° marché »", "« Objet »", "« Titulaire »", "« Montant HT »",
        "« Date de début »", "« Date de fin »", "« Reconductible »",
    ]  # fmt: skip
    assert dict(before)["« Titulaire »"] == "Titulaire"
    combos = [dialog.mapping_combos[h] for h in dialog.mapping_combos]
    # « ne pas importer » is the first choice: Home picks it with the keyboard.
    dialog.preview = None
    choose(qtbot, dialog.mapping_combos["Titulaire"], Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    after = column_rows(dialog)
    assert [c for c, _t in after] == [c for c, _t in before]  # nothing moved or disappeared
    assert [dialog.mapping_combos[h] for h in dialog.mapping_combos] == combos
    assert dict(after)["« Titulaire »"] == "— ne pas importer —"
    assert dialog.preview_model.headerData(2, Qt.Orientation.Horizontal) == "Titulaire\n(ignorée)"
    # Another template column for « Objet »: one step down the list, still in place.
    dialog.preview = None
    choose(qtbot, dialog.mapping_combos["Objet"], Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    assert dict(column_rows(dialog))["« Objet »"] not in ("Objet", "— ne pas importer —")
    assert load_mapping(new_db.organisation_id, "contracts")["titulaire"] == ""
    # Remembered when the assistant is opened again...
    again, _ = contracts_dialog(qtbot, new_db)
    assert dict(column_rows(again))["« Titulaire »"] == "— ne pas importer —"
    # ...until « Rétablir la reconnaissance automatique ».
    again.preview = None
    qtbot.mouseClick(again.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.preview is not None, timeout=5000)
    assert column_rows(again) == before
    assert load_mapping(new_db.organisation_id, "contracts") == {}


def test_values_for_all_rows_then_undo_this_import(qtbot, new_db, monkeypatch):
    from app.enums import Procedure
    from app.model import Contract

    dialog, context = contracts_dialog(qtbot, new_db)
    assert dialog.import_button.isEnabled()  # no Procédure, no Nature column: not a refusal
    assert dialog.defaults_box.isVisible() and not dialog.service_default.isVisible()
    choose(qtbot, dialog.procedure_default, Qt.Key.Key_Down)  # the first procedure after « déduire »
    choose(qtbot, dialog.recurrent_default, Qt.Key.Key_Down)  # oui
    assert dialog.procedure_default.currentText() == "Procédure adaptée"
    assert dialog.recurrent_default.currentText() == "oui"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.report.created == 14 and count(new_db, Contract) == 14
    assert "Procédure (14 lignes)" in dialog.status_label.text()
    with new_db.session(write=False) as s:
        rows = s.execute(select(Contract.procedure, Contract.recurrent)).all()
    assert set(rows) == {(Procedure.ADAPTED, True)}
    assert dialog.undo_button.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(context.data_changed, timeout=10000):
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text().startswith("Import annulé :")
    assert count(new_db, Contract) == 0 and not dialog.undo_button.isVisible()
    assert dialog.batches_list.item(0).text().endswith("— annulé")


def test_orders_service_for_rows_without_one_and_previous_imports(qtbot, new_db, monkeypatch):
    from app.model import Contract
    from app.services.imports import import_file

    import_file(new_db, new_db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    qtbot.wait(1100)  # imports are ordered by their time (stored to the second before main's 98474dd)
    dialog, context = make_dialog(qtbot, new_db)
    assert dialog.service_default.isVisible() and not dialog.procedure_default.isVisible()
    dialog.set_file(TOWNS / "commandes_saint_aubin.xlsx")
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert "4 commandes sans service" in dialog.status_label.text()
    assert [dialog.problem_model.index(r, 3).data() for r in range(4)] == ["service manquant"] * 4
    dialog.preview = None
    qtbot.keyClicks(dialog.service_default.lineEdit(), "Mairie annexe")
    qtbot.waitUntil(
        lambda: dialog.preview is not None and dialog.service_default.currentText() == "Mairie annexe"
        and dialog.problem_model.rowCount() == 0,
        timeout=10000,
    )  # fmt: skip
    assert "sans service" not in dialog.status_label.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.report.created == 120 and orders_count(new_db) == 120
    # Imports précédents, newest first: the contracts cannot be undone before the orders.
    assert dialog.batches_list.count() == 2
    assert dialog.batches_list.item(0).text().startswith("Commandes")
    shown: list = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc.message))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.tabs.setCurrentIndex(3)
    older = dialog.batches_list.visualItemRect(dialog.batches_list.item(1)).center()
    qtbot.mouseClick(dialog.batches_list.viewport(), Qt.MouseButton.LeftButton, pos=older)
    assert dialog.batches_list.currentRow() == 1 and dialog.undo_batch_button.isEnabled()
    qtbot.mouseClick(dialog.undo_batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "plus récent" in shown[0] and count(new_db, Contract) == 14
    newest = dialog.batches_list.visualItemRect(dialog.batches_list.item(0)).center()
    qtbot.mouseClick(dialog.batches_list.viewport(), Qt.MouseButton.LeftButton, pos=newest)
    qtbot.mouseClick(dialog.undo_batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: orders_count(new_db) == 0, timeout=10000)
    qtbot.waitUntil(lambda: dialog.batches_list.item(0).text().endswith("annulé"), timeout=5000)
    assert not dialog.undo_batch_button.isEnabled()  # the list reloaded, nothing selected
    older = dialog.batches_list.visualItemRect(dialog.batches_list.item(1)).center()
    qtbot.mouseClick(dialog.batches_list.viewport(), Qt.MouseButton.LeftButton, pos=older)
    qtbot.mouseClick(dialog.undo_batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: count(new_db, Contract) == 0, timeout=10000)


def test_the_assistant_says_what_the_register_lacks(qtbot, new_db):
    dialog, _ = contracts_dialog(qtbot, new_db)
    text = dialog.status_label.text()
    assert "procédure déduite du montant" in text and "récurrence à préciser" in text
    choose(qtbot, dialog.recurrent_default, Qt.Key.Key_Down)  # oui for every row
    assert "procédure déduite du montant" in dialog.status_label.text()
    assert "récurrence à préciser" not in dialog.status_label.text()
