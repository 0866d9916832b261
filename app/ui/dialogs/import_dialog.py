"""Import assistant: pick a file, see a preview, map every column of the file (remembered per
organisation, with a reset), give values for all the rows the file does not say (procedure, nature,
recurrence, service), see the problems with their row numbers, import with a progress bar and a
cancel button (a cancelled import writes nothing), and undo an import afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.errors import ImportRejected, UserError
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.widgets.glossary import explain_acronyms

KIND_ITEMS = (
    ("orders", "Commandes (bons de commande)"),
    ("contracts", "Marchés"),
    ("suppliers", "Fournisseurs"),
    ("decp", "Données essentielles des marchés (DECP, .json)"),
)
ENTITY_OF_KIND = {"orders": "order", "contracts": "contract", "suppliers": "supplier", "decp": "contract"}
PROBLEM_HEADERS = ("Ligne", "Colonne", "Valeur", "Problème", "Attendu")
IGNORE = ""
IGNORE_TEXT = "— ne pas importer —"
DEDUCE_PROCEDURE = "déduire du montant (par défaut)"
DEDUCE_NATURE = "déduire (code CPV, famille, objet)"
MISSING_SERVICE = "service manquant"


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
        return fmt.cell(row[index.column()]) if index.column() < len(row) else ""

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
        self.preview_generation = 0
        self.preview_status = ""

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
        self._column_headers: list[str] | None = None
        self.mapping_intro = QLabel(
            "Chaque colonne du fichier, dans son ordre, et la colonne du modèle où elle sera importée. "
            "Corrigez une correspondance fausse ou choisissez « ne pas importer » ; vos choix sont "
            "retenus pour les prochains fichiers de cette collectivité."
        )
        self.mapping_intro.setWordWrap(True)
        self.reset_button = QPushButton("&Rétablir la reconnaissance automatique")
        self.reset_button.setToolTip("Oublie les correspondances choisies pour ce type de fichier")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.mapping_widget)
        mapping_page = QWidget()
        mapping_box = QVBoxLayout(mapping_page)
        mapping_box.addWidget(self.mapping_intro)
        mapping_box.addWidget(scroll, 1)
        reset_row = QHBoxLayout()
        reset_row.addStretch(1)
        reset_row.addWidget(self.reset_button)
        mapping_box.addLayout(reset_row)

        self.batches_list = QListWidget()
        self.batches_list.setAccessibleName("Imports précédents")
        self.undo_batch_button = QPushButton("Annuler l'import &sélectionné…")
        self.undo_batch_button.setEnabled(False)
        batches_page = QWidget()
        batches_box = QVBoxLayout(batches_page)
        batches_intro = QLabel(
            "Les imports de cette collectivité, du plus récent au plus ancien. Annuler un import retire "
            "ce qu'il a créé et remet ce qu'il a modifié ; annulez d'abord les plus récents."
        )
        batches_intro.setWordWrap(True)
        batches_box.addWidget(batches_intro)
        batches_box.addWidget(self.batches_list, 1)
        batches_row = QHBoxLayout()
        batches_row.addStretch(1)
        batches_row.addWidget(self.undo_batch_button)
        batches_box.addLayout(batches_row)

        self.problem_model = RowsModel(PROBLEM_HEADERS, [])
        self.problem_view = QTableView()
        self.problem_view.setModel(self.problem_model)
        self.problem_view.setAccessibleName("Problèmes trouvés")
        self.problem_view.horizontalHeader().setStretchLastSection(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview_view, "&Aperçu")
        self.tabs.addTab(mapping_page, "Co&lonnes")
        self.tabs.addTab(self.problem_view, "&Problèmes")
        self.tabs.addTab(batches_page, "Imports p&récédents")
        self._build_defaults()

        self.skip_check = QCheckBox("Importer seulement les lignes &valides (ignorer les lignes invalides)")
        self.dry_check = QCheckBox("&Essai à blanc : vérifier sans rien enregistrer")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton("&Importer")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.close_button = QPushButton("Fermer")
        self.undo_button = QPushButton("A&nnuler cet import…")
        self.undo_button.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.defaults_box)
        layout.addWidget(self.skip_check)
        layout.addWidget(self.dry_check)
        layout.addLayout(buttons)
        explain_acronyms(self)

        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self.reset_button.clicked.connect(self.reset_mapping)
        self.undo_button.clicked.connect(self.undo_last_import)
        self.undo_batch_button.clicked.connect(self.undo_selected_batch)
        self.batches_list.currentItemChanged.connect(lambda *_: self._batch_selected())
        self._kind_changed()
        self.load_batches()

    def _build_defaults(self) -> None:
        """« Valeurs pour toutes les lignes »: what the file does not say, given once for the file."""
        from app.enums import Procedure, PurchaseNature, label
        from app.ui.widgets.choices import yes_no_combo

        self.defaults_box = QGroupBox("Valeurs pour toutes les lignes (quand le fichier ne les donne pas)")
        form = QFormLayout(self.defaults_box)
        self.procedure_default = QComboBox()
        self.procedure_default.setAccessibleName("Procédure pour toutes les lignes")
        self.procedure_default.addItem(DEDUCE_PROCEDURE, None)
        for member in Procedure:
            self.procedure_default.addItem(label(member), member)
        self.nature_default = QComboBox()
        self.nature_default.setAccessibleName("Nature pour toutes les lignes")
        self.nature_default.addItem(DEDUCE_NATURE, None)
        for member in PurchaseNature:
            self.nature_default.addItem(label(member), member)
        self.recurrent_default = yes_no_combo("Récurrent pour toutes les lignes")
        self.service_default = QComboBox()
        self.service_default.setEditable(True)
        self.service_default.setAccessibleName("Service pour les lignes sans service")
        self.service_default.lineEdit().setPlaceholderText("aucun : les lignes sans service sont signalées")
        self.contract_rows: list[QWidget] = []
        row = QHBoxLayout()
        for caption, combo in (
            ("Procé&dure :", self.procedure_default),
            ("&Nature :", self.nature_default),
            ("Ré&current :", self.recurrent_default),
        ):
            text = QLabel(caption)
            text.setBuddy(combo)
            row.addWidget(text)
            row.addWidget(combo)
            self.contract_rows += [text, combo]
        row.addStretch(1)
        form.addRow(row)
        for combo in (self.procedure_default, self.nature_default, self.recurrent_default):
            combo.currentIndexChanged.connect(lambda _i: self._show_status())
        self.service_label = QLabel("Ser&vice pour les lignes sans service :")
        self.service_label.setBuddy(self.service_default)
        form.addRow(self.service_label, self.service_default)
        self.service_timer = QTimer(self)  # check again once the user stops typing
        self.service_timer.setSingleShot(True)
        self.service_timer.setInterval(400)
        self.service_timer.timeout.connect(self._service_default_changed)
        self.service_default.currentTextChanged.connect(lambda _t: self.service_timer.start())

    def defaults(self) -> dict[str, object]:
        """The values chosen for all the rows, keyed by template column (passed to ``import_file``)."""
        if self.kind == "contracts":
            chosen = {
                "procedure": self.procedure_default.currentData(),
                "nature": self.nature_default.currentData(),
                "recurrent": self.recurrent_default.currentData(),
            }
            return {k: v for k, v in chosen.items() if v is not None}
        if self.kind == "orders" and self.service_default.currentText().strip():
            return {"department": self.service_default.currentText().strip()}
        return {}

    def _service_default_changed(self) -> None:
        if self.kind == "orders" and self.path is not None:
            self.refresh_preview()

    def _fill_services(self) -> None:
        from app.services.reference import list_items

        current = self.service_default.currentText()
        self.service_default.blockSignals(True)
        self.service_default.clear()
        self.service_default.addItem("")
        if self.context.db is not None and self.context.organisation_id is not None:
            for item in list_items(self.context.db, "department", self.context.organisation_id):
                self.service_default.addItem(str(item.values.get("name") or ""))
        self.service_default.setEditText(current)
        self.service_default.blockSignals(False)

    # ------------------------------------------------------------------------------ state

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        decp = self.kind == "decp"
        self.template_button.setEnabled(not decp)
        self.tabs.setTabEnabled(1, not decp)
        self.mapping = {} if decp else load_mapping(self.context.organisation_id, self.kind)
        self._column_headers = None
        contracts, orders = self.kind == "contracts", self.kind == "orders"
        self.defaults_box.setVisible(contracts or orders)
        for widget in self.contract_rows:
            widget.setVisible(contracts)
        self.service_label.setVisible(orders)
        self.service_default.setVisible(orders)
        if orders:
            self._fill_services()
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
        self.preview_generation += 1
        generation = self.preview_generation
        path, kind, mapping, defaults = self.path, self.kind, dict(self.mapping), self.defaults()
        org_siret = self._org_siret() if kind == "decp" else None
        db, org = self.context.db, self.context.organisation_id

        def work(_progress: Any) -> Any:
            if kind == "decp":
                from app.io.decp import read_decp

                return read_decp(path, org_siret)
            from app.services.imports import preview_import

            preview = preview_import(path, kind, mapping)
            if kind == "orders" and db is not None and not preview.missing_required:
                preview = _with_order_checks(preview, db, org, path, mapping, defaults)
            return preview

        def shown(preview: Any) -> None:
            if generation == self.preview_generation:  # an older reading finishing late is dropped
                self._show_preview(preview)

        def failed(exc: BaseException) -> None:
            if generation == self.preview_generation:
                self._preview_failed(exc)

        run_op(self, "Lecture du fichier…", work, shown, failed)

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
        self._show_columns(preview, tpl)
        self._set_problems(preview.problems)
        parts = [
            f"Feuille « {preview.sheet} », en-tête ligne {preview.header_row} : "
            f"{count(preview.data_rows, 'ligne')} sous l'en-tête, {count(preview.valid_rows, 'valide')}, "
            f"{count(len(preview.problems), 'problème')}."
        ]
        no_service = sum(1 for p in preview.problems if p.message == MISSING_SERVICE)
        if no_service:
            parts.append(
                f"{count(no_service, 'commande')} sans service : choisissez ci-dessous un « Service pour les "
                "lignes sans service », ou importez seulement les lignes valides."
            )
        if preview.missing_required:
            parts.append(
                (
                    "Colonne obligatoire introuvable : "
                    if len(preview.missing_required) == 1
                    else "Colonnes obligatoires introuvables : "
                )
                + ", ".join(f"« {c} »" for c in preview.missing_required)
                + ". Dans l'onglet Colonnes, choisissez la colonne du fichier qui les contient."
            )
            self.tabs.setCurrentIndex(1)
        elif preview.problems:
            self.tabs.setCurrentIndex(2)
        else:
            self.tabs.setCurrentIndex(0)
        self.preview_status = " ".join(parts)
        self._show_status()
        self.import_button.setEnabled(not preview.missing_required and preview.valid_rows > 0)

    def _show_status(self) -> None:
        """The preview's sentence and, for contracts, what the file lacks and what will happen."""
        text = self.preview_status
        if self.kind == "contracts" and self.preview is not None and hasattr(self.preview, "columns"):
            absent = _absent_facts(set(self.preview.columns.values()), self.defaults())
            if absent:
                text += " Ce que le fichier ne dit pas : " + " ; ".join(absent) + "."
        self.status_label.setText(text)

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
            f"Format {parsed.format} : {count(len(parsed.records), 'marché')} de votre collectivité, "
            f"{parsed.skipped_other_buyers} d'autres acheteurs laissés de côté, "
            f"{count(len(parsed.problems), 'problème')}."
        )
        self.tabs.setCurrentIndex(2 if parsed.problems else 0)
        self.import_button.setEnabled(bool(parsed.records))

    def _build_mapping(self, _unmatched: list, _columns: Any, _taken: set[str] | None = None) -> None:
        """No file (or no readable header): an empty Colonnes tab."""
        while self.mapping_layout.rowCount():
            self.mapping_layout.removeRow(0)
        self.mapping_combos = {}
        self._column_headers = None
        self.tabs.setTabText(1, "Co&lonnes")

    def _show_columns(self, preview: Any, tpl: Any) -> None:
        """Every column of the file, in the file's order, each with its template column or « ne pas
        importer ». The rows are built once per file and only updated after: they never move."""
        headers = [(i, h) for i, h in enumerate(preview.headers) if h]
        names = [h for _i, h in headers]
        if names != self._column_headers:
            self._build_mapping([], [])
            for i, header in headers:
                combo = QComboBox()
                combo.setAccessibleName(f"Correspondance de la colonne {header}")
                combo.addItem(IGNORE_TEXT, IGNORE)
                for col in tpl.columns:
                    combo.addItem(col.label + (" (obligatoire)" if col.required else ""), col.key)
                combo.setMaxVisibleItems(25)
                combo.currentIndexChanged.connect(lambda _i, h=header, c=combo: self._map(h, c))
                sample = next((row[i] for row in preview.sample if i < len(row) and row[i]), "")
                example = f" (ex. : {sample[:30]}{'…' if len(sample) > 30 else ''})" if sample else ""
                caption = QLabel(f"« {header} »{example} :")
                caption.setBuddy(combo)
                self.mapping_layout.addRow(caption, combo)
                self.mapping_combos[header] = combo
            self._column_headers = names
        for i, header in headers:
            combo = self.mapping_combos[header]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(preview.columns.get(i, IGNORE)), 0))
            combo.blockSignals(False)
        unmatched = len(preview.unmatched)
        self.tabs.setTabText(
            1,
            f"Co&lonnes ({unmatched} non {'reconnue' if unmatched == 1 else 'reconnues'})"
            if unmatched
            else "Co&lonnes",
        )

    def _map(self, header: str, combo: QComboBox) -> None:
        from app.io.cells import key_of

        self.mapping[key_of(header)] = str(combo.currentData())
        save_mapping(self.context.organisation_id, self.kind, self.mapping)
        self.refresh_preview()

    def reset_mapping(self) -> None:
        """« Rétablir la reconnaissance automatique »: forget the remembered choices of this kind."""
        self.mapping = {}
        save_mapping(self.context.organisation_id, self.kind, {})
        self.status_label.setText("Correspondances oubliées : reconnaissance automatique des colonnes.")
        self.refresh_preview()

    # ----------------------------------------------------------------------------- undo

    def load_batches(self) -> None:
        from app.services.imports import import_batches

        self.batches_list.clear()
        if self.context.db is None or self.context.organisation_id is None:
            return
        for batch in import_batches(self.context.db, self.context.organisation_id):
            item = QListWidgetItem(batch.description, self.batches_list)
            item.setData(Qt.ItemDataRole.UserRole, batch)
        count = self.batches_list.count()
        self.tabs.setTabText(3, f"Imports p&récédents ({count})" if count else "Imports p&récédents")
        self._batch_selected()

    def _batch_selected(self) -> None:
        item = self.batches_list.currentItem()
        batch = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.undo_batch_button.setEnabled(batch is not None and batch.undone_at is None)

    def undo_last_import(self) -> None:
        if self.report is not None and self.report.batch_id is not None:
            self._undo(self.report.batch_id, Path(self.report.file).name, self.report.kind)

    def undo_selected_batch(self) -> None:
        item = self.batches_list.currentItem()
        if item is not None:
            batch = item.data(Qt.ItemDataRole.UserRole)
            self._undo(batch.id, batch.file_name, batch.kind)

    def _undo(self, batch_id: Any, file_name: str, kind: str) -> None:
        from app.services.imports import undo_import
        from app.ui.tasks import run_op

        answer = QMessageBox.question(
            self,
            "Annuler cet import",
            f"Retirer ce que l'import de « {file_name} » a créé et remettre dans leur état d'avant "
            "les données qu'il a modifiées ? Une sauvegarde du fichier est faite avant.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, user = self.context.db, self.context.user_name

        def done(result: Any) -> None:
            self.status_label.setText(result.sentence())
            if self.report is not None and self.report.batch_id == batch_id:
                self.undo_button.setVisible(False)
            self.load_batches()
            self.context.data_changed.emit(ENTITY_OF_KIND.get(kind, "contract"))

        def failed(exc: BaseException) -> None:
            from app.ui.dialogs.errors import show_error

            show_error(self, exc)

        run_op(
            self,
            "Annulation de l'import…",
            lambda _p: undo_import(db, batch_id, user_name=user),
            done,
            failed,
        )

    # ----------------------------------------------------------------------------- import

    def start_import(self) -> None:
        from app.services.imports import ImportCancelled, import_file
        from app.ui.tasks import Cancelled, run_op

        if self.path is None or self.context.db is None or self.context.organisation_id is None:
            return
        db, org, path, kind = self.context.db, self.context.organisation_id, self.path, self.kind
        skip, dry, mapping = self.skip_check.isChecked(), self.dry_check.isChecked(), dict(self.mapping)
        defaults, user = self.defaults(), self.context.user_name
        self.import_button.setEnabled(False)
        self.status_label.setText("Import en cours…")

        def work(progress: Any) -> Any:
            try:
                return import_file(
                    db, org, path, kind, dry_run=dry, skip_invalid=skip, mapping=mapping,
                    progress=progress.update, cancelled=lambda: progress.cancelled,
                    defaults=defaults, user_name=user,
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
        if report.defaulted:
            self.status_label.setText(
                report.summary()
                + "\nValeurs données à toutes les lignes : "
                + ", ".join(f"{label} ({count(n, 'ligne')})" for label, n in report.defaulted.items())
                + "."
            )
        if not report.dry_run:
            self.undo_button.setVisible(report.batch_id is not None)
            self.load_batches()
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


# Contract facts a register often lacks: what happens when neither the file nor the assistant gives them.
ABSENT_FACTS = (
    ("procedure", "procédure déduite du montant (ou choisie ci-dessous)"),
    ("nature", "nature déduite du code CPV, de la famille ou de l'objet (ou choisie ci-dessous)"),
    ("recurrent", "récurrence à préciser ensuite dans « Données à compléter » (ou choisie ci-dessous)"),
)


def _absent_facts(columns: set[str], defaults: dict[str, object]) -> list[str]:
    return [text for key, text in ABSENT_FACTS if key not in columns and key not in defaults]


def _with_order_checks(preview: Any, db: Any, org: Any, path: Path, mapping: dict, defaults: dict) -> Any:
    """The preview of an orders file with the checks only the import makes (a service per order,
    contracts that exist), run as a dry run with the defaults chosen in the assistant."""
    import dataclasses

    from app.services.imports import import_file

    report = import_file(
        db, org, path, "orders", dry_run=True, skip_invalid=True, mapping=mapping, defaults=defaults
    )
    return dataclasses.replace(preview, problems=report.problems, valid_rows=report.created + report.updated)


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
