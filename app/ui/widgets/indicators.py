"""The SPASER indicators on the Tableau de bord: one tile per indicator grouped by axis, with its
value, its target, the state written in words (and an icon, never colour alone), a bar against the
target, the years before, and the files still to complete. A tile opens the list of contracts behind
its number. Computing runs off the GUI thread; « Imprimer » writes the PDF dashboard."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QRectF, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QDesktopServices, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.rules.indicators import (
    AXIS_TITLES,
    STATUS_ICON,
    Axis,
    IndicatorResult,
    Status,
    Unit,
    format_target,
    format_value,
    status_line,
)
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.tasks import run_op

GREEN, RED, AMBER, GREY = QColor("#1f5f4a"), QColor("#b03a2e"), QColor("#c98a12"), QColor("#e3e8e6")
STATE_COLOURS = {Status.MET: GREEN, Status.NOT_MET: RED, Status.TO_COMPLETE: AMBER}
COLUMNS = 4


class TargetBar(QWidget):
    """The value as a bar on 0–100 %, the target as a red mark (QPainter, as the other screens)."""

    def __init__(self, result: IndicatorResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setMinimumHeight(12)
        self.setMaximumHeight(12)
        self.setAccessibleName(
            f"Valeur {format_value(result.unit, result.value)}, objectif {format_target(result)}"
        )

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 - Qt API
        painter = QPainter(self)
        width, height = self.width(), self.height()
        painter.fillRect(QRectF(0, 2, width, height - 4), GREY)
        r = self.result
        if r.value is not None:
            share = max(0.0, min(1.0, abs(float(r.value))))
            painter.fillRect(QRectF(0, 2, share * width, height - 4), STATE_COLOURS.get(r.status, GREEN))
        if r.target is not None:
            x = max(0.0, min(1.0, abs(float(r.target)))) * (width - 2) + 1
            painter.setPen(QPen(QColor("#202020"), 2))
            painter.drawLine(int(x), 0, int(x), height)
        painter.end()


class IndicatorTile(QFrame):
    activated = Signal(object)  # the IndicatorResult

    def __init__(
        self, result: IndicatorResult, other: IndicatorResult | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.result = result
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"indicator_{result.id}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(2)
        title = QLabel(result.label)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: bold;")
        value = QLabel(format_value(result.unit, result.value))
        value.setObjectName(f"value_{result.id}")
        value.setStyleSheet("font-size: 15pt; font-weight: bold;")
        target = QLabel(f"Objectif : {format_target(result)}" if result.target is not None else "")
        state = QLabel(status_line(result))
        state.setObjectName(f"state_{result.id}")
        state.setWordWrap(True)
        colour = STATE_COLOURS.get(result.status)
        if colour is not None:
            state.setStyleSheet(f"color: {colour.name()};")
        box.addWidget(title)
        row = QHBoxLayout()
        row.addWidget(value)
        row.addStretch(1)
        row.addWidget(target)
        box.addLayout(row)
        if result.unit is Unit.SHARE and result.id != "orders_change":
            box.addWidget(TargetBar(result, self))
        box.addWidget(state)
        trend = " · ".join(f"{y} : {format_value(result.unit, v)}" for y, v in result.trend)
        if trend:
            years = QLabel(trend)
            years.setStyleSheet("color: #555555;")
            years.setWordWrap(True)
            box.addWidget(years)
        tip = f"{result.explanation}\n\nCe qui est compté : {result.method}"
        if other is not None:
            tip += f"\n\nEnsemble du fichier : {format_value(other.unit, other.value)} ({status_line(other)})"
        self.setToolTip(tip + "\n\nCliquez (ou Entrée) pour voir les marchés comptés.")
        self.setAccessibleName(
            f"{result.label} : {format_value(result.unit, result.value)}, {status_line(result)}"
        )
        self.setAccessibleDescription(result.explanation)

    def mouseReleaseEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        self.activated.emit(self.result)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.result)
            return
        super().keyPressEvent(event)


class DrillDownDialog(QDialog):
    """What is behind a number: the contracts (or orders, organisations) counted, and those apart.
    Double-click (or Entrée on) a contract opens it, to complete what is missing."""

    reference_activated = Signal(str)

    def __init__(
        self, result: IndicatorResult, parent: QWidget | None = None, objects: dict[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        objects = objects or {}
        self.setWindowTitle(result.label)
        layout = QVBoxLayout(self)
        explanation = QLabel(
            f"{result.explanation}\n\nCe qui est compté : {result.method}\n\n"
            "Double-cliquez sur un marché pour ouvrir sa fiche et compléter ce qui manque."
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.lists: dict[str, QListWidget] = {}
        for key, caption, refs in (
            ("numerator", "Comptés (numérateur)", result.numerator_refs),
            ("denominator", "Parmi (dénominateur)", result.denominator_refs),
            ("to_complete", "À compléter (comptés ni pour ni contre)", result.to_complete_refs),
        ):
            if not refs:
                continue
            layout.addWidget(QLabel(f"<b>{caption} : {len(refs)}</b>"))
            items = QListWidget()
            items.setAccessibleName(caption)
            for ref in refs:
                item = QListWidgetItem(f"{ref} — {objects[ref]}" if objects.get(ref) else ref)
                item.setData(Qt.ItemDataRole.UserRole, ref)
                items.addItem(item)
            items.itemActivated.connect(
                lambda item: self.reference_activated.emit(item.data(Qt.ItemDataRole.UserRole))
            )
            layout.addWidget(items)
            self.lists[key] = items
        if not self.lists:
            layout.addWidget(QLabel("Aucun marché derrière ce nombre."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 480)


class _Answer(QObject):
    done = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], generation: int, answer: _Answer) -> None:
        super().__init__()
        self.work, self.generation, self.answer = work, generation, answer

    def run(self) -> None:
        try:
            result, ok = self.work(), True
        except Exception as exc:  # shown in the panel's status line, on the GUI thread
            result, ok = exc, False
        self.answer.done.emit(self.generation, ok, result)


_answers: set[_Answer] = set()
_pool: QThreadPool | None = None


def _start(
    work: Callable[[], object], generation: int, on_answer: Callable[[int, bool, object], None]
) -> None:
    """Compute off the GUI thread, one computation at a time (a pool of one thread of its own, so a
    recompute never delays the other screens' work); the answer comes back on the GUI thread."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    answer = _Answer()
    answer.done.connect(on_answer, Qt.ConnectionType.QueuedConnection)
    # Kept alive until its answer is delivered on the GUI thread.
    answer.done.connect(lambda *_: _answers.discard(answer), Qt.ConnectionType.QueuedConnection)
    _answers.add(answer)
    _pool.start(_Job(work, generation, answer))


class IndicatorsPanel(QWidget):
    """Filters (year, scope), the tiles by axis, and « Imprimer »."""

    computed = Signal()
    contract_opened = Signal(object)  # the contract's id

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.data = None
        self.year = QSpinBox()
        self.year.setRange(2020, 2100)
        self.year.setValue(self._today().year)
        self.year.setAccessibleName("Année des indicateurs")
        self.scope = QComboBox()
        self.scope.setAccessibleName("Périmètre des indicateurs")
        self.print_button = QPushButton("&Imprimer le tableau de bord…")
        self.print_button.clicked.connect(self.print_dashboard)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Indicateurs du SPASER</b>"))
        bar.addSpacing(12)
        year_label = QLabel("&Année :")
        year_label.setBuddy(self.year)
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        scope_label = QLabel("&Périmètre :")
        scope_label.setBuddy(self.scope)
        bar.addWidget(scope_label)
        bar.addWidget(self.scope, 1)
        bar.addWidget(self.print_button)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.tiles: dict[str, IndicatorTile] = {}
        self._generation = 0
        # The indicators are the screen's main content: they take the room the « À faire » list leaves.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.scope.currentIndexChanged.connect(lambda _i: self._show())

    def _today(self) -> dt.date:
        today = getattr(self.context, "today", None)
        return today() if callable(today) else dt.date.today()

    def reload(self) -> None:
        ctx = self.context
        if not ctx.ready:
            self.data = None
            self._show()
            return
        db, organisation_id, year, today = ctx.db, ctx.organisation_id, self.year.value(), self._today()
        self.status.setText("Calcul des indicateurs…")
        self._generation += 1

        def work():  # noqa: ANN202
            from app.services.dashboard import dashboard_data

            return dashboard_data(db, organisation_id, year, today=today)

        _start(work, self._generation, self._answered)

    def show_computed(self, data) -> None:  # noqa: ANN001
        """Show indicators the screen computed with the rest of its data (for the year shown)."""
        self._generation += 1  # a computation still on its way is stale
        self._computed(data)

    def _answered(self, generation: int, ok: bool, result: object) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return  # the panel is gone, or a newer computation was asked for
        if ok:
            self._computed(result)
        else:
            self._failed(result)  # type: ignore[arg-type]

    def _computed(self, data) -> None:  # noqa: ANN001
        self.data = data
        current = self.scope.currentIndex()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItems([s.name for s in data.scopes])
        self.scope.setCurrentIndex(max(0, min(current, len(data.scopes) - 1)))
        self.scope.blockSignals(False)
        self._show()
        self.computed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Les indicateurs n'ont pas pu être calculés : {exc}")

    def _show(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tiles = {}
        if self.data is None:
            self.status.setText("")
            return
        scope = self.data.scopes[max(0, self.scope.currentIndex())]
        other = self.data.scopes[1] if len(self.data.scopes) > 1 and scope is self.data.main else None
        others = {r.id: r for r in other.results} if other else {}
        met = next((r for r in scope.results if r.id == "objectives_met"), None)
        summary = ""
        if met is not None and met.denominator:
            summary = f"{count(int(met.numerator), 'objectif atteint', 'objectifs atteints')} sur {int(met.denominator)}. "
        self.status.setText(
            summary + f"{STATUS_ICON[Status.MET]} atteint · {STATUS_ICON[Status.NOT_MET]} non atteint · "
            f"{STATUS_ICON[Status.TO_COMPLETE]} à compléter (une donnée manque : le marché n'est compté ni "
            "pour ni contre) · survolez un indicateur pour son explication, cliquez pour les marchés comptés."
        )
        for axis in Axis:
            results = [r for r in scope.results if r.axis is axis]
            if not results:
                continue
            group = QGroupBox(AXIS_TITLES[axis])
            grid = QGridLayout(group)
            for index, result in enumerate(results):
                tile = IndicatorTile(result, others.get(result.id), group)
                tile.activated.connect(self.open_details)
                grid.addWidget(tile, index // COLUMNS, index % COLUMNS)
                self.tiles[result.id] = tile
            for column in range(COLUMNS):
                grid.setColumnStretch(column, 1)
            self.body_layout.addWidget(group)
        self.body_layout.addStretch(1)

    def open_details(self, result: IndicatorResult) -> DrillDownDialog:
        objects = {c.reference: c.object for c in self.data.contracts} if self.data is not None else {}
        dialog = DrillDownDialog(result, self, objects)
        dialog.reference_activated.connect(lambda ref: self.open_contract(ref, dialog))
        dialog.open()
        return dialog

    def open_contract(self, reference: str, dialog: QDialog | None = None) -> bool:
        """Open the contract of ``reference`` in the register (False when it is not one of the
        organisation's contracts: an organisation's name, a neighbour's contract…)."""
        from app.errors import NotFound
        from app.services.clauses import find_contract

        ctx = self.context
        try:
            contract_id = find_contract(ctx.db, ctx.organisation_id, reference)
        except NotFound as exc:
            self.status.setText(str(exc))
            return False
        if dialog is not None:
            dialog.accept()
        window = self.window()
        if hasattr(window, "open_screen"):
            window.open_screen("contracts").edit_contract_id(contract_id)
        self.contract_opened.emit(contract_id)
        return True

    def print_dashboard(self) -> None:
        ctx = self.context
        if not ctx.ready:
            return
        db, organisation_id, year, today = ctx.db, ctx.organisation_id, self.year.value(), self._today()
        out = Path(tempfile.gettempdir()) / f"tableau-de-bord-spaser-{year}.pdf"

        def work(_progress):  # noqa: ANN001, ANN202
            from app.services.dashboard import write_dashboard_pdf

            return write_dashboard_pdf(db, organisation_id, year, out, today=today)

        def done(result) -> None:  # noqa: ANN001
            self.status.setText(
                f"Tableau de bord écrit ({result.pages} pages) : {result.path}. Il s'ouvre dans votre lecteur "
                "PDF : imprimez-le depuis celui-ci (Ctrl+P)."
            )
            from PySide6.QtCore import QUrl

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))

        run_op(self, "Écriture du tableau de bord PDF", work, done)
