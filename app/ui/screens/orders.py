"""Commandes et groupements: the census of the departments' orders, grouped-order proposals with
their transport emissions (accepting one records a grouping plan), before/after charts, the
ordering calendar, joint purchasing with the other towns of the file, and PDF/xlsx exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.ui import ops
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.models.table import Column
from app.ui.models.table import RowTableModel as RowsModel
from app.ui.ops import run_op
from app.ui.widgets.changed_note import ExternalChanges
from app.ui.widgets.tables import fit_columns

DIMENSIONS = (
    ("family", "Par famille d'achat"),
    ("contract", "Par marché"),
    ("department", "Par service"),
    ("supplier", "Par fournisseur"),
)


class BeforeAfterChart(QWidget):
    """Orders per family before/after grouping, and kgCO2e of the three transport scenarios, drawn
    with QPainter. Every bar carries its number: colour is never the only carrier of meaning."""

    BEFORE = QColor("#9aa5b1")
    AFTER = QColor("#1f5f4a")
    BIKE = QColor("#d08c1f")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.families: list[tuple[str, int, int]] = []
        self.scenarios: list[tuple[str, float]] = []
        self.setMinimumHeight(180)  # the table below keeps room for several rows at 1366×768
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Graphique avant et après le groupement")

    def set_data(self, families: list[tuple[str, int, int]], scenarios: list[tuple[str, float]]) -> None:
        self.families = families[:8]
        self.scenarios = scenarios
        self.setAccessibleDescription(
            "; ".join(f"{label} : {before} commandes, puis {after}" for label, before, after in self.families)
        )
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802, ANN001
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        if not self.families:
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Lancez le calcul pour voir le graphique."
            )
            return
        width = self.width()
        left = QRectF(8, 8, width * 0.62 - 16, self.height() - 16)
        right = QRectF(width * 0.62 + 8, 8, width * 0.38 - 16, self.height() - 16)
        self._families(painter, left)
        self._scenarios(painter, right)
        painter.end()

    def _families(self, painter: QPainter, area: QRectF) -> None:
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(self.palette().text().color())
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            QRectF(area.left(), area.top(), area.width(), line), "Commandes par famille : avant / après"
        )
        painter.setFont(QFont(self.font()))
        label_width = min(area.width() * 0.5, max(metrics.horizontalAdvance(f[0]) for f in self.families) + 8)
        top = area.top() + line + 6
        legend_height = line + 6
        row_height = max((area.bottom() - top - legend_height) / len(self.families), 2 * 6 + 4)
        bar_height = max(min((row_height - 6) / 2, line), 4)
        maximum = max(max(b, a) for _, b, a in self.families) or 1
        bars_left = area.left() + label_width
        bars_width = area.width() - label_width - metrics.horizontalAdvance("0000 → 0000") - 8
        for i, (label, before, after) in enumerate(self.families):
            y = top + i * row_height
            painter.setPen(self.palette().text().color())
            # a long family name goes on two lines rather than losing its end
            box = QRectF(area.left(), y - bar_height / 2, label_width - 8, 3 * bar_height)
            flags = int(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
            )
            if metrics.boundingRect(box.toRect(), flags, label).height() > box.height():
                label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(label_width - 8))
            painter.drawText(box, flags, label)
            for j, (value, colour) in enumerate(((before, self.BEFORE), (after, self.AFTER))):
                bar = QRectF(bars_left, y + j * bar_height, bars_width * value / maximum, bar_height - 1)
                painter.fillRect(bar, colour)
            # one figure per family, « 194 → 48 », centred on its two bars: readable however thin they are
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(bars_left + bars_width * max(before, after) / maximum + 4, y, 90, 2 * bar_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{fmt.number(before)} → {fmt.number(after)}",
            )
        y = area.bottom() - line
        for k, (colour, text) in enumerate(
            ((self.BEFORE, "aujourd'hui (en haut)"), (self.AFTER, "après (en bas)"))
        ):
            x = bars_left + k * (bars_width / 2)
            painter.fillRect(QRectF(x, y + 2, 12, line - 4), colour)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 16, y, bars_width / 2 - 16, line), text)

    def _scenarios(self, painter: QPainter, area: QRectF) -> None:
        metrics = painter.fontMetrics()
        line = metrics.height()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line), "kgCO2e du transport")
        painter.setFont(QFont(self.font()))
        if not self.scenarios:
            return
        top = area.top() + 2 * line + 6
        bottom = area.bottom() - 2 * line - 4
        maximum = max(v for _, v in self.scenarios) or 1
        slot = area.width() / len(self.scenarios)
        colours = (self.BEFORE, self.AFTER, self.BIKE)
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawLine(int(area.left()), int(bottom), int(area.right()), int(bottom))
        for i, (label, value) in enumerate(self.scenarios):
            x = area.left() + i * slot + slot * 0.2
            height = (bottom - top) * value / maximum
            bar = QRectF(x, bottom - height, slot * 0.6, height)
            painter.fillRect(bar, colours[i % 3])
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(area.left() + i * slot, bar.top() - line - 2, slot, line),
                int(Qt.AlignmentFlag.AlignHCenter),
                fmt.number(value),
            )
            painter.drawText(
                QRectF(area.left() + i * slot, bottom + 2, slot, 2 * line),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap),
                label,
            )


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + fmt.percent(value)


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    fit_columns(view)
    return view


class OrdersScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.census = None
        self.proposal = None
        self.joint: list = []
        self.target_rate = Decimal("0.25")

        self.title = QLabel("<h2>Commandes et groupements</h2>")
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Année des commandes")
        self.unit_combo = QComboBox()
        self.unit_combo.setAccessibleName("Limite par livraison")
        self.unit_combo.addItem("Sans limite de capacité", None)
        self.unit_combo.addItem("Poids maximal (kg)", "kg")
        self.unit_combo.addItem("Montant maximal (€ HT)", "eur")
        self.capacity = QDoubleSpinBox()
        self.capacity.setAccessibleName("Capacité d'une livraison")
        self.capacity.setRange(1, 10_000_000)
        self.capacity.setDecimals(0)
        self.capacity.setValue(1000)
        self.capacity.setEnabled(False)
        self.unit_combo.currentIndexChanged.connect(
            lambda: self.capacity.setEnabled(self.unit_combo.currentData() is not None)
        )
        self.compute_button = QPushButton("&Calculer")
        self.compute_button.setAccessibleName("Calculer le recensement et les propositions")
        self.compute_button.clicked.connect(self.compute)
        self.pdf_button = QPushButton("Rapport &PDF…")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.xlsx_button = QPushButton("Classeur &Excel…")
        self.xlsx_button.clicked.connect(lambda: self.export_xlsx())
        for button in (self.pdf_button, self.xlsx_button):
            button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Année :"))
        bar.addWidget(self.year_combo)
        bar.addWidget(QLabel("Livraison :"))
        bar.addWidget(self.unit_combo)
        bar.addWidget(self.capacity)
        bar.addWidget(self.compute_button)
        bar.addStretch(1)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.xlsx_button)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Message")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._census_tab(), "Recensement")
        self.tabs.addTab(self._proposal_tab(), "Propositions de groupement")
        self.tabs.addTab(self._calendar_tab(), "Calendrier des commandes")
        self.tabs.addTab(self._joint_tab(), "Achats groupés entre communes")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        # A computed proposal is kept on another window's change (recomputing it is the user's call).
        self.external = ExternalChanges(
            self, context, self.reload, dirty=lambda: self.proposal is not None, position=1
        )
        self.reload()

    # --- tabs -------------------------------------------------------------------------------

    def _census_tab(self) -> QWidget:
        widget = QWidget()
        self.census_summary = QLabel()
        self.census_summary.setWordWrap(True)
        self.dimension_combo = QComboBox()
        self.dimension_combo.setAccessibleName("Regroupement du recensement")
        for key, label in DIMENSIONS:
            self.dimension_combo.addItem(label, key)
        self.dimension_combo.currentIndexChanged.connect(self._show_census_lines)

        def target(line):  # noqa: ANN001, ANN202
            limit = line.target_max(self.target_rate)
            return "—" if limit is None else fmt.number(limit)

        def reached(line):  # noqa: ANN001, ANN202
            ok = line.on_target(self.target_rate)
            return "—" if ok is None else ("oui" if ok else "non")

        self.census_model = RowsModel(
            [
                Column("Libellé", lambda r: r.label),
                Column("Commandes", lambda r: fmt.number(r.count), lambda r: r.count, True),
                Column("Année précédente", lambda r: fmt.number(r.previous), lambda r: r.previous, True),
                Column("Évolution", lambda r: _pct(r.change), lambda r: r.change, True),
                Column("Objectif (au plus)", target, lambda r: r.target_max(self.target_rate), True),
                Column("Objectif sur un an atteint", reached),
                Column(
                    "Mutualisable",
                    lambda r: "" if r.eligible is None else ("oui" if r.eligible else "non (famille exclue)"),
                ),
            ]
        )
        self.census_table = _table(self.census_model, "Recensement des commandes")
        self.census_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(widget)
        layout.addWidget(self.census_summary)
        row = QHBoxLayout()
        row.addWidget(QLabel("Afficher :"))
        row.addWidget(self.dimension_combo)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.census_table, 1)
        return widget

    def _proposal_tab(self) -> QWidget:
        widget = QWidget()
        self.proposal_summary = QLabel()
        self.proposal_summary.setWordWrap(True)
        self.chart = BeforeAfterChart()
        self.groups_model = RowsModel(
            [
                Column("Date de commande", lambda r: fmt.date(r.order_date), lambda r: r.order_date),
                Column(
                    "Livraison au plus tard", lambda r: fmt.date(r.delivery_date), lambda r: r.delivery_date
                ),
                Column("Commandes", lambda r: fmt.number(r.size), lambda r: r.size, True),
                Column("Fournisseur", lambda r: r.supplier),
                Column("Famille", lambda r: r.family),
                Column("Marché", lambda r: r.contract),
                Column("Site", lambda r: r.site),
                Column("Services", lambda r: ", ".join(r.departments)),
                Column("Montant HT", lambda r: fmt.money(r.amount), lambda r: r.amount, True),
                Column("Bons d'origine", lambda r: ", ".join(r.order_numbers)),
                Column("Remarque", lambda r: r.note),
            ]
        )
        self.groups_table = _table(self.groups_model, "Commandes groupées proposées")
        self.groups_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # largest groups first
        self.accept_button = QPushButton("&Accepter la proposition")
        self.accept_button.setAccessibleName("Accepter la proposition et enregistrer le plan de groupement")
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self.accept_proposal)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.groups_table)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 360])
        layout = QVBoxLayout(widget)
        layout.addWidget(self.proposal_summary)
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.accept_button)
        layout.addLayout(row)
        return widget

    def _calendar_tab(self) -> QWidget:
        widget = QWidget()
        explanation = QLabel(
            "Pour chaque famille ouverte à la mutualisation, un rythme de commande déduit des commandes "
            "de l'année : la période ne dépasse pas le délai habituel de livraison, et le jour est celui "
            "où les services commandent déjà le plus souvent. Le calendrier s'imprime avec le rapport PDF."
        )
        explanation.setWordWrap(True)
        self.calendar_model = RowsModel(
            [
                Column("Famille", lambda r: r.label),
                Column("Rythme proposé", lambda r: r.text),
                Column(
                    "Prochaines dates",
                    lambda r: ", ".join(fmt.date(d) for d in r.dates(dt.date.today(), 3)),
                ),
                Column("Commandes dans l'année", lambda r: fmt.number(r.orders), lambda r: r.orders, True),
                Column(
                    "Délai médian",
                    lambda r: f"{r.median_window_days} jours",
                    lambda r: r.median_window_days,
                    True,
                ),
            ]
        )
        self.calendar_table = _table(self.calendar_model, "Calendrier des commandes groupées")
        self.calendar_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(widget)
        layout.addWidget(explanation)
        layout.addWidget(self.calendar_table, 1)
        return widget

    def _joint_tab(self) -> QWidget:
        widget = QWidget()
        explanation = QLabel(
            "Marchés de plusieurs collectivités du fichier qui achètent la même chose (même famille ou même "
            "groupe CPV) et arrivent à échéance à moins de douze mois d'intervalle : un groupement de "
            "commandes est possible. Le coordonnateur proposé est le membre au plus gros volume. "
            "Attention : le montant cumulé peut imposer une autre procédure."
        )
        explanation.setWordWrap(True)
        self.joint_model = RowsModel(
            [
                Column("Achat", lambda p: p.label),
                Column("Membres", lambda p: ", ".join(m.name for m in p.members)),
                Column("Coordonnateur proposé", lambda p: p.coordinator.name),
                Column(
                    "Montant cumulé HT",
                    lambda p: fmt.money(p.combined_amount),
                    lambda p: p.combined_amount,
                    True,
                ),
                Column(
                    "Échéances",
                    lambda p: f"{fmt.date(p.first_end)} – {fmt.date(p.last_end)}",
                    lambda p: p.first_end,
                ),
                Column("Conséquence sur la procédure", lambda p: p.consequence),
            ]
        )
        self.joint_table = _table(self.joint_model, "Propositions de groupements de commandes")
        self.joint_table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.joint_table.selectionModel().selectionChanged.connect(
            lambda *_: self.record_button.setEnabled(self.joint_table.selectionModel().hasSelection())
        )
        self.record_button = QPushButton("&Enregistrer ce groupement")
        self.record_button.setAccessibleName("Enregistrer le groupement de commandes sélectionné")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.record_joint)
        layout = QVBoxLayout(widget)
        layout.addWidget(explanation)
        layout.addWidget(self.joint_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.record_button)
        layout.addLayout(row)
        from app.ui.widgets.purchasing_groups import PurchasingGroupsView

        self.purchasing_groups = PurchasingGroupsView(self.context)
        layout.addWidget(self.purchasing_groups)
        return widget

    # --- data -------------------------------------------------------------------------------

    def reload(self) -> None:
        ctx = self.context
        self.year_combo.clear()
        self.proposal = self.census = None
        self.joint = []
        for model in (self.census_model, self.groups_model, self.calendar_model, self.joint_model):
            model.set_rows([])
        self.chart.set_data([], [])
        self.census_summary.setText("")
        self.proposal_summary.setText("")
        for button in (self.pdf_button, self.xlsx_button, self.accept_button):
            button.setEnabled(False)
        if not (ctx.db and ctx.organisation_id):
            self.status.setText("Ouvrez une base pour recenser les commandes.")
            self.compute_button.setEnabled(False)
            return
        db, org = ctx.db, ctx.organisation_id

        def years() -> list[int]:
            # Imported on the worker: the grouping modules took 0.2 s to import on the GUI thread.
            from app.services.grouping import available_years

            return available_years(db, org)

        ops.query(self, years, self._show_years)

    def _show_years(self, years: list[int]) -> None:
        for year in years:
            self.year_combo.addItem(str(year), year)
        # The last complete year is the most telling; the current one is still running.
        complete = [y for y in years if y < dt.date.today().year]
        self.year_combo.setCurrentIndex(years.index(complete[0]) if complete else 0)
        self.compute_button.setEnabled(bool(years))
        self.status.setText(
            "Choisissez l'année puis « Calculer »."
            if years
            else "Aucune commande enregistrée pour cette collectivité."
        )

    def _capacity(self) -> tuple[Decimal | None, str]:
        unit = self.unit_combo.currentData()
        if unit is None:
            return None, "kg"
        return Decimal(str(int(self.capacity.value()))), unit

    def compute(self) -> None:
        ctx = self.context
        year = self.year_combo.currentData()
        if ctx.db is None or year is None:
            return
        capacity, unit = self._capacity()
        db, org = ctx.db, ctx.organisation_id

        def work(progress):  # noqa: ANN001, ANN202
            from app.services.grouping import propose_grouping
            from app.services.joint_purchasing import joint_proposals
            from app.services.order_census import order_census

            progress.update(0, 4, "Recensement des commandes…")
            census = order_census(db, org, year)
            progress.check()
            proposal = propose_grouping(
                db,
                org,
                year,
                capacity=capacity,
                capacity_unit=unit,
                progress=lambda done, total, text: progress.update(1 + done * 2 // total, 4, text),
            )
            progress.check()
            progress.update(3, 4, "Achats groupés entre communes…")
            joint = [p for p in joint_proposals(db) if org in {m.organisation for m in p.members}]
            return census, proposal, joint

        self.compute_button.setEnabled(False)
        self.status.setText("Calcul en cours…")
        run_op(self, "Recensement et propositions de groupement", work, self._computed, self._failed)

    def _failed(self, exc: BaseException) -> None:
        from app.ui.dialogs.errors import show_error
        from app.ui.ops import Cancelled

        self.compute_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.status.setText("Calcul annulé.")
            return
        self.status.setText("Le calcul n'a pas abouti.")
        show_error(self, exc)

    def _computed(self, result: tuple) -> None:
        self.census, self.proposal, self.joint = result
        self.compute_button.setEnabled(True)
        census, proposal = self.census, self.proposal
        self.target_rate = census.target_rate
        change = census.change
        self.census_summary.setText(
            f"<b>{fmt.number(census.total)}</b> commandes en {census.year}"
            + (
                f", contre {fmt.number(census.previous_total)} en {census.year - 1} ({_pct(change)})"
                if change is not None
                else ""
            )
            + f". {fmt.percent(census.eligible_share)} des commandes relèvent de familles ouvertes à la "
            f"mutualisation. Objectif : {fmt.percent(census.target_rate)} de commandes en moins par famille "
            "ou par marché, par rapport à l'année précédente."
        )
        self._show_census_lines()
        s = proposal.summary
        today, grouped, bike = proposal.scenarios
        bound = (
            "C'est le minimum possible."
            if s.at_lower_bound
            else f"Minimum théorique : {fmt.number(s.lower_bound)} (calcul approché avec la capacité)."
        )
        default = (
            f" {fmt.number(s.deliveries_with_default_distance)} livraisons sont estimées avec la distance "
            f"par défaut de {fmt.number(proposal.default_distance_km)} km."
            if s.deliveries_with_default_distance
            else ""
        )
        self.proposal_summary.setText(
            f"<b>{fmt.number(s.orders_before)}</b> commandes → <b>{fmt.number(s.orders_after)}</b> "
            f"commandes groupées ({fmt.number(s.reduction_pct, 1)} % de moins). {bound}<br>"
            f"Transport : {fmt.number(today.kgco2e)} kgCO2e aujourd'hui, {fmt.number(grouped.kgco2e)} après "
            f"groupement, {fmt.number(bike.kgco2e)} avec le vélo-cargo pour les petites livraisons proches.{default}"
        )
        self.chart.set_data(
            [(f.family, f.before, f.after) for f in proposal.families],
            [
                ("Aujourd'hui", float(today.kgco2e)),
                ("Groupées", float(grouped.kgco2e)),
                ("Vélo-cargo", float(bike.kgco2e)),
            ],
        )
        self.groups_model.set_rows(proposal.rows)
        self.calendar_model.set_rows(proposal.calendar)
        self.joint_model.set_rows(self.joint)
        for table in (self.census_table, self.calendar_table, self.joint_table):
            fit_columns(table)
        fit_columns(self.groups_table)
        for column in (9, 10):
            self.groups_table.setColumnWidth(column, 260)
        merged = len(proposal.merged_rows)
        self.accept_button.setEnabled(merged > 0)
        self.pdf_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)
        # 711 orders become 298: 161 grouped ones (two orders or more each) and the rest left alone
        self.status.setText(
            f"{proposal.year} : {count(s.orders_before, 'commande')} ramenées à {fmt.number(s.orders_after)}, "
            f"dont {count(merged, 'commande groupée', 'commandes groupées')} (chacune de 2 commandes ou plus) "
            "et les autres inchangées. Vérifiez-les puis « Accepter la proposition »."
        )

    def _show_census_lines(self) -> None:
        if self.census is None:
            return
        self.census_model.set_rows(self.census.lines[self.dimension_combo.currentData()])
        fit_columns(self.census_table)

    # --- actions ----------------------------------------------------------------------------

    def accept_proposal(self) -> None:
        if self.proposal is None:
            return
        db, proposal, user = self.context.db, self.proposal, self.context.user_name
        org = self.context.organisation_id
        self.accept_button.setEnabled(False)

        def work(_progress):  # noqa: ANN001, ANN202
            from app.services.grouping import accept_proposal

            return accept_proposal(db, proposal, organisation_id=org, accepted_by=user)

        def done(plan_id) -> None:  # noqa: ANN001
            self.status.setText(
                f"Plan de groupement {proposal.year} enregistré : {len(proposal.merged_rows)} commandes groupées, "
                "chacune reliée à ses bons de commande et services d'origine."
            )
            self.context.data_changed.emit("grouping_plan")

        def failed(exc: BaseException) -> None:
            from app.ui.dialogs.errors import show_error

            self.accept_button.setEnabled(True)
            show_error(self, exc)

        run_op(
            self,
            "Enregistrement du plan de groupement",
            work,
            done,
            failed,
        )

    def record_joint(self) -> None:
        rows = self.joint_table.selectionModel().selectedRows()
        if not rows:
            return
        proposal = self.joint_model.rows[rows[0].row()]
        db, org, user = self.context.db, self.context.organisation_id, self.context.user_name

        def record():  # noqa: ANN202
            from app.services.joint_purchasing import record_purchasing_group

            return record_purchasing_group(db, proposal, organisation_id=org, user_name=user)

        ops.mutate(self, record, lambda _r: self._joint_recorded(proposal))

    def _joint_recorded(self, proposal) -> None:  # noqa: ANN001
        self.status.setText(
            f"Groupement « {proposal.label} » enregistré, coordonné par {proposal.coordinator.name} "
            f"({fmt.money(proposal.combined_amount)} HT cumulés)."
        )
        self.context.data_changed.emit("purchasing_group")

    def _ask_path(self, caption: str, suggested: str, pattern: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, caption, suggested, pattern)
        return path

    def export_pdf(self, path: str | None = None) -> None:
        if self.proposal is None:
            return
        path = path or self._ask_path(
            "Enregistrer le rapport de mutualisation",
            f"mutualisation-{self.proposal.year}.pdf",
            "Documents PDF (*.pdf)",
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        db, proposal = self.context.db, self.proposal

        def work(_progress):  # noqa: ANN001, ANN202
            from app.reports.grouping import build_grouping_report
            from app.services.grouping_outputs import report_data

            build_grouping_report(report_data(db, proposal), path)
            return path

        run_op(self, "Écriture du rapport PDF", work, lambda p: self.status.setText(f"Rapport écrit : {p}"))

    def export_xlsx(self, path: str | None = None) -> None:
        if self.proposal is None:
            return
        path = path or self._ask_path(
            "Enregistrer le classeur des commandes groupées",
            f"commandes-groupees-{self.proposal.year}.xlsx",
            "Classeurs Excel (*.xlsx)",
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        proposal = self.proposal

        def work(_progress):  # noqa: ANN001, ANN202
            from app.services.grouping_outputs import write_grouping_xlsx

            return write_grouping_xlsx(proposal, path)

        run_op(
            self,
            "Écriture du classeur Excel",
            work,
            lambda p: self.status.setText(f"Classeur écrit : {p}"),
        )


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return OrdersScreen(context, parent)
