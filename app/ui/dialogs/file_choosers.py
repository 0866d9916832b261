"""File choosers shared by every screen: they open in the user's Documents folder (never the
program's), sized so that names, sizes and dates show whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

# The files the app opens as databases, in « Ouvrir… » and the first-run wizard.
FILE_FILTER = "Bases Achats Durables (*.sqlite *.db);;Tous les fichiers (*)"


def start_folder(suggested: str | Path | None = None) -> str:
    """Where a file chooser opens: the suggested file's folder if it exists, else the user's
    Documents folder (never the program's folder, the process's current directory)."""
    from app.paths import documents_dir

    if suggested:
        path = Path(suggested)
        if path.is_absolute():
            return str(path) if path.parent.is_dir() else str(documents_dir() / path.name)
        return str(documents_dir() / path)
    folder = documents_dir()
    return str(folder if folder.is_dir() else Path.home())


def _widen_columns(dialog) -> None:  # noqa: ANN001
    """Qt's own chooser (not the system's): name column stretched, size, type and date whole."""
    from PySide6.QtWidgets import QHeaderView, QSplitter, QTreeView

    tree = dialog.findChild(QTreeView, "treeView")
    if tree is not None:
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    splitter = dialog.findChild(QSplitter, "splitter")
    if splitter is not None:
        splitter.setSizes([180, 720])


def _file_dialog(
    parent: QWidget | None, caption: str, start: str, filters: str, *, mode, save: bool = False
) -> str:  # noqa: ANN001
    """One file chooser, sized so that names, sizes and dates show whole (Qt's own chooser, used
    where the system has none, opens at 640 × 410 and cuts its columns)."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, caption, start, filters)
    dialog.setFileMode(mode)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.resize(900, 560)
    _widen_columns(dialog)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def choose_open_file(
    parent: QWidget | None, caption: str, filters: str, suggested: str | Path | None = None
) -> str:
    from PySide6.QtWidgets import QFileDialog

    return _file_dialog(
        parent, caption, start_folder(suggested), filters, mode=QFileDialog.FileMode.ExistingFile
    )


def choose_save_file(parent: QWidget | None, caption: str, suggested: str | Path, filters: str) -> str:
    """``suggested`` is a file name (put in Documents) or a full path."""
    from PySide6.QtWidgets import QFileDialog

    return _file_dialog(
        parent, caption, start_folder(suggested), filters, mode=QFileDialog.FileMode.AnyFile, save=True
    )


def choose_folder(parent: QWidget | None, caption: str, suggested: str | Path | None = None) -> str:
    from PySide6.QtWidgets import QFileDialog

    start = str(suggested) if suggested and Path(suggested).is_dir() else start_folder()
    return _file_dialog(parent, caption, start, "", mode=QFileDialog.FileMode.Directory)
