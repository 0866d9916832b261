"""Cotation et CAD: the due list with the deployment target, each contract's cotation grid (pre-filled
ratings, overrides, notes, history, a bar chart of its levers) and the committee (session, members,
decisions, closing, bilan of the previous year)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.rules import cotation as rules
from app.rules.levers import LEVERS, LEVERS_BY_CODE
from app.ui import ops
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.models.table import Column
from app.ui.models.table import RowTableModel as RowsModel
from app.ui.widgets.changed_note import ExternalChanges
from app.ui.widgets.facts_pointer import FactsPointer, default_cad_year
from app.ui.widgets.tables import fit_columns

# --- table models over DTO rows -----------------------------------------------------------------


RATING_COLUMNS = {1: "stake", 2: "feasibility", 3: "effort"}
GRID_HEADERS = ("Levier", "Enjeu", "Faisabilité", "Effort", "Potentiel", "Proposé", "Motif")


class RatingsModel(QAbstractTableModel):
    """The cotation grid: ratings are editable (0 to 3), pre-filled values stay beside them."""

    def __init__(self, on_change: Callable[[], None], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ratings: list[rules.LeverRating] = []
        self.on_change = on_change

    def set_ratings(self, ratings: list[rules.LeverRating]) -> None:
        self.beginResetModel()
        self.ratings = list(ratings)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.ratings)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(GRID_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return GRID_HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {
                1: "Enjeu : ce que le levier peut apporter au marché (0 à 3)",
                2: "Faisabilité : les entreprises peuvent-elles répondre ? (0 à 3)",
                3: "Effort demandé à l'acheteur (0 : aucun, 3 : lourd)",
                4: "Potentiel du levier sur 100 : enjeu/3 × (2 × faisabilité + 3 − effort)/9",
            }.get(section)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.column() in RATING_COLUMNS:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.ratings[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col in RATING_COLUMNS:
                value = getattr(r, RATING_COLUMNS[col])
                return value if role == Qt.ItemDataRole.EditRole else str(value)
            if col == 0:
                return r.title + (" (modifié)" if r.overridden else "")
            if col == 4:
                return str(round(float(r.potential) * 100))
            if col == 5:
                return f"{r.prefilled_stake} / {r.prefilled_feasibility} / {r.prefilled_effort}"
            if col == 6:
                return r.reason
        if role == Qt.ItemDataRole.ToolTipRole and col in (0, 6):
            return r.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= col <= 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() not in RATING_COLUMNS:
            return False
        try:
            number = int(value)
        except (TypeError, ValueError):
            return False
        if not 0 <= number <= rules.RATING_MAX:
            return False
        r = self.ratings[index.row()]
        self.ratings[index.row()] = dataclasses.replace(r, **{RATING_COLUMNS[index.column()]: number})
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(GRID_HEADERS) - 1))
        self.on_change()
        return True


class RatingDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: ANN001, N802
        editor = QSpinBox(parent)
        editor.setRange(0, rules.RATING_MAX)
        editor.setAccessibleName("Note de 0 à 3")
        return editor


# --- the bar chart --------------------------------------------------------------------------------


class LeverChart(QWidget):
    """Horizontal bars of each lever's potential (0-100), value written beside each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, int, bool]] = []  # title, potential, proposed
        self.setAccessibleName("Graphique des leviers")
        self.setMinimumHeight(120)

    def set_ratings(self, ratings: Sequence[rules.LeverRating], proposed: Sequence[str]) -> None:
        self.bars = [(r.title, round(float(r.potential) * 100), r.lever in proposed) for r in ratings]
        self.setAccessibleDescription(", ".join(f"{t} : {v}" for t, v, _p in self.bars))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(520, 24 + 20 * max(1, len(self.bars)))

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Aucun levier à afficher")
            return
        metrics = painter.fontMetrics()
        label_w = min(
            int(self.width() * 0.55), max(metrics.horizontalAdvance(t) for t, _v, _p in self.bars) + 12
        )
        value_w = metrics.horizontalAdvance("100") + 10
        row_h = max(16, (self.height() - 8) // len(self.bars))
        chart_w = max(10, self.width() - label_w - value_w - 8)
        text = palette.color(QPalette.ColorRole.Text)
        for i, (title, value, proposed) in enumerate(self.bars):
            y = 4 + i * row_h
            painter.setPen(text)
            _draw_bar_label(painter, QRectF(0, y, label_w - 8, row_h), title)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#e3ebe7"))
            painter.drawRect(QRectF(label_w, y + 3, chart_w, row_h - 6))
            painter.setBrush(QColor("#1f5f4a") if proposed else QColor("#7fa999"))
            painter.drawRect(QRectF(label_w, y + 3, chart_w * value / 100, row_h - 6))
            painter.setPen(text)
            painter.drawText(
                QRectF(label_w + chart_w + 4, y, value_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{value}" + (" ★" if proposed else ""),
            )
        painter.end()


# --- helpers ----------------------------------------------------------------------------------


def _draw_bar_label(painter: QPainter, box: QRectF, title: str) -> None:
    """A lever's name whole: on one line, else on two in a smaller font, cut only as a last resort."""
    flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    if painter.fontMetrics().horizontalAdvance(title) <= box.width():
        painter.drawText(box, flags, title)
        return
    painter.save()
    font = painter.font()
    two_lines = box.height() / (2 * painter.fontMetrics().lineSpacing())  # the scale at which 2 lines fit
    font.setPointSizeF(font.pointSizeF() * max(0.7, min(0.85, two_lines)))
    painter.setFont(font)
    wrap = flags | Qt.TextFlag.TextWordWrap
    needed = painter.fontMetrics().boundingRect(box.toRect(), int(wrap), title)
    if needed.height() <= box.height() + 2:
        painter.drawText(box, wrap, title)
    else:
        painter.drawText(
            box, flags, painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(box.width()))
        )
    painter.restore()


def _score(row) -> str:  # noqa: ANN001
    return f"{row.score} ({row.priority.value})" if row.score is not None else "non coté"


DUE_COLUMNS = (
    Column("Référence", lambda r: r.reference),
    Column("Objet", lambda r: r.object),
    Column("Titulaire", lambda r: r.supplier),
    Column("Montant HT", lambda r: fmt.money(r.amount), align_right=True),
    Column("Échéance", lambda r: fmt.date(r.end_date)),
    Column("Potentiel (priorité)", _score),
)

DECISION_COLUMNS = (
    Column("Référence", lambda d: d.reference),
    Column("Objet", lambda d: d.object),
    Column("Échéance", lambda d: fmt.date(d.end_date)),
    Column("Potentiel (priorité)", _score),
    Column("Ciblé", lambda d: "oui" if d.targeted else "non"),
    Column("Actions retenues", lambda d: ", ".join(d.action_titles)),
    Column("Commentaire", lambda d: d.comment),
)

BILAN_COLUMNS = (
    Column("Référence", lambda d: d.reference),
    Column("Objet", lambda d: d.object),
    Column("Ciblé", lambda d: "oui" if d.targeted else "non"),
    Column("Actions décidées", lambda d: ", ".join(d.action_titles)),
    Column("Réalisé", lambda d: {True: "oui", False: "non", None: "à renseigner"}[d.review_done]),
    Column("Pourquoi / commentaire", lambda d: d.review_comment),
)


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    fit_columns(view)
    return view


def _selected(view: QTableView, model: RowsModel) -> Any | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        current = view.currentIndex()
        return model.rows[current.row()] if current.isValid() else None
    return model.rows[rows[0].row()]


class CotationScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.due = None
        self.view = None  # AssessmentView being edited
        self.committee = None

        self.year = QSpinBox()
        self.year.setRange(2020, 2100)
        self.year.setValue(default_cad_year(context, self._today()))  # the next CAD still ahead
        self.year.setAccessibleName("Année du CAD")
        self.year.valueChanged.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Cotation et CAD</h2>"))
        top.addStretch(1)
        year_label = QLabel("&Année du CAD :")
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_due_tab(), "&Échéancier")
        self.tabs.addTab(self._build_grid_tab(), "C&otation d'un marché")
        self.tabs.addTab(self._build_committee_tab(), "Co&mité (CAD)")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        context.database_changed.connect(self._file_changed)
        context.organisation_changed.connect(self._file_changed)
        context.data_changed.connect(self._data_changed)
        # Another window's change: reload, unless the buyer is rating a contract (a note instead).
        self.external = ExternalChanges(self, context, self.reload, dirty=self.has_unsaved_input, position=1)
        self.reload()

    def _file_changed(self) -> None:
        """Another file or organisation: back to its next CAD, then reload once."""
        self.year.blockSignals(True)
        self.year.setValue(default_cad_year(self.context, self._today()))
        self.year.blockSignals(False)
        self.reload()

    def _data_changed(self, kind: str) -> None:
        # Contracts edited in the form, the facts grid or an import change the due list and targets.
        if kind in ("contract", "organisation", "setting"):  # another window's: ``self.external``
            self.reload()

    def has_unsaved_input(self) -> bool:
        """The ratings or notes shown differ from those read: the buyer is editing a cotation."""
        view = self.view
        if view is None:
            return False
        return self.notes.toPlainText() != view.notes or list(self.ratings_model.ratings) != list(
            view.ratings
        )

    def _today(self) -> dt.date:
        today = getattr(self.context, "today", None)
        return today() if callable(today) else dt.date.today()

    # --- due list ------------------------------------------------------------------------------
    def _build_due_tab(self) -> QWidget:
        self.facts_pointer = FactsPointer(self.context, self)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Pourquoi la liste est vide")
        self.empty_label.hide()
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.present_model = RowsModel(DUE_COLUMNS, self)
        self.diagnose_model = RowsModel(DUE_COLUMNS, self)
        self.present_table = _table(self.present_model, "Marchés à présenter au CAD")
        self.diagnose_table = _table(self.diagnose_model, "Marchés à coter")
        self.present_label = QLabel()
        self.diagnose_label = QLabel()
        for table in (self.present_table, self.diagnose_table):
            table.doubleClicked.connect(lambda _i, t=table: self._assess_selected(t))
        self.assess_button = QPushButton("&Coter le marché sélectionné")
        self.assess_button.clicked.connect(self._assess_focused)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.facts_pointer)
        layout.addWidget(self.target_label)
        layout.addWidget(self.present_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.present_table, 3)
        layout.addWidget(self.diagnose_label)
        layout.addWidget(self.diagnose_table, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.assess_button)
        layout.addLayout(buttons)
        return box

    def _assess_focused(self) -> None:
        table = self.diagnose_table if self.diagnose_table.hasFocus() else self.present_table
        if _selected(table, table.model()) is None:
            table = self.diagnose_table if table is self.present_table else self.present_table
        self._assess_selected(table)

    def _assess_selected(self, table: QTableView) -> None:
        row = _selected(table, table.model())
        if row is None:
            QMessageBox.information(self, "Cotation", "Sélectionnez d'abord un marché dans la liste.")
            return
        self.open_contract(row.contract_id)

    # --- grid ----------------------------------------------------------------------------------
    def _build_grid_tab(self) -> QWidget:
        self.contract_combo = QComboBox()
        self.contract_combo.setAccessibleName("Marché à coter")
        self.contract_combo.activated.connect(
            lambda _i: self._load_contract(self.contract_combo.currentData())
        )
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        self.ratings_model = RatingsModel(self._ratings_changed, self)
        self.grid = QTableView()
        self.grid.setModel(self.ratings_model)
        self.grid.setAccessibleName("Grille de cotation")
        self.grid.setItemDelegate(RatingDelegate(self.grid))
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.verticalHeader().setVisible(False)
        fit_columns(self.grid)
        self.chart = LeverChart()
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Observations de la cotation")
        self.notes.setPlaceholderText("Observations (sourçage, échanges avec le service, pistes...)")
        self.notes.setMaximumHeight(70)
        self.notes.setTabChangesFocus(True)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.save_button = QPushButton("&Enregistrer la cotation")
        self.save_button.clicked.connect(self.save_assessment)
        self.reset_button = QPushButton("&Rétablir les notes proposées")
        self.reset_button.clicked.connect(self._restore_proposal)

        head = QHBoxLayout()
        head.addWidget(QLabel("Marché :"))
        head.addWidget(self.contract_combo, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.grid)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 320])
        # the selected lever's reason in full (the « Motif » column only has room for its start)
        self.reason_label = QLabel()
        self.reason_label.setObjectName("motif_du_levier")
        self.reason_label.setWordWrap(True)
        self.grid.selectionModel().currentRowChanged.connect(self._show_reason)
        self.ratings_model.modelReset.connect(lambda: self._show_reason(QModelIndex()))
        self._show_reason(QModelIndex())
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_label, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(head)
        layout.addWidget(self.score_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.notes)
        layout.addLayout(buttons)
        return box

    def _show_reason(self, current, _previous=None) -> None:  # noqa: ANN001
        ratings = self.ratings_model.ratings
        if current.isValid() and current.row() < len(ratings):
            rating = ratings[current.row()]
            self.reason_label.setText(f"<b>Motif — {rating.title}</b> : {rating.reason}")
        else:
            self.reason_label.setText("Choisissez un levier pour lire son motif en entier.")

    def open_contract(self, contract_id) -> None:  # noqa: ANN001
        index = self.contract_combo.findData(contract_id)
        if index >= 0:
            self.contract_combo.setCurrentIndex(index)
        self._load_contract(contract_id)
        self.tabs.setCurrentIndex(1)
        self.grid.setFocus()

    def _load_contract(self, contract_id) -> None:  # noqa: ANN001
        from app.services.cotation import load_assessment

        if contract_id is None or self.context.db is None:
            self.view = None
            self.ratings_model.set_ratings([])
            self._ratings_changed()
            return
        db, year = self.context.db, self.year.value()
        ops.query(self, lambda: load_assessment(db, contract_id, year), self._show_view)

    def _show_view(self, view) -> None:  # noqa: ANN001
        self.view = view
        self.ratings_model.set_ratings(view.ratings)
        self.notes.setPlainText(view.notes)
        history = ", ".join(
            f"{h.year} : {h.score if h.score is not None else '—'} ({h.priority.value if h.priority else '—'})"
            for h in view.history
        )
        state = (
            f"Cotation enregistrée le {fmt.date(view.assessed_on)}"
            + (f" par {view.assessed_by}" if view.assessed_by else "")
            if view.saved
            else "Notes proposées, pas encore enregistrées"
        )
        self.history_label.setText(f"{state}. Historique : {history or 'aucune cotation'}.")
        self.grid.resizeColumnsToContents()
        self.grid.setColumnWidth(0, min(self.grid.columnWidth(0), 280))
        self._ratings_changed()

    def _ratings_changed(self) -> None:
        ratings = self.ratings_model.ratings
        if self.view is None or self.view.thresholds is None:
            self.score_label.setText("Choisissez un marché à coter.")
            self.chart.set_ratings([], ())
            return
        result = rules.evaluate(ratings, self.view.thresholds)
        proposed = ", ".join(LEVERS_BY_CODE[c].title for c in result.proposed) or "aucune"
        self.score_label.setText(
            f"<b>{self.view.reference}</b> — {self.view.object} ({self.view.supplier or 'titulaire inconnu'})<br>"
            f"<b>Potentiel durable : {result.score} / 100 — priorité {result.priority.value}</b>. "
            f"Actions proposées : {proposed}.<br><small>{rules.formula_text(self.view.thresholds)}</small>"
        )
        self.score_label.setToolTip(rules.FORMULA)  # the exact computation, for the buyer who asks
        self.chart.set_ratings(ratings, result.proposed)

    def _restore_proposal(self) -> None:
        from app.services.cotation import proposal

        if self.view is not None:
            db, contract_id, year = self.context.db, self.view.contract_id, self.year.value()
            ops.query(self, lambda: proposal(db, contract_id, year), self._show_view)

    def save_assessment(self) -> None:
        from app.services.cotation import save_assessment

        if self.view is None:
            return
        save = functools.partial(
            save_assessment,
            self.context.db,
            self.view.contract_id,
            self.year.value(),
            list(self.ratings_model.ratings),
            notes=self.notes.toPlainText(),
            user_name=self.context.user_name,
            on=self._today(),
            expected_version=self.view.version,
            organisation_id=self.context.organisation_id,
        )
        ops.mutate(self, save, self._assessment_saved, on_conflict=self.reload)

    def _assessment_saved(self, saved) -> None:  # noqa: ANN001
        self._show_view(saved)
        self._reload_lists()
        if hasattr(self.context, "data_changed"):
            self.context.data_changed.emit("assessment")

    # --- committee -------------------------------------------------------------------------------
    def _build_committee_tab(self) -> QWidget:
        self.session_label = QLabel()
        self.meeting_date = QDateEdit()
        self.meeting_date.setCalendarPopup(True)
        self.meeting_date.setDisplayFormat("dd/MM/yyyy")
        self.meeting_date.setAccessibleName("Date de la séance")
        self.place = QLineEdit()
        self.place.setAccessibleName("Lieu de la séance")
        self.members = QPlainTextEdit()
        self.members.setAccessibleName("Membres du comité")
        self.members.setPlaceholderText(
            "Un membre par ligne : Nom ; Rôle (ex. Jean Dufour ; Président de la CAO)"
        )
        self.members.setTabChangesFocus(True)
        self.members.setMaximumHeight(90)
        self.save_session_button = QPushButton("Enregistrer la &séance")
        self.save_session_button.clicked.connect(self.save_session)
        self.present_button = QPushButton("Inscrire les marchés à &présenter")
        self.present_button.setToolTip(
            "Ajoute à la séance les marchés récurrents qui arrivent à échéance l'an prochain"
        )
        self.present_button.clicked.connect(self.present_due)
        self.close_button = QPushButton("&Clôturer le CAD…")
        self.close_button.setToolTip(
            "Le président de la CAO arrête la liste des marchés ciblés et leurs actions"
        )
        self.close_button.clicked.connect(self.close_committee)

        session = QGroupBox("Séance")
        form = QFormLayout(session)
        when_where = QHBoxLayout()
        when_where.addWidget(self.meeting_date)
        place_label = QLabel("&Lieu :")
        place_label.setBuddy(self.place)
        when_where.addWidget(place_label)
        when_where.addWidget(self.place, 1)
        form.addRow("Date :", when_where)
        form.addRow("Membres :", self.members)
        row = QHBoxLayout()
        row.addWidget(self.save_session_button)
        row.addWidget(self.present_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        form.addRow(row)

        self.decision_model = RowsModel(DECISION_COLUMNS, self)
        self.decision_table = _table(self.decision_model, "Décisions du CAD")
        self.decision_table.selectionModel().currentRowChanged.connect(lambda *_: self._decision_selected())
        self.targeted = QCheckBox("Marché &ciblé")
        self.actions = QListWidget()
        self.actions.setAccessibleName("Actions retenues")
        self.actions.setMinimumWidth(300)
        for lever in LEVERS:
            item = QListWidgetItem(lever.title, self.actions)
            item.setData(Qt.ItemDataRole.UserRole, lever.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.comment = QLineEdit()
        self.comment.setAccessibleName("Commentaire de la décision")
        self.decide_button = QPushButton("Enregistrer la &décision")
        self.decide_button.clicked.connect(self.save_decision)
        decision_box = QGroupBox("Décision sur le marché sélectionné")
        d_layout = QFormLayout(decision_box)
        d_layout.addRow(self.targeted)
        d_layout.addRow("Actions :", self.actions)
        d_layout.addRow("Commentaire :", self.comment)
        d_layout.addRow(self.decide_button)

        self.bilan_label = QLabel()
        self.bilan_model = RowsModel(BILAN_COLUMNS, self)
        self.bilan_table = _table(self.bilan_model, "Bilan des décisions de l'année précédente")
        self.bilan_table.selectionModel().currentRowChanged.connect(lambda *_: self._bilan_selected())
        self.review_done = QComboBox()
        self.review_done.setAccessibleName("Action réalisée")
        for text, value in (("à renseigner", None), ("oui", True), ("non", False)):
            self.review_done.addItem(text, value)
        self.review_comment = QLineEdit()
        self.review_comment.setAccessibleName("Pourquoi")
        self.review_button = QPushButton("Enregistrer le &bilan")
        self.review_button.clicked.connect(self.save_review)
        review_row = QHBoxLayout()
        review_row.addWidget(QLabel("Réalisé :"))
        review_row.addWidget(self.review_done)
        review_row.addWidget(QLabel("Pourquoi :"))
        review_row.addWidget(self.review_comment, 1)
        review_row.addWidget(self.review_button)

        decisions = QWidget()
        d_page = QVBoxLayout(decisions)
        d_page.addWidget(self.session_label)
        d_page.addWidget(session)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(self.decision_table)
        middle.addWidget(decision_box)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)
        middle.setSizes([660, 400])  # the decisions table shows every column title at 1366×768
        d_page.addWidget(middle, 1)
        bilan = QWidget()
        b_page = QVBoxLayout(bilan)
        b_page.addWidget(self.bilan_label)
        b_page.addWidget(self.bilan_table, 1)
        b_page.addLayout(review_row)
        self.committee_tabs = QTabWidget()
        self.committee_tabs.addTab(decisions, "Séance et décisions")
        self.committee_tabs.addTab(bilan, "Bilan de l'année précédente")
        return self.committee_tabs

    def _members(self):  # noqa: ANN202
        from app.services.committee import MemberRow

        out = []
        for line in self.members.toPlainText().splitlines():
            if not line.strip():
                continue
            name, _sep, role = line.partition(";")
            out.append(MemberRow(name.strip(), role.strip()))
        return out

    def _run(self, action: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Write on the database worker; ``then(result)`` on success (errors: the standard dialogs)."""
        ops.mutate(self, action, then, on_conflict=self.reload)

    def save_session(self) -> None:
        from app.services.committee import save_session

        ctx = self.context
        q = self.meeting_date.date()
        save = functools.partial(
            save_session,
            ctx.db,
            ctx.organisation_id,
            self.year.value(),
            meeting_date=dt.date(q.year(), q.month(), q.day()),
            place=self.place.text(),
            notes=self.committee.notes if self.committee else "",
            members=self._members(),
            expected_version=self.committee.version if self.committee else None,
            user_name=ctx.user_name,
        )
        self._run(save, lambda _result: self.reload())

    def present_due(self) -> None:
        from app.services.committee import present_due_contracts

        ctx = self.context
        db, org, year = ctx.db, ctx.organisation_id, self.year.value()

        def presented(added: int) -> None:
            self.reload(
                then=lambda: self.session_label.setText(
                    self.session_label.text() + f" — {count(added, 'marché inscrit', 'marchés inscrits')}."
                )
            )

        self._run(lambda: present_due_contracts(db, org, year), presented)

    def _decision_selected(self) -> None:
        d = _selected(self.decision_table, self.decision_model)
        if d is None:
            return
        self.targeted.setChecked(d.targeted)
        chosen = set(d.actions) or (set() if d.targeted else set())
        for i in range(self.actions.count()):
            item = self.actions.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in chosen
                else Qt.CheckState.Unchecked
            )
        self.comment.setText(d.comment)

    def save_decision(self) -> None:
        from app.services.committee import record_decision

        d = _selected(self.decision_table, self.decision_model)
        if d is None:
            QMessageBox.information(self, "CAD", "Sélectionnez d'abord un marché présenté.")
            return
        actions = [
            self.actions.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.actions.count())
            if self.actions.item(i).checkState() == Qt.CheckState.Checked
        ]
        row = self.decision_table.currentIndex().row()
        record = functools.partial(
            record_decision,
            self.context.db,
            d.id,
            targeted=self.targeted.isChecked(),
            actions=actions,
            comment=self.comment.text(),
            expected_version=d.version,
            organisation_id=self.context.organisation_id,
            user_name=self.context.user_name,
        )

        def select_again() -> None:
            if 0 <= row < self.decision_model.rowCount():
                self.decision_table.selectRow(row)

        self._run(record, lambda _result: self.reload(then=select_again))

    def close_committee(self) -> None:
        from app.services.committee import close_committee

        targeted = len(self.committee.targeted) if self.committee else 0
        answer = QMessageBox.question(
            self,
            "Clôturer le CAD",
            f"Le président de la CAO arrête la liste : {count(targeted, 'marché ciblé', 'marchés ciblés')}. "
            "Après la clôture, les décisions ne pourront plus être modifiées. Continuer ?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx = self.context
        db, org, year, user = ctx.db, ctx.organisation_id, self.year.value(), ctx.user_name

        def closed(result) -> None:  # noqa: ANN001
            note = (
                "Les actions retenues ont été ajoutées aux clauses des marchés ciblés."
                if result.checklist_updated
                else "La bibliothèque de clauses n'est pas installée : les actions restent dans le relevé."
            )
            self.reload(then=lambda: self.session_label.setText(self.session_label.text() + f" {note}"))

        self._run(lambda: close_committee(db, org, year, user_name=user), closed)

    def _bilan_selected(self) -> None:
        d = _selected(self.bilan_table, self.bilan_model)
        if d is None:
            return
        self.review_done.setCurrentIndex(self.review_done.findData(d.review_done))
        self.review_comment.setText(d.review_comment)

    def save_review(self) -> None:
        from app.services.committee import record_review

        d = _selected(self.bilan_table, self.bilan_model)
        if d is None:
            QMessageBox.information(self, "Bilan", "Sélectionnez d'abord une décision de l'année précédente.")
            return
        record = functools.partial(
            record_review,
            self.context.db,
            d.id,
            done=self.review_done.currentData(),
            comment=self.review_comment.text(),
            expected_version=d.version,
            organisation_id=self.context.organisation_id,
            user_name=self.context.user_name,
        )
        self._run(record, lambda _result: self.reload())

    # --- loading ---------------------------------------------------------------------------------
    def _reload_lists(self) -> None:
        from app.services.cotation import due_list

        ctx = self.context
        year = self.year.value()
        db, org = ctx.db, ctx.organisation_id
        ops.query(self, lambda: due_list(db, org, year), lambda due: self._show_lists(due, year))

    def _show_lists(self, due, year: int, facts_sentence: str | None = None) -> None:  # noqa: ANN001
        self.due = due
        w = self.due.windows
        self.present_model.set_rows(self.due.to_present)
        self.diagnose_model.set_rows(self.due.to_diagnose)
        reason = self.due.empty_reason()
        self.empty_label.setText(f"<i>{reason[:1].upper() + reason[1:]}</i>" if reason else "")
        self.empty_label.setVisible(bool(reason))
        if facts_sentence is None:
            self.facts_pointer.refresh()
        else:  # read with the lists
            self.facts_pointer.show_summary(facts_sentence)
        self.present_label.setText(
            f"<b>À présenter au CAD {year}</b> (échéance en {w.present_year}) : {len(self.due.to_present)} marchés"
        )
        self.diagnose_label.setText(
            f"<b>À coter</b> (le CAD du {fmt.date(w.cad_date)} tombe entre 24 et 14 mois avant leur échéance : "
            f"du {fmt.date(w.diagnose_from)} au {fmt.date(w.diagnose_to)}) : {len(self.due.to_diagnose)} marchés"
        )
        lines = []
        for t in self.due.targets:
            if t.target is None:
                lines.append(
                    f"Échéance {t.renewal_year} : {t.diagnosed} cotés sur {t.contracts} ({t.state})."
                )
                continue
            share = fmt.percent(t.share) if t.share is not None else "—"
            state = t.state
            lines.append(
                f"Échéance {t.renewal_year} : {t.diagnosed} cotés sur {t.contracts} ({share}) — "
                f"objectif {fmt.percent(t.target)} : {state}."
            )
        self.target_label.setText(
            "<b>Déploiement de la cotation</b> (part des marchés récurrents renouvelés dans l'année à coter) :<br>"
            + "<br>".join(lines)
        )
        for table in (self.present_table, self.diagnose_table):
            fit_columns(table)
            table.setColumnWidth(1, min(table.columnWidth(1), 320))
        current = self.contract_combo.currentData()
        self.contract_combo.blockSignals(True)
        self.contract_combo.clear()
        seen = set()
        for row in [*self.due.to_present, *self.due.to_diagnose]:
            if row.contract_id in seen:
                continue
            seen.add(row.contract_id)
            self.contract_combo.addItem(
                f"{row.reference} — {row.object} ({fmt.date(row.end_date)})", row.contract_id
            )
        index = self.contract_combo.findData(current)
        self.contract_combo.setCurrentIndex(
            index if index >= 0 else (0 if self.contract_combo.count() else -1)
        )
        self.contract_combo.blockSignals(False)

    def reload(self, *_signal_args: object, then: Callable[[], None] | None = None) -> None:
        from app.services.cotation import cotation_screen

        ctx = self.context
        if ctx.db is None or ctx.organisation_id is None:
            self.setEnabled(False)
            return
        self.setEnabled(True)
        year = self.year.value()
        db, org = ctx.db, ctx.organisation_id

        def shown(result) -> None:  # noqa: ANN001
            self._show_all(result.due, result.committee, year, result.facts_sentence)
            if then is not None:
                then()

        # One read: the lists, the CAD session and the « Données à compléter » line share the facts.
        today = self._today()
        ops.query(self, lambda: cotation_screen(db, org, year, today=today), shown)

    def _show_all(self, due, c, year: int, facts_sentence: str | None = None) -> None:  # noqa: ANN001
        self._show_lists(due, year, facts_sentence)
        if (
            self.view is None
            or self.contract_combo.findData(self.view.contract_id) < 0
            or self.view.year != year
        ):
            self._load_contract(self.contract_combo.currentData())
        self.committee = c
        status = "clôturé (liste arrêtée)" if c.closed else ("en préparation" if c.id else "pas encore créé")
        self.session_label.setText(
            f"<b>CAD {year}</b> : {status} — {count(len(c.decisions), 'marché présenté', 'marchés présentés')}, "
            f"{count(len(c.targeted), 'ciblé')}."
        )
        when = c.meeting_date or (self.due.windows.cad_date if self.due else dt.date(year, 10, 1))
        self.meeting_date.setDate(QDate(when.year, when.month, when.day))
        self.place.setText(c.place)
        self.members.setPlainText("\n".join(f"{m.name} ; {m.role}" for m in c.members))
        self.decision_model.set_rows(c.decisions)
        fit_columns(self.decision_table)
        self.decision_table.setColumnWidth(1, min(self.decision_table.columnWidth(1), 260))
        for widget in (
            self.meeting_date,
            self.place,
            self.members,
            self.save_session_button,
            self.present_button,
            self.close_button,
            self.targeted,
            self.actions,
            self.comment,
            self.decide_button,
        ):
            widget.setEnabled(not c.closed)
        self.committee_tabs.setTabText(1, f"Bilan du CAD {year - 1}")
        self.bilan_label.setText(
            f"<b>Bilan des décisions du CAD {year - 1}</b> : "
            + (
                f"{count(len(c.bilan), 'décision')} à examiner."
                if c.bilan
                else "aucune décision enregistrée."
            )
        )
        self.bilan_model.set_rows(c.bilan)
        fit_columns(self.bilan_table)
        self.bilan_table.setColumnWidth(1, min(self.bilan_table.columnWidth(1), 260))


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return CotationScreen(context, parent)
