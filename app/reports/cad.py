"""The dossier of the annual committee (CAD), from plain data: cover, agenda, yearly targets, bilan of
the previous year, summary table of the presented contracts, one page per contract with its cotation
chart and reasons, and the decision sheet with signature lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app import format as fmt

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class LeverLine:
    title: str
    stake: int
    feasibility: int
    effort: int
    potential: int  # 0..100
    reason: str
    overridden: bool = False


@dataclass(frozen=True)
class PresentedContract:
    reference: str
    object: str
    supplier: str
    amount: Decimal | None
    end_date: dt.date | None
    family: str = ""
    department: str = ""
    procedure: str = ""
    score: int | None = None
    priority: str | None = None
    proposed_actions: list[str] = field(default_factory=list)  # lever titles
    levers: list[LeverLine] = field(default_factory=list)
    notes: str = ""
    assessed_on: dt.date | None = None
    assessed_by: str = ""
    targeted: bool | None = None  # the committee's decision, when recorded
    decided_actions: list[str] = field(default_factory=list)
    decision_comment: str = ""


@dataclass(frozen=True)
class TargetLine:
    renewal_year: int
    contracts: int
    diagnosed: int
    target: Decimal | None
    share: Decimal | None
    needed: int
    state: str = ""  # French situation (rules.cotation.YearTarget.state)


@dataclass(frozen=True)
class BilanLine:
    reference: str
    object: str
    targeted: bool
    actions: list[str]
    done: bool | None
    comment: str


@dataclass(frozen=True)
class Member:
    name: str
    role: str


@dataclass(frozen=True)
class CadDossierData:
    organisation: str
    year: int
    meeting_date: dt.date | None
    place: str
    members: list[Member]
    contracts: list[PresentedContract]
    targets: list[TargetLine]
    bilan: list[BilanLine]
    formula: str
    generated_on: dt.date
    closed: bool = False

    @property
    def total_amount(self) -> Decimal:
        return sum((c.amount for c in self.contracts if c.amount is not None), Decimal(0))

    def count_priority(self, priority: str | None) -> int:
        return sum(1 for c in self.contracts if c.priority == priority)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _yes_no(value: bool | None) -> str:
    return {True: "oui", False: "non", None: "à renseigner"}[value]


_BAR, _GAP, _LEFT, _TOP_PAD, _BOTTOM = 9.5, 3.5, 190, 4, 22  # the lever chart's geometry (pt)


def _draw_label(canvas, text: str, right: float, y: float, room: float) -> None:  # noqa: ANN001
    """A bar's label right-aligned, whole: a smaller size if needed, else on two lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.reports.base import FONT

    size = 7.0
    while stringWidth(text, FONT, size) > room and size > 6:
        size -= 0.25
    canvas.setFont(FONT, size)
    if stringWidth(text, FONT, size) <= room:
        canvas.drawRightString(right, y, text)
        return
    words = text.split()
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
    canvas.drawRightString(right, y + size * 0.55, " ".join(words[:cut]))
    canvas.drawRightString(right, y - size * 0.55, " ".join(words[cut:]))


def _lever_chart(levers: list[LeverLine], width: float):  # -> reportlab Flowable
    """A horizontal bar chart of each lever's potential. Drawn straight on the page canvas: the
    same shapes as a reportlab ``Drawing`` of Lines, Rects and Strings (which the dossier used),
    without the renderer's per-shape state handling, which cost most of the dossier's time."""
    from reportlab.lib import colors
    from reportlab.platypus import Flowable

    from app.reports.base import ACCENT, FONT

    class LeverChart(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width = width
            self.height = _BOTTOM + _TOP_PAD + len(levers) * (_BAR + _GAP)

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            canvas, height = self.canv, self.height
            plot_w = width - _LEFT - 30
            canvas.saveState()
            canvas.setStrokeColor(colors.HexColor("#d0d8d4"))
            canvas.setLineWidth(0.4)
            canvas.setFillColor(colors.black)
            canvas.setFont(FONT, 6.5)
            for tick in range(0, 101, 20):
                x = _LEFT + plot_w * tick / 100
                canvas.line(x, _BOTTOM - 2, x, height - _TOP_PAD)
                canvas.drawCentredString(x, _BOTTOM - 10, str(tick))
            for i, lever in enumerate(levers):
                y = height - _TOP_PAD - (i + 1) * (_BAR + _GAP) + _GAP / 2
                bar = plot_w * lever.potential / 100
                canvas.setFillColor(colors.black)
                _draw_label(canvas, lever.title, _LEFT - 4, y + 2.5, _LEFT - 8)
                canvas.setFont(FONT, 6.5)
                canvas.drawString(_LEFT + bar + 3, y + 2.5, str(lever.potential))
                canvas.setFillColor(ACCENT)
                canvas.rect(_LEFT, y, bar, _BAR, stroke=0, fill=1)
            canvas.setFillColor(colors.grey)
            canvas.setFont(FONT, 7)
            canvas.drawString(_LEFT, 2, "Potentiel de chaque levier (0 à 100)")
            canvas.restoreState()

    return LeverChart()


def build_cad_dossier(data: CadDossierData, out_path: Path, progress: ProgressFn | None = None) -> int:
    """Write the dossier; returns the number of pages."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        PageBreak,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    from app.reports.base import ACCENT, build_document, data_table, styles

    st = styles()
    width = 180 * mm

    def table(*args, **kwargs) -> Table:
        return data_table(*args, padding=2, **kwargs)

    story: list = []
    total = len(data.contracts)

    def step(done: int, text: str) -> None:
        if progress is not None:
            progress(done, total + 2, text)

    session_text = (
        f"Séance du {fmt.long_date(data.meeting_date)}" if data.meeting_date else "Séance : date à fixer"
    )
    # Cover.
    story += [
        Spacer(1, 45 * mm),
        Paragraph(_esc(data.organisation), st["h1"]),
        Spacer(1, 8 * mm),
        Paragraph(f"Comité annuel des Achats Durables {data.year}", st["title"]),
        Paragraph("Dossier de séance", st["h2"]),
        Spacer(1, 10 * mm),
        Paragraph(session_text + (f" — {_esc(data.place)}" if data.place else ""), st["body"]),
        Paragraph(
            f"{total} marché{'s' if total > 1 else ''} présenté{'s' if total > 1 else ''} pour un montant "
            f"total de {fmt.money(data.total_amount)} HT.",
            st["body"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            "Le CAD examine la cotation du « potentiel durable » des marchés récurrents qui arrivent à "
            f"échéance en {data.year + 1} ; le président de la CAO arrête la liste des marchés ciblés et "
            "les actions retenues (SPASER, action 1).",
            st["body"],
        ),
        Spacer(1, 30 * mm),
        Paragraph(f"Document édité le {fmt.date(data.generated_on)} par Achats Durables.", st["small"]),
        PageBreak(),
    ]
    # Agenda and members.
    agenda = [
        "Ouverture de la séance et rappel de la méthode de cotation",
        f"Bilan des actions décidées au CAD {data.year - 1}",
        "Objectifs de déploiement de la cotation et situation de la collectivité",
        f"Présentation des marchés arrivant à échéance en {data.year + 1} (tableau de synthèse et fiches)",
        "Décisions : marchés ciblés et actions retenues, arrêtées par le président de la CAO",
        "Questions diverses",
    ]
    story.append(Paragraph("Ordre du jour", st["h1"]))
    story += [Paragraph(f"{i}. {_esc(item)}", st["body"]) for i, item in enumerate(agenda, 1)]
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Membres du comité", st["h2"]))
    if data.members:
        story.append(
            table(("Nom", "Rôle"), [(_esc(m.name), _esc(m.role)) for m in data.members], (70 * mm, 110 * mm))
        )
    else:
        story.append(Paragraph("Les membres ne sont pas encore désignés.", st["body"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Méthode de cotation", st["h2"]))
    story.append(
        Paragraph(
            "Chaque levier du SPASER applicable au marché est noté de 0 à 3 sur l'enjeu, la faisabilité "
            "(offre des entreprises) et l'effort demandé à l'acheteur. Les notes sont pré-remplies à partir "
            "de la nature, du montant, de la durée, de la procédure, de la famille d'achat et du titulaire, "
            "puis ajustées par l'acheteur.",
            st["body"],
        )
    )
    story.append(Paragraph(_esc(data.formula), st["body"]))

    # Targets.
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Objectifs de déploiement de la cotation", st["h2"]))
    target_rows = [
        (
            str(t.renewal_year),
            str(t.contracts),
            str(t.diagnosed),
            fmt.percent(t.share) if t.share is not None else "—",
            fmt.percent(t.target) if t.target is not None else "pas d'objectif",
            t.state
            or (("atteint" if t.needed == 0 else f"{t.needed} à coter") if t.target is not None else "—"),
        )
        for t in data.targets
    ]
    story.append(
        table(
            ("Échéance en", "Marchés récurrents", "Cotés", "Part cotée", "Objectif", "Situation"),
            target_rows,
            (25 * mm, 32 * mm, 22 * mm, 28 * mm, 30 * mm, 43 * mm),
            numeric_columns=(1, 2, 3, 4),
        )
    )
    story.append(PageBreak())

    # Bilan of the previous year.
    story.append(Paragraph(f"Bilan des décisions du CAD {data.year - 1}", st["h1"]))
    if data.bilan:
        done = sum(1 for b in data.bilan if b.targeted and b.done)
        targeted = sum(1 for b in data.bilan if b.targeted)
        story.append(
            Paragraph(
                f"{targeted} marché{'s' if targeted > 1 else ''} ciblé{'s' if targeted > 1 else ''} "
                f"en {data.year - 1} ; actions réalisées pour {done} d'entre eux.",
                st["body"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(
            table(
                ("Référence", "Objet", "Ciblé", "Actions décidées", "Réalisé", "Pourquoi / commentaire"),
                [
                    (
                        _esc(b.reference),
                        _esc(b.object),
                        _yes_no(b.targeted),
                        _esc(", ".join(b.actions)) or "—",
                        _yes_no(b.done) if b.targeted else "—",
                        _esc(b.comment),
                    )
                    for b in data.bilan
                ],
                (
                    23 * mm,
                    36 * mm,
                    20 * mm,
                    38 * mm,
                    20 * mm,
                    43 * mm,
                ),  # « à renseigner » on two lines, whole
            )
        )
    else:
        story.append(Paragraph(f"Aucune décision n'a été enregistrée au CAD {data.year - 1}.", st["body"]))
    story.append(PageBreak())

    # Summary table.
    story.append(Paragraph(f"Marchés présentés (échéance en {data.year + 1})", st["h1"]))
    counts = (
        ", ".join(f"priorité {p} : {data.count_priority(p)}" for p in ("A", "B", "C"))
        + f", non cotés : {data.count_priority(None)}"
    )
    story.append(
        Paragraph(
            f"Total : {total} marché{'s' if total > 1 else ''}, {fmt.money(data.total_amount)} HT ; {counts}.",
            st["body"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    summary_rows = [
        (
            _esc(c.reference),
            _esc(c.object),
            _esc(c.supplier),
            fmt.money(c.amount),
            fmt.date(c.end_date),
            str(c.score) if c.score is not None else "—",
            c.priority or "—",
            _esc(", ".join(c.proposed_actions)) or "—",
        )
        for c in data.contracts
    ]
    story.append(
        table(
            (
                "Référence",
                "Objet",
                "Titulaire",
                "Montant HT",
                "Échéance",
                "Score",
                "Priorité",
                "Actions proposées",
            ),
            summary_rows,
            (23 * mm, 29 * mm, 28 * mm, 23 * mm, 18.5 * mm, 10.5 * mm, 13.5 * mm, 34.5 * mm),
            numeric_columns=(3, 5),
        )
    )
    step(1, "Tableau de synthèse")

    # One page per rated contract; the contracts never rated share one page at the end (a page each
    # would say one line: « non coté »).
    unrated = [c for c in data.contracts if c.score is None and not c.levers]
    unrated_ids = {id(c) for c in unrated}
    for index, c in enumerate(data.contracts, 1):
        if id(c) in unrated_ids:
            continue
        story.append(PageBreak())
        story.append(Paragraph(f"{_esc(c.reference)} — {_esc(c.object)}", st["h1"]))
        facts = [
            ("Titulaire", c.supplier or "—"),
            ("Montant HT", fmt.money(c.amount) or "—"),
            ("Échéance", fmt.date(c.end_date) or "—"),
            ("Famille d'achat", c.family or "—"),
            ("Service", c.department or "—"),
            ("Procédure", c.procedure or "—"),
        ]
        # Plain strings: one-line values, no Paragraph to wrap (the dossier has hundreds of these).
        facts_table = Table([[k, v[:110]] for k, v in facts], colWidths=(35 * mm, 145 * mm))
        facts_table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (0, -1), "DejaVuSans-Bold"),
                    ("FONTNAME", (1, 0), (1, -1), "DejaVuSans"),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(facts_table)
        story.append(Spacer(1, 3 * mm))
        if c.score is None:
            story.append(
                Paragraph(
                    "<b>Marché non coté</b> : le diagnostic reste à faire avant la décision.", st["body"]
                )
            )
        else:
            story.append(
                Paragraph(
                    f"<b>Potentiel durable : {c.score} / 100 — priorité {c.priority}</b>"
                    + (f" (cotation du {fmt.date(c.assessed_on)}" if c.assessed_on else "")
                    + (f" par {_esc(c.assessed_by)}" if c.assessed_by and c.assessed_on else "")
                    + (")" if c.assessed_on else ""),
                    st["body"],
                )
            )
            story.append(
                Paragraph(
                    "Actions proposées : " + _esc(", ".join(c.proposed_actions) or "aucune"), st["body"]
                )
            )
        if c.levers:
            story.append(_lever_chart(c.levers, width))
            # Text, not Paragraphs: data_table draws plain words as pre-broken strings (same look).
            rows = [
                (
                    _esc(lv.title) + (" *" if lv.overridden else ""),
                    str(lv.stake),
                    str(lv.feasibility),
                    str(lv.effort),
                    str(lv.potential),
                    _esc(lv.reason),
                )
                for lv in c.levers
            ]
            levers_table = table(
                ("Levier", "Enjeu", "Faisab.", "Effort", "Potentiel", "Motif"),
                rows,
                (40 * mm, 11 * mm, 13 * mm, 11 * mm, 16 * mm, 89 * mm),
            )
            story.append(levers_table)
            if any(lv.overridden for lv in c.levers):
                story.append(Paragraph("* note ajustée par l'acheteur.", st["small"]))
        if c.notes:
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(f"<b>Observations</b> : {_esc(c.notes)}", st["body"]))
        if c.targeted is not None:
            story.append(Spacer(1, 2 * mm))
            decision = "ciblé" if c.targeted else "non ciblé"
            story.append(
                Paragraph(
                    f"<b>Décision enregistrée</b> : {decision}"
                    + (f" — actions : {_esc(', '.join(c.decided_actions))}" if c.decided_actions else "")
                    + (f" — {_esc(c.decision_comment)}" if c.decision_comment else ""),
                    st["body"],
                )
            )
        if index % 10 == 0:
            step(1 + index, f"Fiche {index} sur {total}")

    if unrated:
        story.append(PageBreak())
        story.append(Paragraph(f"Marchés non cotés ({len(unrated)})", st["h1"]))
        story.append(Paragraph("Le diagnostic reste à faire avant la décision.", st["body"]))
        story.append(Spacer(1, 3 * mm))
        story.append(
            table(
                ("Référence", "Objet", "Titulaire", "Montant HT", "Échéance", "Service", "Décision"),
                [
                    (
                        _esc(c.reference),
                        _esc(c.object),
                        _esc(c.supplier or "—"),
                        fmt.money(c.amount) or "—",
                        fmt.date(c.end_date) or "—",
                        _esc(c.department or "—"),
                        "—" if c.targeted is None else "ciblé" if c.targeted else "non ciblé",
                    )
                    for c in unrated
                ],
                (23 * mm, 39 * mm, 30 * mm, 24 * mm, 18 * mm, 28 * mm, 18 * mm),
                numeric_columns=(3,),
            )
        )

    # Decision sheet.
    story.append(PageBreak())
    story.append(Paragraph(f"Relevé de décisions du CAD {data.year}", st["h1"]))
    story.append(
        Paragraph(
            f"{session_text}. Le président de la CAO arrête la liste des marchés ciblés et les actions "
            "retenues ; les actions deviennent des clauses à étudier pour chaque marché ciblé.",
            st["body"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    box = "☐ oui   ☐ non"
    decision_rows = [
        (
            _esc(c.reference),
            _esc(c.object),
            c.priority or "—",
            _yes_no(c.targeted) if c.targeted is not None else box,
            _esc(", ".join(c.decided_actions)) if c.targeted else "",
        )
        for c in data.contracts
    ]
    story.append(
        table(
            ("Référence", "Objet", "Priorité", "Ciblé", "Actions retenues"),
            decision_rows,
            (23 * mm, 55 * mm, 14 * mm, 24 * mm, 64 * mm),
        )
    )
    targeted = sum(1 for c in data.contracts if c.targeted)
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(
            f"Nombre de marchés ciblés : {targeted if data.closed else '…………'} sur {total} présentés.",
            st["body"],
        )
    )
    signature_members = data.members or [Member("", "Président de la CAO"), Member("", ""), Member("", "")]
    sig_rows = [["Nom", "Rôle", "Signature"]] + [
        [Paragraph(_esc(m.name), st["cell"]), Paragraph(_esc(m.role), st["cell"]), ""]
        for m in signature_members
    ]
    sig = Table(
        sig_rows,
        colWidths=(55 * mm, 65 * mm, 60 * mm),
        rowHeights=[14] + [30] * len(signature_members),
        repeatRows=1,
    )
    sig.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "DejaVuSans-Bold"),
                ("FONTSIZE", (0, 0), (-1, 0), 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8aa69a")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(CondPageBreak(60 * mm))
    story.append(Spacer(1, 6 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph("Signatures", st["h2"]),
                Paragraph(
                    f"Fait à ……………………………, le {fmt.date(data.meeting_date) or '…… / …… / ………'}", st["body"]
                ),
                Spacer(1, 3 * mm),
                sig,
            ]
        )
    )
    step(total + 1, "Mise en page")
    pages = build_document(
        Path(out_path),
        story,
        organisation=data.organisation,
        title=f"Dossier du CAD {data.year} — {data.organisation}",
        footer=f"Comité annuel des Achats Durables {data.year}",
    )
    step(total + 2, "Terminé")
    return pages
