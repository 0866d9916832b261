"""Journal des modifications: who changed what, when and from which machine, filtered, exported to
Excel. A thin screen: filters and a table over ``app.services.audit.trail``, run off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext
from app.ui.models.table import Column, RowTableModel
from app.ui.tasks import run_op
from app.ui.widgets.fields import OptionalDateEdit

ANYONE = "__anyone__"  # the author combo's « Tous » entry (a name may be empty: no sentinel None)

COLUMNS = (
    Column("Date et heure", lambda r: r.at.strftime("%d/%m/%Y %H:%M:%S"), sort_key=lambda r: r.at),
    Column("Auteur", lambda r: r.user_name or "(sans nom)"),
    Column("Poste", lambda r: r.workstation),
    Column("Type", lambda r: r.entity_label),
    Column("Fiche", lambda r: r.record),
    Column("Collectivité", lambda r: r.organisation),
    Column("Action", lambda r: r.action_label),
    Column("Changements", lambda r: r.summary),
)


class AuditScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.trail = None  # the last ``Trail`` shown
        self.last_export = None  # (path, rows) of the last export
        self._asked = 0  # reloads asked: an older answer arriving late is dropped
        title = QLabel("<h2>Journal des modifications</h2>")
        intro = QLabel(
            "Qui a modifié quoi, quand, et depuis quel poste, pour toutes les collectivités du fichier."
        )
        intro.setWordWrap(True)

        self.author = QComboBox()
        self.author.setAccessibleName("Auteur")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type de fiche")
        self.first_day = OptionalDateEdit("Du")
        self.last_day = OptionalDateEdit("Au")
        self.text = QLineEdit()
        self.text.setAccessibleName("Texte recherché")
        self.text.setPlaceholderText("Référence, poste, valeur…")
        self.text.setClearButtonEnabled(True)
        self.export_button = QPushButton("&Exporter vers Excel…")
        self.export_button.clicked.connect(self.choose_export)
        self._fill_combos([], [])

        filters = QHBoxLayout()
        for caption, widget in (
            ("&Auteur :", self.author),
            ("&Type :", self.kind),
            ("D&u :", self.first_day),
            ("au :", self.last_day),
            ("&Rechercher :", self.text),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 2 if widget is self.text else 0)
        filters.addWidget(self.export_button)

        self.model = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setAccessibleName("Journal des modifications")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((140, 130, 110, 100, 120, 160, 100)):
            self.table.setColumnWidth(column, width)
        self.status = QLabel()
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        # Typing waits a moment before asking again; combos and dates ask at once.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self.reload)
        self.text.textChanged.connect(self._typing.start)
        self.author.currentIndexChanged.connect(self.reload)
        self.kind.currentIndexChanged.connect(self.reload)
        self.first_day.dateChanged.connect(self.reload)
        self.last_day.dateChanged.connect(self.reload)
        context.database_changed.connect(self.reload)
        context.data_changed.connect(lambda _kind: self.reload())
        self.reload()

    # --- filters ----------------------------------------------------------------------------------
    def _fill_combos(self, authors: list[str], kinds: list[tuple[str, str]]) -> None:
        for combo, entries in (
            (self.author, [(name or "(sans nom)", name) for name in authors]),
            (self.kind, [(label, code) for code, label in kinds]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Tous", ANYONE)
            for text, data in entries:
                combo.addItem(text, data)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def current_filter(self):  # noqa: ANN201
        from app.services.audit import TrailFilter

        author, kind = self.author.currentData(), self.kind.currentData()
        return TrailFilter(
            user_name=None if author in (None, ANYONE) else author,
            entity=None if kind in (None, ANYONE) else kind,
            first_day=self.first_day.value(),
            last_day=self.last_day.value(),
            text=self.text.text(),
        )

    # --- loading (off the GUI thread) -------------------------------------------------------------
    def reload(self) -> None:
        db = self.context.db
        if db is None:
            self.model.set_rows([])
            self.status.setText("Aucun fichier ouvert.")
            return
        from app.services.audit import trail

        wanted = self.current_filter()
        self._asked += 1
        asked = self._asked
        run_op(self, "Lecture du journal…", lambda _p: trail(db, wanted), lambda r: self._show(r, asked))

    def _show(self, result, asked: int) -> None:  # noqa: ANN001
        if asked != self._asked:
            return
        self.trail = result
        self._fill_combos(result.authors, result.kinds)
        self.model.set_rows(result.lines)
        if result.total > len(result.lines):
            self.status.setText(
                f"{result.total} modifications correspondent : les {len(result.lines)} plus récentes sont "
                "affichées ; précisez les filtres, ou exportez-les toutes vers Excel."
            )
        elif result.total:
            self.status.setText(f"{result.total} modification{'s' if result.total > 1 else ''}.")
        else:
            self.status.setText("Aucune modification ne correspond à ces filtres.")

    # --- export -----------------------------------------------------------------------------------
    def choose_export(self) -> None:
        from app.paths import documents_dir
        from app.ui.dialogs.file_choosers import choose_save_file

        path = choose_save_file(
            self,
            "Exporter le journal des modifications",
            documents_dir() / "Journal-des-modifications.xlsx",
            "Classeur Excel (*.xlsx)",
        )
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        db = self.context.db
        if db is None:
            return
        from pathlib import Path

        from app.services.audit import export_trail

        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        wanted = self.current_filter()
        self.export_button.setEnabled(False)

        def done(rows: int) -> None:
            self.export_button.setEnabled(True)
            self.last_export = (target, rows)
            self.status.setText(
                f"{rows} modification{'s' if rows > 1 else ''} exportée{'s' if rows > 1 else ''} vers "
                f"{target}. Ouvrez-le avec votre tableur (Excel, LibreOffice)."
            )

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            from app.ui.dialogs.errors import show_error

            self.status.setText("Le journal n'a pas pu être exporté.")
            show_error(self, exc)

        run_op(self, "Export du journal…", lambda _p: export_trail(db, wanted, target), done, failed)


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return AuditScreen(context, parent)
