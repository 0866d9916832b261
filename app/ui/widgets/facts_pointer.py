"""The line that points to « Données à compléter » from the dashboard and the cotation screen:
``facts.summary(...).sentence()`` and a « Compléter les données » button, hidden when nothing is
missing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.context import AppContext


def default_cad_year(context: AppContext, today: dt.date) -> int:
    """The next CAD whose meeting is still ahead (the year a user means), today's year without a file."""
    if not context.ready:
        return today.year
    from app.errors import UserError
    from app.services.cotation import next_cad_year

    try:
        return next_cad_year(context.db, context.organisation_id, today)
    except UserError:
        return today.year


class FactsPointer(QFrame):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("facts_pointer")
        self.setStyleSheet("#facts_pointer { background: #fff4e0; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton("Compléter les &données")
        self.button.setToolTip("Ouvre l'écran « Données à compléter »")
        self.button.clicked.connect(self.open_facts)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def refresh(self) -> str:
        """Recompute the sentence; returns it ("" when nothing is missing, and the line hides)."""
        ctx = self.context
        text = ""
        if ctx.ready:
            from app.services.facts import summary

            text = summary(ctx.db, ctx.organisation_id, today=ctx.today()).sentence()
        self.label.setText(text)
        self.setVisible(bool(text))
        return text

    def open_facts(self) -> None:
        window = self.window()
        if hasattr(window, "open_facts"):
            window.open_facts()
