"""The printable SPASER dashboard (PDF): a one-page summary an elected official reads in a minute,
one page per axis with each indicator's value against its target (bar and text), its state in words,
the contracts still to complete and the trend, then the method and a glossary of the acronyms.

Takes the plain ``DashboardData`` of ``app.services.dashboard`` (duck-typed: reports import no
service) and writes it with the shared furniture of ``app.reports.base``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from app import format as fmt
from app.reports.base import ACCENT, FONT, build_document, data_table, styles
from app.rules.indicators import (
    AXIS_TITLES,
    STATUS_ICON,
    Axis,
    IndicatorResult,
    Status,
    Unit,
    format_gap,
    format_target,
    format_value,
)

TARGET_MARK = colors.HexColor("#b03a2e")
BAR_BACK = colors.HexColor("#e3e8e6")
STATE_COLOURS = {
    Status.MET: colors.HexColor("#d8efe2"),
    Status.NOT_MET: colors.HexColor("#f6dcd8"),
    Status.TO_COMPLETE: colors.HexColor("#fbeccb"),
}

GLOSSARY = (
    ("ADEME", "Agence de la transition écologique : elle publie les facteurs d'émission utilisés ici."),
    ("AGEC", "Loi anti-gaspillage pour une économie circulaire (2020) : réemploi, réutilisation, recyclé."),
    ("CAD", "Comité annuel des Achats Durables : il choisit chaque année les marchés à améliorer."),
    ("CAO", "Commission d'appel d'offres ; son président arrête la liste des marchés ciblés."),
    ("CO2e", "Équivalent dioxyde de carbone : unité commune des gaz à effet de serre."),
    ("Cotation", "Note du « potentiel durable » d'un marché, donnée 24 à 14 mois avant son échéance."),
    ("EA", "Entreprise adaptée : elle emploie majoritairement des travailleurs handicapés."),
    ("ESAT", "Établissement et service d'aide par le travail (travailleurs handicapés)."),
    ("ESS", "Économie sociale et solidaire : associations, coopératives, mutuelles, fondations."),
    ("HT", "Hors taxes : montants sans la TVA."),
    ("Insertion (clause d')", "Heures de travail réservées à des personnes éloignées de l'emploi."),
    ("MAPA", "Marché à procédure adaptée, en dessous des seuils européens."),
    ("PME", "Petite et moyenne entreprise : moins de 250 salariés."),
    (
        "PLIE",
        "Plan local pour l'insertion et l'emploi : il accompagne les personnes en insertion et compte "
        "leurs heures de travail sur les marchés.",
    ),
    (
        "Procédure formalisée",
        "Appel d'offres, procédure avec négociation ou dialogue compétitif (grands marchés).",
    ),
    ("RSA", "Revenu de solidarité active, versé aux personnes sans ressources suffisantes."),
    ("SIAE", "Structure d'insertion par l'activité économique."),
    (
        "SPASER",
        "Schéma de promotion des achats socialement et écologiquement responsables de la collectivité.",
    ),
    ("TPE", "Très petite entreprise : moins de 10 salariés."),
)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _state(result: IndicatorResult) -> str:
    text = f"{STATUS_ICON[result.status]} {result.status_text}"
    gap = format_gap(result)
    if result.status is Status.NOT_MET and gap:
        text += f" ({gap})"
    return text


def _bar(result: IndicatorResult, width: float = 46 * mm, height: float = 11) -> Drawing:
    """The value as a bar on 0–100 %, the target as a red mark with its value written beside."""
    drawing = Drawing(width, height + 9)
    drawing.add(Rect(0, 8, width, height, fillColor=BAR_BACK, strokeColor=None))
    if result.value is not None:
        share = max(Decimal(0), min(Decimal(1), abs(result.value)))
        drawing.add(Rect(0, 8, float(share) * width, height, fillColor=ACCENT, strokeColor=None))
    if result.target is not None:
        x = float(max(Decimal(0), min(Decimal(1), abs(result.target)))) * width
        drawing.add(Line(x, 5, x, height + 10, strokeColor=TARGET_MARK, strokeWidth=1.6))
        anchor = "end" if x > width * 0.6 else "start"
        drawing.add(
            String(
                x + (-2 if anchor == "end" else 2),
                0,
                f"objectif {format_target(result)}",
                fontName=FONT,
                fontSize=6,
                fillColor=TARGET_MARK,
                textAnchor=anchor,
            )
        )
    return drawing


def _trend(result: IndicatorResult) -> str:
    return " · ".join(f"{year} : {format_value(result.unit, value)}" for year, value in result.trend)


def _counted(result: IndicatorResult) -> str:
    """« 9 marchés sur 22 », « sur 22 marchés » …: what the value is made of, in words."""
    if result.denominator is None or result.unit in (Unit.AVERAGE, Unit.KG_CO2E):
        return ""
    if not result.denominator and result.id != "orders_change":
        return "" if result.to_complete else "aucun dossier concerné"
    if result.id == "orders_change":
        return f"({result.detail})" if result.detail else ""
    return f"{fmt.number(int(result.numerator))} sur {fmt.number(int(result.denominator))}"


def _summary_table(results: list[IndicatorResult], width: float) -> Table:
    st = styles()
    rows = []
    for r in results:
        label = Paragraph(f"<b>{_esc(r.label)}</b><br/>{_esc(r.explanation)}", st["cell"])
        rows.append(
            [
                label,
                Paragraph(f"<b>{format_value(r.unit, r.value)}</b>", st["cell_right"]),
                Paragraph(_esc(format_target(r)), st["cell_right"]),
                Paragraph(_esc(_state(r)), st["cell"]),
            ]
        )
    table = data_table(
        ("Indicateur", "Valeur", "Objectif", "État"),
        rows,
        (width - 90 * mm, 22 * mm, 26 * mm, 42 * mm),
    )
    table.setStyle(TableStyle(_state_backgrounds(results, column=3)))
    return table


def _state_backgrounds(results: list[IndicatorResult], column: int) -> list:
    return [
        ("BACKGROUND", (column, i + 1), (column, i + 1), STATE_COLOURS[r.status])
        for i, r in enumerate(results)
        if r.status in STATE_COLOURS
    ]


def _axis_table(results: list[IndicatorResult], others: dict, other_name: str, width: float) -> Table:
    """One row per indicator: what it is and why it matters, its value and what it is made of, the
    bar against the target, the state in words with the files still to complete, the years."""
    st = styles()
    rows = []
    for r in results:
        actions = ", ".join(str(a) for a in r.actions)
        label = Paragraph(
            f"<b>{_esc(r.label)}</b><br/>{_esc(r.explanation)}<br/>"
            f"<font color='#666666'>Action{'s' if len(r.actions) > 1 else ''} {actions} du SPASER</font>",
            st["cell"],
        )
        counted = _counted(r)
        value = f"<b>{format_value(r.unit, r.value)}</b>"
        if counted:
            value += f"<br/>{_esc(counted)}"
        other = others.get(r.id)
        if other is not None:
            value += f"<br/><font color='#666666'>{_esc(other_name)} : {format_value(other.unit, other.value)}</font>"
        state = _esc(_state(r))
        if r.to_complete:
            state += f"<br/><b>{r.to_complete} à compléter</b> (comptés ni pour ni contre)"
        if r.detail and r.id != "orders_change":
            state += f"<br/>{_esc(r.detail)}"
        bar: Any = _bar(r, 34 * mm) if r.unit is Unit.SHARE and r.id != "orders_change" else ""
        if not bar and r.target is not None:
            bar = Paragraph(f"objectif {_esc(format_target(r))}", st["cell"])
        trend = "<br/>".join(f"{y}\u00a0:\u00a0{format_value(r.unit, v)}" for y, v in r.trend)
        rows.append(
            [
                label,
                Paragraph(value, st["cell"]),
                bar,
                Paragraph(state, st["cell"]),
                Paragraph(trend, st["cell"]),
            ]
        )
    table = data_table(
        ("Indicateur", "Valeur", "Face à l'objectif", "État", "Années"),
        rows,
        (width - 126 * mm, 30 * mm, 37 * mm, 36 * mm, 23 * mm),
    )
    table.setStyle(TableStyle(_state_backgrounds(results, column=3)))
    return table


def build_dashboard(data: Any, out_path: Path) -> int:
    """Write the dashboard of ``data`` (a ``DashboardData``) to ``out_path``; returns the page count."""
    st = styles()
    width = 180 * mm
    results: list[IndicatorResult] = list(data.main.results)
    other_scope = data.scopes[1] if len(data.scopes) > 1 else None
    others = {r.id: r for r in other_scope.results} if other_scope else {}
    headline = [r for r in results if r.headline]
    story: list = [
        Paragraph(f"Tableau de bord des achats responsables {data.year}", st["title"]),
        Paragraph(
            f"{_esc(data.organisation)} — indicateurs du SPASER face aux objectifs de l'année, "
            f"situation au {fmt.date(data.generated_on)}.",
            st["body"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("L'essentiel en une page", st["h1"]),
    ]
    met = next((r for r in results if r.id == "objectives_met"), None)
    if met is not None and met.value is not None:
        story.append(
            Paragraph(
                f"<b>{fmt.count(int(met.numerator), 'objectif atteint', 'objectifs atteints')} sur "
                f"{fmt.number(int(met.denominator or 0))}</b> parmi les indicateurs qui ont un objectif et "
                "une valeur cette année.",
                st["body"],
            )
        )
    pending = len(
        {
            ref
            for r in results
            if r.axis is not Axis.ORDERS and r.id != "objectives_met"
            for ref in r.to_complete_refs
        }
    )
    story.append(
        Paragraph(
            "Un marché dont une donnée manque (procédure, durée, taille du titulaire…) n'est compté ni "
            "pour ni contre : il est signalé « à compléter »"
            + (
                f" ({fmt.count(pending, 'marché concerné', 'marchés concernés')} cette année)."
                if pending
                else "."
            ),
            st["small"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(_summary_table(headline, width))

    for axis in Axis:
        chosen = [r for r in results if r.axis is axis]
        if not chosen:
            continue
        story.append(PageBreak())
        story.append(Paragraph(AXIS_TITLES[axis], st["h1"]))
        story.append(
            Paragraph(
                "Chaque barre verte montre la valeur de l'année ; le trait rouge marque l'objectif. "
                "L'état est aussi écrit en toutes lettres.",
                st["small"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(_axis_table(chosen, others, "Ensemble du fichier" if other_scope else "", width))

    story.append(PageBreak())
    story.append(Paragraph("Méthode : ce que compte chaque indicateur", st["h1"]))
    story.append(
        Paragraph(
            "Les marchés comptés pour une année sont ceux notifiés (à défaut, commencés) dans l'année ; "
            "les marchés résiliés ou en préparation ne sont pas comptés. Les objectifs viennent du SPASER "
            "de la collectivité (colonnes 2024 et 2026, l'année 2025 étant à mi-chemin) et peuvent être "
            "adaptés dans Paramètres.",
            st["body"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        data_table(
            ("Indicateur", "Ce qu'il compte", "Actions"),
            [(_esc(r.label), _esc(r.method), ", ".join(str(a) for a in r.actions)) for r in results],
            (55 * mm, 108 * mm, 17 * mm),
        )
    )
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Glossaire", st["h1"]))
    story.append(
        data_table(("Mot", "Ce qu'il veut dire"), [(a, _esc(b)) for a, b in GLOSSARY], (38 * mm, 142 * mm))
    )
    return build_document(
        Path(out_path),
        story,
        organisation=data.organisation,
        title=f"Tableau de bord SPASER {data.year}",
        footer=f"Tableau de bord SPASER {data.year}",
    )
