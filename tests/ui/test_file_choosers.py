"""File choosers open in Documents, Qt's own dialogs speak French, and form labels with a
shortcut show no literal "&"."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel


def test_file_choosers_start_in_documents(monkeypatch, tmp_path):
    from app.ui.dialogs import file_choosers

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("app.paths.documents_dir", lambda: documents)
    assert file_choosers.start_folder() == str(documents)
    assert file_choosers.start_folder("marches.xlsx") == str(documents / "marches.xlsx")
    existing = tmp_path / "ailleurs" / "rapport.pdf"
    existing.parent.mkdir()
    assert file_choosers.start_folder(existing) == str(existing)
    # a suggested path whose folder has gone: the same name, in Documents
    assert file_choosers.start_folder(tmp_path / "parti" / "x.pdf") == str(documents / "x.pdf")
    assert Path.cwd() != documents


def test_qt_standard_dialogs_have_no_english_left(qapp):
    """Open Qt's file choosers, print dialog, message box and button box behind a spying
    translator: every text Qt asks for must have a French translation."""
    from PySide6.QtCore import QTranslator
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

    from app.ui.application import install_qt_translations

    translator = install_qt_translations(qapp)
    assert translator is not None
    asked: set[tuple[str, str]] = set()

    class Spy(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ANN001, ANN202
            asked.add((context, source))
            return None  # a null string: Qt asks the next translator (an empty one would stop it)

    spy = Spy()
    installed = list(qapp._translators)
    assert len(installed) == 2, "Qt's catalogue and ours (resources/translations) both load"
    try:
        qapp.installTranslator(spy)  # asked first, answers nothing: sees every text
        widgets = []
        for mode, accept in (
            (QFileDialog.FileMode.ExistingFile, QFileDialog.AcceptMode.AcceptOpen),
            (QFileDialog.FileMode.Directory, QFileDialog.AcceptMode.AcceptOpen),
            (QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave),
        ):
            dialog = QFileDialog(None, "Choisir", str(Path(__file__).parent), "Classeurs (*.xlsx *.csv)")
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
            dialog.setFileMode(mode)
            dialog.setAcceptMode(accept)
            widgets.append(dialog)
        printer = QPrinter()  # kept alive: the dialog does not own it
        widgets.append(QPrintDialog(printer))
        buttons = QMessageBox.StandardButton
        widgets.append(
            QMessageBox(QMessageBox.Icon.Question, "t", "x", buttons.Yes | buttons.No | buttons.Cancel)
        )
        widgets.append(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        )
        for widget in widgets:
            widget.show()
        qapp.processEvents()
        for widget in widgets:
            widget.close()
            widget.deleteLater()
        english = sorted(
            (context, source)
            for context, source in asked
            if context != "QMimeType"  # file type names come from the system's MIME database
            and not any(t.translate(context, source) for t in installed)
            and re.search("[A-Za-z]{2}", source)
        )
        assert english == []
        assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Voir dans\u00a0:"
        assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "Dossier"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    finally:
        for t in (spy, *installed):
            qapp.removeTranslator(t)
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


def test_wizard_siret_error_typed_after_showing_is_not_cut(qtbot, tmp_path):
    from app.ui.dialogs.wizard import FirstRunWizard

    wizard = FirstRunWizard(start_on_create=True, folder=tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.resize(wizard.minimumSizeHint())  # as small as the user can make it, as at 150 % scaling
    qtbot.keyClicks(wizard.siret, "21250117600012")  # a wrong key: the longest message
    label = wizard.siret_problem
    assert "clé de contrôle" in label.text()
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
