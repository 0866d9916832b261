"""A contract's clause checklist exported for the tender file: PDF (``app.reports.checklist``) and
Excel (one sheet of decisions, one of texts; formula-looking text escaped by ``app.io.xlsx_writer``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.enums import ChecklistStatus, label
from app.rules.clauses import Applicability
from app.services.clauses import Checklist, ChecklistItem

# Lines whose text goes into the tender file.
_TEXT_STATUSES = frozenset({ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED})


def _include_text(item: ChecklistItem) -> bool:
    if item.status in _TEXT_STATUSES:
        return True
    return item.applicability is Applicability.MANDATORY and item.status is not ChecklistStatus.DISMISSED


def _decided(item: ChecklistItem) -> str:
    from app import format as fmt

    if item.decided_at is None:
        return ""
    who = f"par {item.decided_by} " if item.decided_by else ""
    return f"Décision {who}le {fmt.date(item.decided_at.date())}"


def _summary(checklist: Checklist) -> str:
    from app import format as fmt

    amount = fmt.contract_amounts(checklist.amount, checklist.total_amount)
    duration = (
        f"{checklist.duration_months} mois"
        if checklist.duration_months is not None
        else "durée non renseignée"
    )
    return (
        f"Montant : {amount} · Durée : {duration} · Consultation du {fmt.date(checklist.consultation_date)}"
    )


def checklist_pdf(checklist: Checklist, path: Path | str, *, today: dt.date | None = None) -> int:
    from app import format as fmt
    from app.reports.checklist import ChecklistLine, ChecklistReport, build_checklist

    shown = [
        i for i in checklist.items if i.applicability is not Applicability.NOT_APPLICABLE or i.item_version
    ]
    report = ChecklistReport(
        organisation=checklist.organisation,
        reference=checklist.reference,
        object=checklist.object,
        summary=_summary(checklist),
        printed_on=fmt.date(today or dt.date.today()),
        lines=[
            ChecklistLine(
                title=i.title,
                applicability=i.applicability_label,
                reason=i.reason + (f" ({i.evidence})" if i.evidence else ""),
                status=label(i.status),
                justification=i.justification or "",
                decided=_decided(i),
                legal_basis=i.legal_basis,
                text=i.text,
                include_text=_include_text(i),
                missing=i.missing,
            )
            for i in shown
        ],
        not_applicable=[i.title for i in checklist.items if i not in shown],
    )
    return build_checklist(report, path)


def checklist_xlsx(checklist: Checklist, path: Path | str) -> int:
    from app.io.xlsx_writer import SheetSpec, write_xlsx

    decisions = SheetSpec(
        title="Clauses",
        headers=(
            "Clause",
            "Code",
            "Actions SPASER",
            "Applicabilité",
            "Pourquoi",
            "Déjà dans les données du marché",
            "Décision",
            "Justification",
            "Décidé par",
            "Décidé le",
            "Considération DECP",
            "Manquante",
        ),
        kinds=(
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "date",
            "text",
            "bool",
        ),
        widths=(42, 26, 12, 14, 70, 30, 16, 40, 20, 16, 24, 11),
        rows=[
            (
                i.title,
                i.code,
                ", ".join(str(a) for a in i.actions),
                i.applicability_label,
                i.reason,
                i.evidence or "",
                label(i.status),
                i.justification or "",
                i.decided_by or "",
                i.decided_at,
                i.decp_consideration or "",
                i.missing,
            )
            for i in checklist.items
        ],
    )
    texts = SheetSpec(
        title="Textes",
        headers=("Clause", "Base juridique", "Texte"),
        kinds=("text", "text", "text"),
        widths=(42, 50, 120),
        rows=[(i.title, i.legal_basis, i.text) for i in checklist.items if _include_text(i)],
    )
    return write_xlsx(Path(path), [decisions, texts])
