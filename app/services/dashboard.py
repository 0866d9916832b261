"""The SPASER dashboard: every indicator of the year against its target, for the organisation and
for all the organisations of the file, with the years before for a trend.

One read unit of work gathers plain facts (``app.rules.indicators.DashboardFacts``) from the contract
facts, the clause checklists, the cotations, the CAD decisions and the census of orders; the pure
engine computes the indicators. Reports, the Excel export, the screen and ``indicators --json`` all
take the ``DashboardData`` returned here as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.queries import dashboard as queries
from app.queries.organisations import other_organisation_ids, require_organisation
from app.rules import indicators as engine
from app.rules.contract import ContractFacts
from app.rules.indicators import ContractLine, DashboardFacts, IndicatorResult, OrderYear
from app.storage.database import Database

if TYPE_CHECKING:
    from app.queries.register import ContractRow
    from app.rules.calendar import Alert
    from app.services.alerts import DashboardCounts
    from app.services.facts import FactsSummary

TREND_YEARS = 3  # the year and the two before
ALL_ORGANISATIONS = "Toutes les collectivités du fichier"


@dataclass(frozen=True)
class ScopeDashboard:
    name: str
    kind: str  # "organisation", "all" or "group"
    results: tuple[IndicatorResult, ...]

    def result(self, indicator_id: str) -> IndicatorResult:
        return next(r for r in self.results if r.id == indicator_id)

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "indicators": [r.to_json() for r in self.results]}


@dataclass(frozen=True)
class DashboardData:
    organisation: str
    year: int
    generated_on: dt.date
    scopes: tuple[ScopeDashboard, ...]
    contracts: tuple[ContractLine, ...] = ()
    orders: tuple[OrderYear, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def main(self) -> ScopeDashboard:
        return self.scopes[0]

    @property
    def results(self) -> tuple[IndicatorResult, ...]:
        return self.main.results

    def to_json(self) -> dict:
        return {
            "organisation": self.organisation,
            "year": self.year,
            "generated_on": self.generated_on.isoformat(),
            "indicators": [r.to_json() for r in self.main.results],
            "scopes": [s.to_json() for s in self.scopes],
        }


def _merge(parts: Sequence[DashboardFacts]) -> DashboardFacts:
    return DashboardFacts(
        tuple(c for p in parts for c in p.contracts),
        tuple(m for p in parts for m in p.committees),
        tuple(o for p in parts for o in p.orders),
    )


def dashboard_data(
    db: Database, organisation_id: uuid.UUID, year: int, *, today: dt.date | None = None
) -> DashboardData:
    """Every indicator of ``year`` for the organisation, for all the organisations of the file when
    it holds several, and for each purchasing group it belongs to, with the two years before for the
    trend."""
    with db.read() as session:
        return _dashboard(session, organisation_id, year, today=today)


def _dashboard(
    session: Session,
    organisation_id: uuid.UUID,
    year: int,
    *,
    today: dt.date | None = None,
    facts: Sequence[ContractFacts] | None = None,
) -> DashboardData:
    today = today or dt.date.today()
    years = tuple(range(year - TREND_YEARS + 1, year + 1))
    name = require_organisation(session, organisation_id).name
    points = queries.target_points(session, organisation_id)
    own = queries.gather_facts(session, organisation_id, years, today=today, facts=facts)
    others = {
        other: queries.gather_facts(session, other, years, today=today)
        for other in other_organisation_ids(session, organisation_id)
    }
    groups = queries.groups_of(session, organisation_id)

    def scope(title: str, kind: str, facts: DashboardFacts) -> ScopeDashboard:
        return ScopeDashboard(title, kind, tuple(engine.evaluate_all(facts, year, points, trend_years=years)))

    scopes = [scope(name, "organisation", own)]
    if others:
        scopes.append(scope(ALL_ORGANISATIONS, "all", _merge([own, *others.values()])))
    for title, members in groups:
        parts = [own, *(others[m] for m in members if m in others)]
        scopes.append(scope(title, "group", _merge(parts)))
    return DashboardData(
        organisation=name,
        year=year,
        generated_on=today,
        scopes=tuple(scopes),
        contracts=own.contracts,
        orders=tuple(o for o in own.orders if o.year == year),
    )


@dataclass(frozen=True)
class DashboardScreenData:
    """Everything the Tableau de bord shows at opening, read in one unit of work."""

    counts: DashboardCounts
    rows: list[ContractRow]  # the register (the « Marchés en cours » tile explains the others)
    alerts: list[Alert]
    facts_summary: FactsSummary
    indicators: DashboardData


def dashboard_screen(
    db: Database, organisation_id: uuid.UUID, year: int, *, today: dt.date
) -> DashboardScreenData:
    """The key counts, the « À faire » list, the « Données à compléter » sentence and the SPASER
    indicators of ``year``: one read unit of work, the organisation's contract facts read once and
    handed to each (each figure is the one its own service gives)."""
    from app.queries.assessments import rated_years
    from app.queries.contracts import contracts_facts
    from app.queries.organisation_settings import settings_for
    from app.queries.register import contract_rows
    from app.rules import calendar as cal
    from app.services.alerts import contract_dates, counts_of, cycle_delays
    from app.services.clauses import missing_mandatory_in
    from app.services.facts import summary_of_facts

    with db.read() as session:
        require_organisation(session, organisation_id)
        facts = contracts_facts(session, organisation_id, today=today)
        rows = contract_rows(session, organisation_id)
        delays = cycle_delays(settings_for(session, organisation_id), today)
        missing = missing_mandatory_in(session, organisation_id, today=today, facts=facts)
        rated = rated_years(session, organisation_id)
        indicators = _dashboard(session, organisation_id, year, today=today, facts=facts)
    return DashboardScreenData(
        counts=counts_of(rows, delays, missing, today),
        rows=rows,
        alerts=cal.alerts(contract_dates(rows, rated), delays, today),
        facts_summary=summary_of_facts(facts),
        indicators=indicators,
    )


# --- files ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenDashboard:
    path: Path
    pages: int = 0
    sheets: int = 0

    def to_json(self) -> dict:
        return {"file": str(self.path), "pages": self.pages, "sheets": self.sheets}

    def summary(self) -> str:
        if self.sheets:
            return f"Tableau de bord SPASER écrit : {self.path} ({self.sheets} feuilles)."
        return f"Tableau de bord SPASER écrit : {self.path} ({self.pages} pages)."


def write_dashboard_pdf(
    db: Database, organisation_id: uuid.UUID, year: int, out_path: Path | str, *, today: dt.date | None = None
) -> WrittenDashboard:
    from app.reports.dashboard import build_dashboard

    with db.read() as session:
        data = _dashboard(session, organisation_id, year, today=today)
    pages = build_dashboard(data, Path(out_path))
    return WrittenDashboard(Path(out_path), pages=pages)


def write_dashboard_xlsx(
    db: Database, organisation_id: uuid.UUID, year: int, out_path: Path | str, *, today: dt.date | None = None
) -> WrittenDashboard:
    from app.io.xlsx_writer import write_xlsx

    with db.read() as session:
        data = _dashboard(session, organisation_id, year, today=today)
    sheets = dashboard_sheets(data)
    write_xlsx(Path(out_path), sheets)
    return WrittenDashboard(Path(out_path), sheets=len(sheets))


def _number(result: IndicatorResult, value: Decimal | None) -> Decimal | None:
    """A share as a percentage number (45.5), other units as they are."""
    if value is None:
        return None
    return value * 100 if result.unit is engine.Unit.SHARE else value


def _indicator_row(result: IndicatorResult, scope: str) -> list[object]:
    return [
        scope,
        result.id,
        result.label,
        ", ".join(str(a) for a in result.actions),
        result.unit.value,
        _number(result, result.value),
        result.numerator,
        result.denominator,
        result.to_complete,
        _number(result, result.target),
        result.status_text,
        result.explanation,
    ]


_INDICATOR_HEADERS = (
    "Périmètre",
    "Identifiant",
    "Indicateur",
    "Actions du SPASER",
    "Unité",
    "Valeur (en % pour une part)",
    "Numérateur",
    "Dénominateur",
    "À compléter",
    "Objectif (en % pour une part)",
    "État",
    "Explication",
)
_INDICATOR_KINDS = (
    "text",
    "text",
    "text",
    "text",
    "text",
    "decimal",
    "decimal",
    "decimal",
    "int",
    "decimal",
    "text",
    "text",
)
_INDICATOR_WIDTHS = (22, 20, 48, 12, 10, 14, 12, 12, 11, 14, 22, 70)


def dashboard_sheets(data: DashboardData) -> list:
    """The Excel workbook: a summary sheet, one sheet per axis, and the contracts and orders behind
    each number (the same numbers as ``indicators --json``)."""
    from app.io.xlsx_writer import SheetSpec

    def indicator_sheet(title: str, results: Sequence[IndicatorResult]) -> SheetSpec:
        ids = {r.id for r in results}
        rows = [_indicator_row(r, scope.name) for scope in data.scopes for r in scope.results if r.id in ids]
        return SheetSpec(title, _INDICATOR_HEADERS, _INDICATOR_KINDS, _INDICATOR_WIDTHS, rows)

    sheets = [indicator_sheet("Synthèse", [r for r in data.results if r.headline])]
    for axis in engine.Axis:
        sheets.append(indicator_sheet(axis.value.capitalize(), [r for r in data.results if r.axis is axis]))
    behind = []
    for r in data.results:
        for role, refs in (
            ("numérateur", r.numerator_refs),
            ("dénominateur", r.denominator_refs),
            ("à compléter", r.to_complete_refs),
        ):
            behind.extend([r.id, r.label, role, ref] for ref in refs)
    sheets.append(
        SheetSpec(
            "Données",
            ("Identifiant", "Indicateur", "Compté au", "Marché, collectivité ou indicateur"),
            ("text",) * 4,
            (20, 48, 14, 40),
            behind,
        )
    )
    sheets.append(
        SheetSpec(
            "Recensement des commandes",
            ("Collectivité", "Année", "Regroupées par", "Famille ou marché", "Commandes", "Année précédente"),
            ("text", "int", "text", "text", "int", "int"),
            (28, 8, 16, 48, 12, 16),
            [
                [o.organisation, o.year, "famille" if dim == "family" else "marché", label, now, before]
                for o in data.orders
                for dim, label, now, before in o.lines
            ],
        )
    )
    return sheets
