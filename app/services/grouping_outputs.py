"""The grouping proposal's outputs for the user: the PDF report (with the year's census of orders)
and the workbook (.xlsx), both written through ``app.io.output``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.grouping.order_counts import Census
from app.grouping.proposal import GroupingProposal
from app.io.output import output_path
from app.services.grouping import proposal_from, proposal_inputs
from app.services.order_census import census_in
from app.storage.database import Database


def report_data(db: Database, proposal: GroupingProposal):  # noqa: ANN201 - reportlab types stay lazy
    """What the PDF shows of ``proposal``, with the census of its year."""
    with db.read() as session:
        census = census_in(session, proposal.organisation_id, proposal.year)
    return _report_data(proposal, census)


def _report_data(proposal: GroupingProposal, census: Census):  # noqa: ANN202
    from app.reports.grouping import GroupingReportData

    return GroupingReportData(
        organisation=proposal.organisation_name,
        year=proposal.year,
        summary=proposal.summary,
        families=proposal.families,
        scenarios=list(proposal.scenarios),
        factors=proposal.factors,
        calendar=proposal.calendar,
        target_rate=proposal.target_rate,
        cargo_bike=proposal.cargo_bike,
        census=census,
        largest_groups=proposal.merged_rows[:15],
        calendar_start=dt.date(proposal.year + 1, 1, 1),
    )


def write_grouping_report(
    db: Database, organisation_id: uuid.UUID, year: int, out_path: Path | str, **options: Any
) -> Path:
    """The grouping report (PDF): reduction per family, CO2 of the three scenarios, charts, calendar.
    The proposal and the census are read in one unit of work, so their figures agree."""
    from app.reports.grouping import build_grouping_report

    with db.read() as session:
        inputs = proposal_inputs(session, organisation_id, year)
        census = census_in(session, organisation_id, year)
    proposal = proposal_from(inputs, organisation_id, year, **options)
    out = Path(out_path)
    build_grouping_report(_report_data(proposal, census), out)
    return out


def _safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_grouping_xlsx(proposal: GroupingProposal, out_path: Path | str) -> Path:
    """The proposal as a workbook: summary, grouped orders (with every original order), families,
    transport scenarios and the ordering calendar."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse"
    labels = {
        "orders_before": "Commandes avant",
        "orders_after": "Commandes après groupement",
        "reduction_pct": "Réduction (%)",
        "lower_bound": "Minimum théorique (borne inférieure)",
        "naive_weekly_groups": "Regroupement naïf par fournisseur et semaine",
        "deliveries_before": "Livraisons avant",
        "deliveries_after": "Livraisons après",
        "km_before": "Km parcourus avant (aller-retour)",
        "km_after": "Km parcourus après",
        "kgco2e_before": "kgCO2e avant",
        "kgco2e_after": "kgCO2e après groupement",
        "kgco2e_cargo_bike": "kgCO2e groupé avec vélo-cargo",
        "default_distance_km": "Distance par défaut (km) quand elle est inconnue",
        "deliveries_with_default_distance": "Livraisons estimées avec la distance par défaut",
    }
    summary.append([f"{proposal.organisation_name} : commandes groupées {proposal.year}"])
    summary["A1"].font = Font(bold=True)
    data = proposal.summary.to_json()  # the figures as the command line gives them
    for key, label in labels.items():
        summary.append([label, _safe_cell(data[key])])
    summary.column_dimensions["A"].width = 52

    def sheet(title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_safe_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for column, _ in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, column).column_letter].width = 20

    sheet(
        "Commandes groupées",
        [
            "Date de commande",
            "Livraison au plus tard",
            "Fournisseur",
            "Marché",
            "Famille",
            "Site",
            "Nombre de commandes",
            "Commandes d'origine",
            "Services",
            "Montant HT",
            "Poids (kg)",
            "Remarque",
        ],
        (
            [
                r.order_date,
                r.delivery_date,
                r.supplier,
                r.contract,
                r.family,
                r.site,
                r.size,
                ", ".join(r.order_numbers),
                ", ".join(r.departments),
                r.amount,
                r.weight_kg,
                r.note,
            ]
            for r in proposal.rows
        ),
    )
    sheet(
        "Par famille",
        ["Famille", "Commandes avant", "Commandes après", "Réduction (%)", "Objectif atteint"],
        (
            [
                f.family,
                f.before,
                f.after,
                round(float(f.reduction) * 100, 1),
                "famille exclue" if f.on_target is None else "oui" if f.on_target else "non",
            ]
            for f in proposal.families
        ),
    )
    sheet(
        "Transport",
        ["Scénario", "Livraisons", "Km (aller-retour)", "kgCO2e"],
        (
            [s.label, s.deliveries, round(float(s.km), 1), round(float(s.kgco2e), 1)]
            for s in proposal.scenarios
        ),
    )
    sheet(
        "Calendrier",
        ["Famille", "Rythme proposé", "Commandes dans l'année", "Délai médian (jours)"],
        ([r.label, r.text, r.orders, r.median_window_days] for r in proposal.calendar),
    )
    out = Path(out_path)
    with output_path(out) as part:
        wb.save(part)
    return out
