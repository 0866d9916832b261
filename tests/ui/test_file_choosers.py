"""File choosers open in Documents, Qt's own dialogs speak French, and form labels with a
shortcut show no literal "&"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel


def test_file_choosers_start_in_documents(monkeypatch, tmp_path):
    from app.ui.dialogs import printing

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("app.paths.documents_dir", lambda: documents)
    assert printing.start_folder() == str(documents)
    assert printing.start_folder("marches.xlsx") == str(documents / "marches.xlsx")
    existing = tmp_path / "ailleurs" / "rapport.pdf"
    existing.parent.mkdir()
    assert printing.start_folder(existing) == str(existing)
    # a suggested path whose folder has gone: the same name, in Documents
    assert printing.start_folder(tmp_path / "parti" / "x.pdf") == str(documents / "x.pdf")
    assert Path.cwd() != documents


def test_qt_standard_texts_are_french(qapp):
    from app.ui.application import install_qt_translations

    translator = install_qt_translations(qapp)
    assert translator is not None
    try:
        assert QCoreApplication.translate("QFileDialog", "Look in:").startswith("Voir dans")
        assert QCoreApplication.translate("QFileDialog", "Files of type:").startswith("Fichiers de type")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    finally:
        qapp.removeTranslator(translator)
        qapp._translator = None


def _labels_without_buddy(widget) -> list[str]:  # noqa: ANN001
    """Form labels whose "&" would be drawn as text: a "&" and no buddy to give the shortcut to."""
    found = []
    for form in widget.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and "&" in label.text() and label.buddy() is None:
                found.append(label.text())
    return found


def test_export_dialog_and_wizard_labels_have_their_buddy(qtbot, tmp_path):
    from app.ui.context import AppContext
    from app.ui.dialogs.export_dialog import ExportDialog
    from app.ui.dialogs.wizard import FirstRunWizard

    export = ExportDialog(AppContext())
    qtbot.addWidget(export)
    wizard = FirstRunWizard(folder=tmp_path)
    qtbot.addWidget(wizard)
    assert _labels_without_buddy(export) == []
    assert _labels_without_buddy(wizard) == []
    file_label = next(lbl for lbl in export.findChildren(QLabel) if lbl.text() == "&Fichier :")
    assert file_label.buddy() is export.path_edit
    folder_label = next(lbl for lbl in wizard.findChildren(QLabel) if lbl.text() == "&Dossier :")
    assert folder_label.buddy() is wizard.folder
