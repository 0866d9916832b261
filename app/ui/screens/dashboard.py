"""Tableau de bord: the key counts of the register and the « À faire » list."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app import format as fmt
from app.ui import ops
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
        "Sans une clause obligatoire",
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
        from app.services.alerts import dashboard_counts

        db, org, today = ctx.db, ctx.organisation_id, ctx.today()
        ops.query(self, lambda: dashboard_counts(db, org, today), self._show_counts)

    def _show_counts(self, counts) -> None:  # noqa: ANN001
        for key, label in self.values.items():
            value = getattr(counts, key)
            label.setText(fmt.money(value) if key == "total_amount" else str(value))
        self.facts_pointer.refresh()
        self.alerts.reload(then=self._alerts_shown)
        self.indicators.reload()

    def _alerts_shown(self) -> None:
        self.alerts_title.setText(f"<h3>À faire ({self.alerts.count()})</h3>")
        self.sections.setTabText(1, f"À &faire ({self.alerts.count()})")

    def _open_contract(self, contract_id) -> None:  # noqa: ANN001
        window = self.window()
        if hasattr(window, "open_screen"):
            window.open_screen("contracts").edit_contract_id(contract_id)


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return DashboardScreen(context, parent)
