"""The line that points to « Données à compléter » from the dashboard and the cotation screen:
``facts.summary(...).sentence()`` and a « Compléter les données » button, hidden when nothing is
missing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
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
    updated = Signal(str)  # the sentence shown ("" when hidden)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.generation = 0
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

    def refresh(self) -> None:
        """Recompute the sentence in the background (a large register takes seconds); the line shows
        when it arrives, and hides when nothing is missing."""
        ctx = self.context
        self.generation += 1
        generation = self.generation
        if not ctx.ready:
            self._show("")
            return
        from app.services.facts import summary
        from app.ui.tasks import run_op

        db, org, today = ctx.db, ctx.organisation_id, ctx.today()

        def done(result: object) -> None:
            if generation == self.generation:  # a newer refresh is on its way: this one is stale
                self._show(result.sentence())  # type: ignore[attr-defined]

        def failed(_exc: BaseException) -> None:  # a pointer is no place for an error box
            if generation == self.generation:
                self._show("")

        # Quiet: no progress window for a hint line (it appears after an hour, i.e. never).
        run_op(self, "", lambda _p: summary(db, org, today=today), done, failed, show_after_ms=3_600_000)

    def show_summary(self, sentence: str) -> None:
        """Show the sentence the screen computed with the rest of its data (no reading of its own)."""
        self.generation += 1  # a refresh still on its way is stale
        self._show(sentence)

    def _show(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))
        self.updated.emit(text)

    def open_facts(self) -> None:
        window = self.window()
        if hasattr(window, "open_facts"):
            window.open_facts()
