"""Échéancier: contract end dates over the next 48 months with each contract's cotation window
(J-24 to J-14) and CAD date (J-12), drawn with QPainter. Shapes and words, not only colours, tell
the marks apart (hatched bar, diamond, triangle)."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QToolTip, QVBoxLayout, QWidget

from app import format as fmt
from app.rules import calendar as cal
from app.ui.context import AppContext

MONTHS = 48
ROW_HEIGHT = 24
HEADER_HEIGHT = 44
LABEL_WIDTH = 260
MONTH_INITIALS = "JFMAMJJASOND"
COTATION = QColor("#5b8fd6")
CAD = QColor("#e07b00")
END = QColor("#a40000")
TODAY = QColor("#2e7d32")


class TimelineCanvas(QWidget):
    contract_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[cal.TimelineEntry] = []
        self.start = dt.date.today().replace(day=1)
        self.today = dt.date.today()
        self.setMouseTracking(True)
        self.setAccessibleName("Échéancier des marchés")
        self.setMinimumWidth(LABEL_WIDTH + MONTHS * 12)

    def set_entries(self, entries: list[cal.TimelineEntry], today: dt.date) -> None:
        self.entries = entries
        self.today = today
        self.start = today.replace(day=1)
        self.setMinimumHeight(HEADER_HEIGHT + max(len(entries), 1) * ROW_HEIGHT + 8)
        self.update()

    # --- geometry ----------------------------------------------------------------------------------
    def month_width(self) -> float:
        return max((self.width() - LABEL_WIDTH - 8) / (MONTHS + 1), 8.0)

    def x_of(self, day: dt.date) -> float:
        months = (day.year - self.start.year) * 12 + day.month - self.start.month
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        fraction = months + (day.day - 1) / days_in_month
        fraction = min(max(fraction, 0.0), MONTHS + 1.0)
        return LABEL_WIDTH + fraction * self.month_width()

    def entry_at(self, y: float) -> cal.TimelineEntry | None:
        row = int((y - HEADER_HEIGHT) // ROW_HEIGHT)
        if y < HEADER_HEIGHT or not 0 <= row < len(self.entries):
            return None
        return self.entries[row]

    # --- painting ----------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        width = self.month_width()
        text_pen = QPen(self.palette().text().color())
        grid = QColor("#d0d0d0")
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1, 7))
        painter.setFont(small)
        # Month grid and year headers.
        for m in range(MONTHS + 1):
            day = cal.add_months(self.start, m)
            x = LABEL_WIDTH + m * width
            painter.setPen(QPen(grid if day.month != 1 else QColor("#808080")))
            painter.drawLine(QPointF(x, HEADER_HEIGHT - 16), QPointF(x, self.height()))
            painter.setPen(text_pen)
            if width >= 11:
                painter.drawText(
                    QRectF(x, HEADER_HEIGHT - 18, width, 16),
                    Qt.AlignmentFlag.AlignCenter,
                    MONTH_INITIALS[day.month - 1],
                )
            if day.month == 1 or (m == 0 and day.month <= 9):
                bold = QFont(small)
                bold.setBold(True)
                painter.setFont(bold)
                painter.drawText(QRectF(x + 2, 2, 12 * width, 18), Qt.AlignmentFlag.AlignLeft, str(day.year))
                painter.setFont(small)
        painter.setFont(self.font())
        for row, entry in enumerate(self.entries):
            top = HEADER_HEIGHT + row * ROW_HEIGHT
            if row % 2:
                painter.fillRect(QRectF(0, top, self.width(), ROW_HEIGHT), self.palette().alternateBase())
            painter.setPen(text_pen)
            label = f"{entry.reference} — {entry.object}"
            elided = painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 8)
            painter.drawText(
                QRectF(4, top, LABEL_WIDTH - 8, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, elided
            )
            m = entry.milestones
            middle = top + ROW_HEIGHT / 2
            if entry.recurrent:
                x1, x2 = self.x_of(m.cotation_start), self.x_of(m.cotation_end)
                if x2 > LABEL_WIDTH:
                    bar = QRectF(x1, top + 6, max(x2 - x1, 2), ROW_HEIGHT - 12)
                    painter.setPen(QPen(COTATION.darker(130)))
                    painter.setBrush(QBrush(COTATION.lighter(150)))
                    painter.drawRect(bar)
                    painter.setBrush(QBrush(COTATION, Qt.BrushStyle.BDiagPattern))
                    painter.drawRect(bar)
                if m.cad >= self.start:
                    x = self.x_of(m.cad)
                    painter.setPen(QPen(CAD.darker(140)))
                    painter.setBrush(CAD)
                    painter.drawPolygon(
                        QPolygonF(
                            [
                                QPointF(x, middle - 7),
                                QPointF(x + 7, middle),
                                QPointF(x, middle + 7),
                                QPointF(x - 7, middle),
                            ]
                        )
                    )
            x = self.x_of(m.end)
            painter.setPen(QPen(END.darker(130)))
            painter.setBrush(END)
            painter.drawPolygon(
                QPolygonF([QPointF(x - 6, middle + 7), QPointF(x + 6, middle + 7), QPointF(x, middle - 7)])
            )
        # Today.
        x = self.x_of(self.today)
        painter.setPen(QPen(TODAY, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, HEADER_HEIGHT - 16), QPointF(x, self.height()))
        if not self.entries:
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(LABEL_WIDTH, HEADER_HEIGHT, self.width() - LABEL_WIDTH, ROW_HEIGHT * 2),
                Qt.AlignmentFlag.AlignCenter,
                "Aucun marché en cours n'arrive à échéance dans les 48 prochains mois.",
            )
        painter.end()

    # --- interaction -------------------------------------------------------------------------------
    def event(self, event) -> bool:  # noqa: ANN001
        if event.type() == event.Type.ToolTip and isinstance(event, QHelpEvent):
            entry = self.entry_at(event.position().y() if hasattr(event, "position") else event.pos().y())
            if entry is not None:
                QToolTip.showText(event.globalPos(), describe(entry), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        entry = self.entry_at(event.position().y())
        if entry is not None:
            self.contract_activated.emit(entry.id)


def describe(entry: cal.TimelineEntry) -> str:
    m = entry.milestones
    lines = [f"{entry.reference} — {entry.object}", f"Échéance : {fmt.date(m.end)}"]
    if entry.recurrent:
        lines.insert(1, f"Cotation : du {fmt.date(m.cotation_start)} au {fmt.date(m.cotation_end)}")
        lines.insert(2, f"CAD (programmation) : vers le {fmt.date(m.cad)}")
    else:
        lines.append("Marché non récurrent : pas de cotation.")
    lines.append("Double-cliquez pour ouvrir la fiche.")
    return "\n".join(lines)


def _legend_mark(kind: str) -> QLabel:
    label = QLabel()
    colours = {"cotation": COTATION, "cad": CAD, "end": END, "today": TODAY}
    shape = {"cotation": "▨", "cad": "◆", "end": "▲", "today": "┆"}[kind]
    label.setText(f"<span style='color:{colours[kind].name()}; font-size: 14pt'>{shape}</span>")
    return label


class TimelineView(QWidget):
    contract_activated = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.canvas = TimelineCanvas()
        self.canvas.contract_activated.connect(self.contract_activated)
        scroll = QScrollArea()
        scroll.setWidget(self.canvas)
        scroll.setWidgetResizable(True)
        legend = QHBoxLayout()
        for kind, text in (
            ("cotation", "fenêtre de cotation (J-24 à J-14)"),
            ("cad", "programmation en CAD (J-12)"),
            ("end", "échéance du marché"),
            ("today", "aujourd'hui"),
        ):
            legend.addWidget(_legend_mark(kind))
            legend.addWidget(QLabel(text))
            legend.addSpacing(12)
        legend.addStretch(1)
        print_button = QPushButton("Imprimer l'échéancier")
        print_button.clicked.connect(self.print_view)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(legend)
        layout.addLayout(summary_row)
        layout.addWidget(scroll, 1)
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        if not ctx.ready:
            self.canvas.set_entries([], ctx.today())
            self.summary.setText("")
            return
        from app.services.alerts import timeline_for

        today = ctx.today()
        entries = timeline_for(ctx.db, ctx.organisation_id, today, MONTHS)
        self.canvas.set_entries(entries, today)
        recurrent = sum(1 for e in entries if e.recurrent)
        self.summary.setText(
            f"{len(entries)} marchés en cours arrivent à échéance d'ici {fmt.long_date(cal.add_months(today, MONTHS))}, "
            f"dont {recurrent} récurrents à coter. Survolez une ligne pour le détail, double-cliquez pour ouvrir la fiche."
        )

    def entry_ids(self) -> list[uuid.UUID]:
        return [e.id for e in self.canvas.entries]

    def print_view(self) -> None:
        from app.ui.dialogs.printing import print_widget

        print_widget(self, "Échéancier des marchés", self.canvas)
