"""Import assistant: pick a file, see a preview, map the columns the template does not know
(remembered per organisation), see the problems with their row numbers, import with a progress bar
and a cancel button (a cancelled import writes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import ImportRejected, UserError
from app.ui.context import AppContext

KIND_ITEMS = (
    ("orders", "Commandes (bons de commande)"),
    ("contracts", "Marchés"),
    ("suppliers", "Fournisseurs"),
    ("decp", "Données essentielles des marchés (DECP, .json)"),
)
ENTITY_OF_KIND = {"orders": "order", "contracts": "contract", "suppliers": "supplier", "decp": "contract"}
PROBLEM_HEADERS = ("Ligne", "Colonne", "Valeur", "Problème", "Attendu")
IGNORE = ""


class RowsModel(QAbstractTableModel):
    """Read-only table over a list of text rows (never queries anything in ``data()``)."""

    def __init__(
        self, headers: list[str] | tuple[str, ...] = (), rows: list[list[str]] | None = None
    ) -> None:
        super().__init__()
        self._headers = list(headers)
        self._rows = rows or []
        self._first_number = 1

    def set_rows(
        self, headers: list[str] | tuple[str, ...], rows: list[list[str]], first_number: int = 1
    ) -> None:
        """``first_number``: the number shown for the first row (the spreadsheet's own row number)."""
        self.beginResetModel()
        self._headers = list(headers)
        self._rows = rows
        self._first_number = first_number
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if section < len(self._headers) else None
        return str(section + self._first_number)


def _settings() -> QSettings:
    from app.paths import user_config_dir

    return QSettings(str(user_config_dir() / "import-mappings.ini"), QSettings.Format.IniFormat)


def load_mapping(organisation_id: object, kind: str) -> dict[str, str]:
    settings = _settings()
    settings.beginGroup(f"{organisation_id}/{kind}")
    mapping = {key.replace("__", " "): str(settings.value(key, "")) for key in settings.childKeys()}
    settings.endGroup()
    return mapping


def save_mapping(organisation_id: object, kind: str, mapping: dict[str, str]) -> None:
    settings = _settings()
    settings.beginGroup(f"{organisation_id}/{kind}")
    settings.remove("")
    for header, column in mapping.items():
        settings.setValue(header.replace(" ", "__"), column)
    settings.endGroup()
    settings.sync()


class ImportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Importer des données")
        self.resize(1000, 640)
        self.path: Path | None = None
        self.mapping: dict[str, str] = {}
        self.preview: Any = None
        self.report: Any = None
        self.progress: Any = None

        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Type de données à importer")
        for kind, label in KIND_ITEMS:
            self.kind_combo.addItem(label, kind)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Aucun fichier choisi")
        self.file_edit.setAccessibleName("Fichier à importer")
        self.choose_button = QPushButton("&Choisir un fichier…")
        self.template_button = QPushButton("Enregistrer le &modèle…")
        self.template_button.setToolTip(
            "Un classeur Excel avec les colonnes attendues et une ligne d'exemple"
        )

        top = QFormLayout()
        top.addRow("&Données :", self.kind_combo)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.template_button)
        file_label = QLabel("&Fichier :")
        file_label.setBuddy(self.choose_button)
        top.addRow(file_label, file_row)

        self.info_label = QLabel(
            "Choisissez un fichier Excel (.xlsx) ou CSV. La ligne d'en-tête est trouvée même sous un titre ; "
            "les lignes vides et les lignes de total sont ignorées."
        )
        self.info_label.setWordWrap(True)

        self.preview_model = RowsModel()
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setAccessibleName("Aperçu des premières lignes")
        self.preview_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.mapping_widget = QWidget()
        self.mapping_layout = QFormLayout(self.mapping_widget)
        self.mapping_combos: dict[str, QComboBox] = {}

        self.problem_model = RowsModel(PROBLEM_HEADERS, [])
        self.problem_view = QTableView()
        self.problem_view.setModel(self.problem_model)
        self.problem_view.setAccessibleName("Problèmes trouvés")
        self.problem_view.horizontalHeader().setStretchLastSection(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview_view, "&Aperçu")
        self.tabs.addTab(self.mapping_widget, "Co&lonnes")
        self.tabs.addTab(self.problem_view, "&Problèmes")

        self.skip_check = QCheckBox("Importer seulement les lignes &valides (ignorer les lignes invalides)")
        self.dry_check = QCheckBox("&Essai à blanc : vérifier sans rien enregistrer")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton("&Importer")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.close_button = QPushButton("Fermer")

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.skip_check)
        layout.addWidget(self.dry_check)
        layout.addLayout(buttons)

        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self._kind_changed()

    # ------------------------------------------------------------------------------ state

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        decp = self.kind == "decp"
        self.template_button.setEnabled(not decp)
        self.tabs.setTabEnabled(1, not decp)
        self.mapping = {} if decp else load_mapping(self.context.organisation_id, self.kind)
        if self.path is not None:
            self.refresh_preview()

    def choose_file(self) -> None:
        filters = (
            "Données essentielles (*.json);;Tous les fichiers (*)"
            if self.kind == "decp"
            else "Tableaux (*.xlsx *.csv *.txt);;Tous les fichiers (*)"
        )
        path, _ = QFileDialog.getOpenFileName(self, "Choisir le fichier à importer", "", filters)
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path) -> None:
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.refresh_preview()

    def save_template(self) -> None:
        from app.services.exports import save_template

        default = {"orders": "modele-commandes.xlsx", "contracts": "modele-marches.xlsx"}.get(
            self.kind, "modele-fournisseurs.xlsx"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer le fichier modèle", default, "Excel (*.xlsx)"
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            save_template(self.kind, Path(path))
        except UserError as exc:
            self._show_error(exc)
            return
        self.status_label.setText(f"Modèle enregistré : {path}")

    # ---------------------------------------------------------------------------- preview

    def refresh_preview(self) -> None:
        from app.ui.tasks import run_op

        if self.path is None:
            return
        self.import_button.setEnabled(False)
        self.status_label.setText("Lecture du fichier…")
        path, kind, mapping = self.path, self.kind, dict(self.mapping)
        org_siret = self._org_siret() if kind == "decp" else None

        def work(_progress: Any) -> Any:
            if kind == "decp":
                from app.io.decp import read_decp

                return read_decp(path, org_siret)
            from app.services.imports import preview_import

            return preview_import(path, kind, mapping)

        run_op(self, "Lecture du fichier…", work, self._show_preview, self._preview_failed)

    def _org_siret(self) -> str | None:
        from app.services.organisations import list_organisations

        if self.context.db is None:
            return None
        for row in list_organisations(self.context.db):
            if row.id == self.context.organisation_id:
                return row.siret
        return None

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.preview_model.set_rows([], [])
        self.problem_model.set_rows(PROBLEM_HEADERS, [])
        self._build_mapping([], [])
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.status_label.setText(exc.message)
            problems = getattr(exc, "problems", None)
            if problems:
                self._set_problems(problems)
                self.tabs.setCurrentIndex(2)
        else:
            from app.ui.dialogs.errors import show_error

            self.status_label.setText("Erreur inattendue : voir le message.")
            show_error(self, exc)

    def _set_problems(self, problems: list) -> None:
        rows = [[str(p.row) if p.row else "", p.column, p.value, p.message, p.expected] for p in problems]
        self.problem_model.set_rows(PROBLEM_HEADERS, rows)
        self.problem_view.resizeColumnsToContents()
        self.tabs.setTabText(2, f"&Problèmes ({len(problems)})")

    def _show_preview(self, preview: Any) -> None:
        self.preview = preview
        if self.kind == "decp":
            self._show_decp_preview(preview)
            return
        from app.io.templates import template

        tpl = template(self.kind)
        labels = {c.key: c.label for c in tpl.columns}
        headers = []
        for i, header in enumerate(preview.headers):
            key = preview.columns.get(i)
            headers.append(f"{header}\n→ {labels[key]}" if key else f"{header}\n(ignorée)")
        self.preview_model.set_rows(headers, preview.sample, first_number=preview.header_row + 1)
        self.preview_view.resizeColumnsToContents()
        self._build_mapping(preview.unmatched, tpl.columns, set(preview.columns.values()))
        self._set_problems(preview.problems)
        parts = [
            f"Feuille « {preview.sheet} », en-tête ligne {preview.header_row} : "
            f"{preview.data_rows} ligne(s) sous l'en-tête, {preview.valid_rows} valide(s), "
            f"{len(preview.problems)} problème(s)."
        ]
        if preview.missing_required:
            parts.append(
                "Colonne(s) obligatoire(s) introuvable(s) : "
                + ", ".join(f"« {c} »" for c in preview.missing_required)
                + ". Associez-les dans l'onglet Colonnes."
            )
            self.tabs.setCurrentIndex(1)
        elif preview.problems:
            self.tabs.setCurrentIndex(2)
        else:
            self.tabs.setCurrentIndex(0)
        self.status_label.setText(" ".join(parts))
        self.import_button.setEnabled(not preview.missing_required and preview.valid_rows > 0)

    def _show_decp_preview(self, parsed: Any) -> None:
        from app.enums import label
        from app.format import date, money

        headers = ["Référence", "Objet", "Procédure", "Montant HT", "Notification", "Titulaire"]
        rows = [
            [
                r.reference,
                r.object,
                label(r.procedure),
                money(r.amount) if r.amount is not None else "",
                date(r.notification_date),
                (r.holders[0].name or r.holders[0].identifier) if r.holders else "",
            ]
            for r in parsed.records[:200]
        ]
        self.preview_model.set_rows(headers, rows)
        self.preview_view.resizeColumnsToContents()
        self._set_problems(parsed.problems)
        self.status_label.setText(
            f"Format {parsed.format} : {len(parsed.records)} marché(s) de votre collectivité, "
            f"{parsed.skipped_other_buyers} d'autres acheteurs laissés de côté, "
            f"{len(parsed.problems)} problème(s)."
        )
        self.tabs.setCurrentIndex(2 if parsed.problems else 0)
        self.import_button.setEnabled(bool(parsed.records))

    def _build_mapping(self, unmatched: list, columns: Any, taken: set[str] | None = None) -> None:
        from app.io.cells import key_of

        while self.mapping_layout.rowCount():
            self.mapping_layout.removeRow(0)
        self.mapping_combos = {}
        if not unmatched:
            self.mapping_layout.addRow(QLabel("Toutes les colonnes du fichier sont reconnues."))
            self.tabs.setTabText(1, "Co&lonnes")
            return
        self.mapping_layout.addRow(
            QLabel("Ces colonnes du fichier ne sont pas reconnues : dites à quoi elles correspondent.")
        )
        for _index, header in unmatched:
            combo = QComboBox()
            combo.setAccessibleName(f"Correspondance de la colonne {header}")
            combo.addItem("(ne pas importer)", IGNORE)
            for col in columns:
                if col.key not in (taken or set()):
                    combo.addItem(col.label + (" (obligatoire)" if col.required else ""), col.key)
            current = self.mapping.get(key_of(header), IGNORE)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.currentIndexChanged.connect(lambda _i, h=header, c=combo: self._map(h, c))
            self.mapping_layout.addRow(f"« {header} » :", combo)
            self.mapping_combos[header] = combo
        self.tabs.setTabText(1, f"Co&lonnes ({len(unmatched)} à associer)")

    def _map(self, header: str, combo: QComboBox) -> None:
        from app.io.cells import key_of

        self.mapping[key_of(header)] = str(combo.currentData())
        save_mapping(self.context.organisation_id, self.kind, self.mapping)
        self.refresh_preview()

    # ----------------------------------------------------------------------------- import

    def start_import(self) -> None:
        from app.services.imports import ImportCancelled, import_file
        from app.ui.tasks import Cancelled, run_op

        if self.path is None or self.context.db is None or self.context.organisation_id is None:
            return
        db, org, path, kind = self.context.db, self.context.organisation_id, self.path, self.kind
        skip, dry, mapping = self.skip_check.isChecked(), self.dry_check.isChecked(), dict(self.mapping)
        self.import_button.setEnabled(False)
        self.status_label.setText("Import en cours…")

        def work(progress: Any) -> Any:
            try:
                return import_file(
                    db, org, path, kind, dry_run=dry, skip_invalid=skip, mapping=mapping,
                    progress=progress.update, cancelled=lambda: progress.cancelled,
                )  # fmt: skip
            except ImportCancelled as exc:
                raise Cancelled() from exc

        self.progress = run_op(
            self, "Import en cours…", work, self._imported, self._import_failed, show_after_ms=0
        )

    def _imported(self, report: Any) -> None:
        self.report = report
        self.status_label.setText(report.summary())
        if report.problems:
            self._set_problems(report.problems)
        self.import_button.setEnabled(True)
        if not report.dry_run:
            self.context.data_changed.emit(ENTITY_OF_KIND[report.kind])

    def _import_failed(self, exc: BaseException) -> None:
        from app.ui.tasks import Cancelled

        self.import_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.status_label.setText("Import annulé : rien n'a été enregistré.")
            return
        if isinstance(exc, ImportRejected):
            self._show_error(exc)
            return
        self._show_error(exc)


def open_import_dialog(context: AppContext, parent: QWidget | None = None) -> ImportDialog:
    """Show the import assistant (modeless result kept by the caller if needed)."""
    if context.db is None:
        from app.ui.dialogs.errors import show_error

        show_error(parent, UserError("Ouvrez d'abord une base de données."))
        return None  # type: ignore[return-value]
    dialog = ImportDialog(context, parent)
    dialog.setModal(True)
    dialog.show()
    return dialog
