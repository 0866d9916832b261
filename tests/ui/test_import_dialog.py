"""Import assistant and export dialog, driven as a user would: choose, map, import, cancel."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton
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
    assert dialog.problem_model.rowCount() == 6
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
    assert "1 ont été créée(s)" in dialog.status_label.text()
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


def test_cancelled_import_writes_nothing(qtbot, new_db):
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
    assert (tmp_path / "decp.json").exists() and "exportée(s)" in dialog.status_label.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("template:orders"))
    assert dialog.path_edit.text() == str(tmp_path / "modele-commandes.xlsx")
    dialog.result_value = None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    assert (tmp_path / "modele-commandes.xlsx").exists()
