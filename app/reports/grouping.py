"""Grouping report (PDF): orders before and after grouping per family against the target, the
transport emissions of the three scenarios with their factors and sources, before/after charts,
and the ordering calendar to hand to the departments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from app import format as fmt
from app.grouping.calendar import Rhythm
from app.grouping.order_counts import Census
from app.grouping.proposal import FamilyReduction, GroupingSummary, GroupRow
from app.reports.base import ACCENT, FONT, build_document, data_table, styles
from app.rules.emissions import CargoBikeLimits, Factor, Scenario

BEFORE = colors.HexColor("#9aa5b1")
AFTER = ACCENT
BIKE = colors.HexColor("#d08c1f")


@dataclass
class GroupingReportData:
    organisation: str
    year: int
    summary: GroupingSummary
    families: list[FamilyReduction]
    scenarios: list[Scenario]
    factors: list[Factor]
    calendar: list[Rhythm]
    target_rate: Decimal
    cargo_bike: CargoBikeLimits
    census: Census | None = None
    largest_groups: list[GroupRow] = field(default_factory=list)
    calendar_start: dt.date | None = None


def _family_chart(families: list[FamilyReduction]) -> Drawing:
    rows = families[:12]
    height = 40 + 22 * len(rows)
    drawing = Drawing(180 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 70 * mm, 28
    chart.width, chart.height = 100 * mm, height - 40
    # Top row first: the chart draws categories bottom-up.
    rows = list(reversed(rows))
    chart.data = [[r.before for r in rows], [r.after for r in rows]]
    chart.categoryAxis.categoryNames = [
        r.family if len(r.family) <= 40 else r.family[:39] + "…" for r in rows
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BEFORE
    chart.bars[1].fillColor = AFTER
    chart.barSpacing = 1
    chart.groupSpacing = 5
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 62 * mm, 10
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.colorNamePairs = [(BEFORE, "Commandes aujourd'hui"), (AFTER, "Commandes après groupement")]
    drawing.add(legend)
    return drawing


def _co2_chart(scenarios: list[Scenario]) -> Drawing:
    drawing = Drawing(180 * mm, 68 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 10 * mm
    chart.width, chart.height = 150 * mm, 44 * mm
    chart.data = [[float(s.kgco2e) for s in scenarios]]
    chart.categoryAxis.categoryNames = ["Aujourd'hui", "Groupées", "Groupées + vélo-cargo"]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = AFTER
    for index, colour in enumerate((BEFORE, AFTER, BIKE)):
        chart.bars[(0, index)].fillColor = colour
    chart.barLabelFormat = lambda v: fmt.number(v) + " kg"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 7
    drawing.add(chart)
    drawing.add(String(18 * mm, 64 * mm, "kgCO2e du transport des marchandises", fontName=FONT, fontSize=8))
    return drawing


def build_grouping_report(data: GroupingReportData, out_path: Path) -> int:
    """Write the report; returns its page count."""
    st = styles()
    # st["h1"] has no space above: after a paragraph or a table it sat against it. At the top of a
    # page reportlab drops the space, so page-opening headings are unchanged.
    heading = ParagraphStyle("h1_after_text", parent=st["h1"], spaceBefore=6 * mm)
    s = data.summary
    today, grouped, bike = data.scenarios
    story: list = [
        Paragraph(f"Mutualisation des commandes {data.year}", st["title"]),
        Paragraph(data.organisation, st["h2"]),
        Spacer(1, 4 * mm),
        Paragraph(
            f"En regroupant les commandes des services qui partagent le même fournisseur, le même marché "
            f"(ou la même famille d'achat hors marché) et le même lieu de livraison, dans leurs délais, "
            f"<b>{fmt.number(s.orders_before)}</b> commandes deviennent "
            f"<b>{fmt.number(s.orders_after)}</b> commandes groupées : "
            f"<b>{fmt.number(s.reduction_pct, 1)} %</b> de commandes en moins "
            f"(objectif : {fmt.percent(data.target_rate)} par famille ou par marché).",
            st["body"],
        ),
        Spacer(1, 2 * mm),
    ]
    figures = [
        ["Commandes", fmt.number(s.orders_before), fmt.number(s.orders_after)],
        ["Livraisons", fmt.number(today.deliveries), fmt.number(grouped.deliveries)],
        ["Kilomètres parcourus (aller-retour)", fmt.number(today.km), fmt.number(grouped.km)],
        ["kgCO2e du transport", fmt.number(today.kgco2e), fmt.number(grouped.kgco2e)],
    ]
    story.append(
        data_table(
            ["Indicateur", "Aujourd'hui", "Après groupement"],
            figures,
            [90 * mm, 40 * mm, 40 * mm],
            numeric_columns=(1, 2),
        )
    )
    story.append(Spacer(1, 2 * mm))
    bound_text = (
        "C'est le minimum possible : aucune autre répartition ne fait moins de commandes."
        if s.at_lower_bound
        else f"Borne inférieure du nombre de commandes : {fmt.number(s.lower_bound)} "
        "(la capacité par livraison rend le calcul approché)."
    )
    story.append(
        Paragraph(
            f"{bound_text} Pour comparaison, regrouper simplement par fournisseur et par semaine donnerait "
            f"{fmt.count(s.naive_weekly_groups, 'commande')}, sans respecter marchés, lieux ni délais.",
            st["small"],
        )
    )

    story.append(Paragraph("Réduction par famille d'achat", heading))
    rows = [
        [
            f.family,
            fmt.number(f.before),
            fmt.number(f.after),
            fmt.percent(f.reduction),
            "famille exclue" if f.on_target is None else "oui" if f.on_target else "non",
        ]
        for f in data.families
    ]
    story.append(
        data_table(
            [
                "Famille",
                "Commandes aujourd'hui",
                "Après groupement",
                "Réduction",
                "Objectif atteint avec le groupement",
            ],
            rows,
            [70 * mm, 28 * mm, 28 * mm, 24 * mm, 28 * mm],
            numeric_columns=(1, 2, 3),
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether([Paragraph("Avant et après, par famille", st["h2"]), _family_chart(data.families)])
    )

    story.append(PageBreak())
    story.append(Paragraph("Émissions de gaz à effet de serre du transport", st["h1"]))
    story.append(
        Paragraph(
            "Méthode réglementaire (code des transports, art. L.1431-3) : chaque livraison est un "
            "aller-retour fournisseur – site ; émissions = kilomètres × facteur du véhicule. Le "
            f"vélo-cargo remplace la camionnette pour les livraisons de moins de "
            f"{fmt.number(data.cargo_bike.max_load_kg)} kg à moins de "
            f"{fmt.number(data.cargo_bike.max_distance_km)} km.",
            st["body"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        data_table(
            ["Scénario", "Livraisons", "Km (aller-retour)", "kgCO2e", "Écart"],
            [
                [
                    sc.label,
                    fmt.number(sc.deliveries),
                    fmt.number(sc.km),
                    fmt.number(sc.kgco2e),
                    "—"
                    if sc is today
                    else fmt.percent((sc.kgco2e - today.kgco2e) / today.kgco2e)
                    if today.kgco2e
                    else "—",
                ]
                for sc in data.scenarios
            ],
            [70 * mm, 24 * mm, 30 * mm, 26 * mm, 26 * mm],
            numeric_columns=(1, 2, 3, 4),
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(_co2_chart(data.scenarios))
    hypotheses = []
    if s.deliveries_with_default_distance:
        hypotheses.append(
            f"{fmt.number(s.deliveries_with_default_distance)} livraisons sur "
            f"{fmt.number(today.deliveries)} sont estimées avec la distance par défaut de "
            f"{fmt.number(s.default_distance_km)} km (réglage « Distance fournisseur – site de livraison utilisée quand aucune n'est connue » "
            "de l'écran Paramètres) : saisissez la distance de chaque fournisseur pour un calcul plus juste."
        )
    hypotheses.append(
        "Aucune table des centres des communes n'est livrée avec l'application : la distance vient de la "
        "fiche du fournisseur, sinon du réglage par défaut."
    )
    for text in hypotheses:
        story.append(Paragraph(text, st["small"]))
    story.append(Paragraph("Facteurs d'émission utilisés", st["h2"]))
    story.append(
        data_table(
            ["Véhicule", "kgCO2e/km", "Source", "Statut"],
            [
                [
                    f.label,
                    fmt.number(f.kgco2e_per_km, 4),
                    f.source,
                    "à vérifier" if f.to_verify else "vérifié",
                ]
                for f in data.factors
            ],
            # 20 mm split the header as "kgCO2e/k m": the column fits the word in bold 8 pt.
            [42 * mm, 25 * mm, 93 * mm, 20 * mm],
            numeric_columns=(1,),
        )
    )

    if data.calendar:
        story.append(PageBreak())
        story.append(Paragraph("Calendrier des commandes groupées", st["h1"]))
        story.append(
            Paragraph(
                "Pour chaque famille ouverte à la mutualisation, un rythme déduit des commandes de l'année : "
                "la période ne dépasse pas le délai habituel de livraison de la famille, et le jour est celui "
                "où les services commandent déjà le plus souvent. Les services transmettent leurs besoins "
                "la veille du jour de commande.",
                st["body"],
            )
        )
        story.append(Spacer(1, 2 * mm))
        start = data.calendar_start or dt.date(data.year + 1, 1, 1)
        story.append(
            data_table(
                ["Famille", "Rythme proposé", "Premières dates", "Commandes dans l'année", "Délai médian"],
                [
                    [
                        r.label,
                        r.text,
                        ", ".join(fmt.date(d) for d in r.dates(start, 3)),
                        fmt.number(r.orders),
                        f"{r.median_window_days} jours",
                    ]
                    for r in data.calendar
                ],
                [42 * mm, 48 * mm, 44 * mm, 24 * mm, 22 * mm],
                numeric_columns=(3,),
            )
        )

    if data.census is not None:
        census = data.census
        story.append(Paragraph(f"Recensement des commandes {census.year}", heading))
        change = census.change
        story.append(
            Paragraph(
                f"{fmt.count(census.total, 'commande')} en {census.year}"
                + (
                    f" contre {fmt.number(census.previous_total)} en {census.year - 1} "
                    f"({'+' if change > 0 else ''}{fmt.percent(change, 1)})"
                    if change is not None
                    else ""
                )
                + f" ; {fmt.percent(census.eligible_share)} des commandes relèvent de familles ouvertes à la "
                "mutualisation.",
                st["body"],
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(
            data_table(
                ["Service", f"Commandes {census.year}", f"Commandes {census.year - 1}", "Évolution"],
                [
                    [
                        line.label,
                        fmt.number(line.count),
                        fmt.number(line.previous),
                        "—" if line.change is None else fmt.percent(line.change),
                    ]
                    for line in census.lines["department"]
                ],
                [80 * mm, 32 * mm, 32 * mm, 30 * mm],
                numeric_columns=(1, 2, 3),
            )
        )

    if data.largest_groups:
        story.append(Paragraph("Les plus grandes commandes groupées", st["h2"]))
        story.append(
            data_table(
                ["Date", "Fournisseur", "Famille", "Nb", "Services", "Montant HT"],
                [
                    [
                        fmt.date(g.order_date),
                        g.supplier,
                        g.family,
                        fmt.number(g.size),
                        ", ".join(g.departments),
                        fmt.money(g.amount),
                    ]
                    for g in data.largest_groups
                ],
                [21 * mm, 33 * mm, 32 * mm, 10 * mm, 60 * mm, 24 * mm],
                numeric_columns=(3, 5),
            )
        )
    return build_document(
        out_path,
        story,
        organisation=data.organisation,
        title=f"Mutualisation des commandes {data.year}",
        footer=f"Achats Durables — mutualisation des commandes {data.year}",
    )
