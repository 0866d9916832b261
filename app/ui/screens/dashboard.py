"""Tableau de bord: the key counts of the register and the « À faire » list."""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app import format as fmt
from app.enums import ContractStatus, label
from app.ui import messages, ops
from app.ui.context import AppContext
from app.ui.widgets.alerts import AlertsPanel
from app.ui.widgets.facts_pointer import FactsPointer
from app.ui.widgets.indicators import IndicatorsPanel

TILES = (
    ("active", "Marchés en cours", "Marchés dont l'état est « En cours »."),
    (
        "ending_within_12_months",
        "Échéances dans les 12 mois",
        "Marchés en cours qui se terminent dans l'année qui vient.",
    ),
    (
        "renewing_next_year",
        "Renouvellements l'an prochain",
        "Marchés en cours dont l'échéance tombe l'année prochaine.",
    ),
    (
        "recurrent_in_cotation",
        "En fenêtre de cotation",
        "Marchés récurrents entre 24 et 14 mois avant leur échéance (réglable dans Paramètres) : "
        "c'est le moment d'évaluer leur potentiel durable (SPASER, action 2).",
    ),
    (
        "frameworks_near_max",
        "Maximum presque atteint",
        "Accords-cadres dont les commandes approchent le montant maximum.",
    ),
    (
        "missing_mandatory_clause",
        messages.MISSING_MANDATORY_CLAUSE,
        "Marchés en cours dont la liste des clauses (écran Clauses ou onglet Clauses de la fiche) signale une "
        "clause obligatoire ni retenue ni justifiée : révision des prix au-delà d'un an, avance, clause "
        "de départage, considérations environnementales...",
    ),
    (
        "total_amount",
        "Montant des marchés en cours",
        "Somme des montants notifiés (ou estimés) HT des marchés en cours.",
    ),
)


class DashboardScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = QLabel("<h2>Tableau de bord</h2>")
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        for index, (key, caption, explanation) in enumerate(TILES):
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setToolTip(explanation)
            box = QVBoxLayout(frame)
            value = QLabel("—")
            value.setObjectName(f"tile_{key}")
            value.setStyleSheet("font-size: 20pt; font-weight: bold;")
            text = QLabel(caption)
            text.setObjectName(f"caption_{key}")
            text.setWordWrap(True)
            box.addWidget(value)
            box.addWidget(text)
            grid.addWidget(frame, index // 4, index % 4)
            self.values[key] = value
        self.alerts = AlertsPanel(context, self)
        self.alerts.contract_activated.connect(self._open_contract)
        self.alerts_title = QLabel("<h3>À faire</h3>")
        self.facts_pointer = FactsPointer(context, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.facts_pointer)
        layout.addLayout(grid)
        # The SPASER indicators and the « À faire » list share the room below the counts, one tab each.
        self.indicators = IndicatorsPanel(context, self)
        todo = QWidget()
        todo_box = QVBoxLayout(todo)
        todo_box.addWidget(self.alerts_title)
        todo_box.addWidget(self.alerts, 1)
        self.sections = QTabWidget()
        self.sections.addTab(self.indicators, "Indicateurs du &SPASER")
        self.sections.addTab(todo, "À &faire")
        layout.addWidget(self.sections, 1)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        context.data_changed.connect(lambda _kind: self.reload())
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        if not ctx.ready:
            for label in self.values.values():
                label.setText("—")
            self.alerts.reload()
            self.indicators.reload()
            self.facts_pointer.refresh()
            return
        from app.services.dashboard import dashboard_screen

        db, org, today, year = ctx.db, ctx.organisation_id, ctx.today(), self.indicators.year.value()
        # One read for the whole screen: the counts, « À faire », the facts sentence and the
        # indicators all come from one reading of the contracts' facts.
        self.indicators.status.setText("Calcul des indicateurs…")
        ops.query(self, lambda: dashboard_screen(db, org, year, today=today), self._show_counts)

    def _show_counts(self, loaded) -> None:  # noqa: ANN001
        counts, rows = loaded.counts, loaded.rows
        for key, widget in self.values.items():
            value = getattr(counts, key)
            widget.setText(fmt.money(value) if key == "total_amount" else str(value))
        self._explain_active(counts.active, rows)
        self.indicators.show_computed(loaded.indicators)
        self.facts_pointer.show_summary(loaded.facts_summary.sentence())
        self.alerts.show_alerts(loaded.alerts, then=self._alerts_shown)

    def _alerts_shown(self) -> None:
        self.alerts_title.setText(f"<h3>À faire ({self.alerts.count()})</h3>")
        self.sections.setTabText(1, f"À &faire ({self.alerts.count()})")

    def _explain_active(self, active: int, rows: list) -> None:
        """« 34 en cours » next to « 40 marchés » in the register: say what the others are."""
        caption = self.findChild(QLabel, "caption_active")
        others = Counter(label(r.status).lower() for r in rows if r.status != ContractStatus.ACTIVE)
        detail = ", ".join(  # « 4 terminés », « 2 en préparation »
            messages.count(n, status, status if " " in status else None)
            for status, n in sorted(others.items())
        )
        caption.setText(
            f"Marchés en cours, sur {messages.count(len(rows), 'marché')} au registre"
            + (f" (les autres : {detail})" if detail else "")
        )

    def _open_contract(self, contract_id) -> None:  # noqa: ANN001
        window = self.window()
        if hasattr(window, "open_screen"):
            window.open_screen("contracts").edit_contract_id(contract_id)


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return DashboardScreen(context, parent)
