"""Export dialog: contracts, orders or suppliers to Excel/CSV, contracts as DECP JSON, or a
template's example file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.context import AppContext
from app.ui.widgets.glossary import explain_acronyms

EXPORT_ITEMS = (
    ("contracts", "Marchés (Excel ou CSV)", "marches.xlsx"),
    ("orders", "Commandes (Excel ou CSV)", "commandes.xlsx"),
    ("suppliers", "Fournisseurs (Excel ou CSV)", "fournisseurs.xlsx"),
    ("decp", "Données essentielles DECP 2.0.3 (JSON)", "decp.json"),
    ("template:contracts", "Fichier modèle des marchés (Excel)", "modele-marches.xlsx"),
    ("template:orders", "Fichier modèle des commandes (Excel)", "modele-commandes.xlsx"),
    ("template:suppliers", "Fichier modèle des fournisseurs (Excel)", "modele-fournisseurs.xlsx"),
)


class ExportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result_value: Any = None
        self.setWindowTitle("Exporter des données")
        self.resize(640, 260)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Données à exporter")
        for kind, label, _default in EXPORT_ITEMS:
            self.kind_combo.addItem(label, kind)
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Fichier à écrire")
        self.path_edit.setPlaceholderText("Choisissez où enregistrer le fichier")
        self.browse_button = QPushButton("&Parcourir…")
        self.all_check = QCheckBox("Inclure les marchés sous le seuil de publication (DECP)")
        self.status_label = QLabel(
            "Les fichiers Excel ont les mêmes colonnes que les modèles d'import : ils peuvent être "
            "modifiés puis importés à nouveau."
        )
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("&Exporter")
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Fermer")

        form = QFormLayout()
        form.addRow("&Données :", self.kind_combo)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        # A row holding a layout gets no buddy from QFormLayout, which then shows the "&" itself.
        file_label = QLabel("&Fichier :")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        form.addRow("", self.all_check)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label, 1)
        layout.addLayout(buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.browse_button.clicked.connect(self.browse)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        self._kind_changed()
        explain_acronyms(self)

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        self.all_check.setEnabled(self.kind == "decp")
        default = EXPORT_ITEMS[self.kind_combo.currentIndex()][2]
        current = self.path_edit.text().strip()
        if current:
            self.path_edit.setText(str(Path(current).with_name(default)))

    def browse(self) -> None:
        default = EXPORT_ITEMS[self.kind_combo.currentIndex()][2]
        filters = "JSON (*.json)" if self.kind == "decp" else "Excel (*.xlsx);;CSV (*.csv)"
        if self.kind.startswith("template:"):
            filters = "Excel (*.xlsx)"
        from app.ui.dialogs.file_choosers import choose_save_file

        current = self.path_edit.text().strip()
        path = choose_save_file(self, "Exporter vers", current or default, filters)
        if path:
            self.path_edit.setText(path)

    def start_export(self) -> None:
        from app.ui.tasks import run_op

        text = self.path_edit.text().strip()
        if not text:
            self.status_label.setText("Choisissez d'abord le fichier à écrire (bouton Parcourir).")
            return
        out, kind, include_all = Path(text), self.kind, self.all_check.isChecked()
        if not out.is_absolute():  # a bare name goes to Documents, not to the program's folder
            from app.paths import documents_dir

            out = documents_dir() / out
            self.path_edit.setText(str(out))
        db, org = self.context.db, self.context.organisation_id
        if not kind.startswith("template:") and (db is None or org is None):
            self.status_label.setText("Ouvrez d'abord une base de données.")
            return

        def work(_progress: Any) -> Any:
            from app.services import exports

            if kind.startswith("template:"):
                return exports.save_template(kind.split(":", 1)[1], out)
            if kind == "decp":
                return exports.export_decp(db, org, out, include_all=include_all)
            return exports.export_table(db, org, kind, out)

        self.export_button.setEnabled(False)
        run_op(self, "Export en cours…", work, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.export_button.setEnabled(True)
        self.status_label.setText(result.summary())

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, UserError):
            self.status_label.setText(exc.message)
            return
        from app.ui.dialogs.errors import show_error

        show_error(self, exc)


def open_export_dialog(context: AppContext, parent: QWidget | None = None) -> ExportDialog:
    dialog = ExportDialog(context, parent)
    dialog.setModal(True)
    dialog.show()
    return dialog
