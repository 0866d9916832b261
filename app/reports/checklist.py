"""The clause checklist of one contract as a PDF for the tender file: the table of decisions, then
the full text of every clause to put in the consultation documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from app import format as fmt
from app.reports.base import build_document, data_table, styles


@dataclass(frozen=True)
class ChecklistLine:
    title: str
    applicability: str  # French: Obligatoire, Recommandée...
    reason: str
    status: str  # French: À étudier, Retenue...
    justification: str = ""
    decided: str = ""  # "par X le JJ/MM/AAAA"
    legal_basis: str = ""
    text: str = ""
    include_text: bool = False
    missing: bool = False


@dataclass(frozen=True)
class ChecklistReport:
    organisation: str
    reference: str
    object: str
    summary: str  # amount, duration, consultation date
    printed_on: str
    lines: list[ChecklistLine] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)


def _para(text: str, style) -> Paragraph:  # noqa: ANN001
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def build_checklist(data: ChecklistReport, out_path: Path | str) -> int:
    """Write the PDF; returns its page count."""
    st = styles()
    story: list = [
        Paragraph("Clauses responsables du marché", st["title"]),
        _para(f"{data.reference} — {data.object}", st["h2"]),
        _para(data.summary, st["body"]),
        Spacer(1, 4 * mm),
    ]
    missing = [line.title for line in data.lines if line.missing]
    if missing:
        story.append(
            _para(
                f"⚠ {fmt.plural(len(missing), 'Clause obligatoire', 'Clauses obligatoires')} sans décision : "
                f"{', '.join(missing)}. {_keep_or_set_aside(len(missing))}",
                st["body"],
            )
        )
        story.append(Spacer(1, 3 * mm))
    rows = []
    for line in data.lines:
        decision = line.status + (" — MANQUANTE" if line.missing else "")
        if line.justification:
            decision += f"\nJustification : {line.justification}"
        if line.decided:
            decision += f"\n{line.decided}"
        rows.append(
            [
                _para(line.title, st["cell"]),
                _para(line.applicability, st["cell"]),
                _para(line.reason, st["cell"]),
                _para(decision, st["cell"]),
            ]
        )
    story.append(
        data_table(
            ("Clause", "Applicabilité", "Pourquoi", "Décision"),
            rows,
            col_widths=(48 * mm, 27 * mm, 63 * mm, 42 * mm),
        )
    )
    if data.not_applicable:
        story.append(Spacer(1, 3 * mm))
        story.append(
            _para("Sans objet pour ce marché : " + " ; ".join(data.not_applicable) + ".", st["small"])
        )
    texts = [line for line in data.lines if line.include_text]
    if texts:
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph("Textes à insérer dans les pièces du marché", st["h1"]))
        for line in texts:
            block = [_para(line.title, st["h2"])]
            if line.legal_basis:
                block.append(_para(f"Base juridique : {line.legal_basis}", st["small"]))
            block.append(Spacer(1, 1.5 * mm))
            block.append(_para(line.text, st["body"]))
            block.append(Spacer(1, 4 * mm))
            story.append(KeepTogether(block) if len(line.text) < 1500 else block[0])
            if len(line.text) >= 1500:
                story.extend(block[1:])
    return build_document(
        Path(out_path),
        story,
        organisation=data.organisation,
        title=f"Clauses du marché {data.reference}",
        footer=f"Liste des clauses du marché {data.reference} — imprimée le {data.printed_on}",
    )


def _keep_or_set_aside(n: int) -> str:
    it = fmt.plural(n, "la", "les")
    return f"Retenez-{it} ou écartez-{it} avec une justification."
