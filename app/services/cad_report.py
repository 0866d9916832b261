"""Gathers the CAD dossier's data from the database and writes the PDF (``app.reports.cad``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.enums import label
from app.errors import UserError
from app.queries import contracts as queries
from app.queries.committee import committee_view
from app.queries.cotation import due_list, latest_assessments, stored_ratings
from app.queries.organisation_settings import settings_for
from app.rules import cotation as rules
from app.rules.levers import LEVERS_BY_CODE
from app.storage.database import Database


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    contracts: int


class EmptyDossier(UserError):
    """Nothing to present and no review: say why instead of printing empty pages."""


def _titles(codes: list[str] | tuple[str, ...]) -> list[str]:
    return [LEVERS_BY_CODE[c].title if c in LEVERS_BY_CODE else c for c in codes]


def gather_cad_data(db: Database, organisation_id: uuid.UUID, year: int, *, today: dt.date | None = None):
    """The plain data of the dossier of the CAD of ``year`` (``app.reports.cad.CadDossierData``),
    read in one transaction: one consistent snapshot."""
    with db.read() as session:
        return _dossier(session, organisation_id, year, today=today)


def _dossier(session: Session, organisation_id: uuid.UUID, year: int, *, today: dt.date | None = None):
    from app.reports.cad import BilanLine, CadDossierData, LeverLine, Member, PresentedContract, TargetLine

    committee = committee_view(session, organisation_id, year)
    due = due_list(session, organisation_id, year)
    decisions = {d.contract_id: d for d in committee.decisions}
    contract_ids = [d.contract_id for d in committee.decisions] or [r.contract_id for r in due.to_present]

    presented: list[PresentedContract] = []
    settings = settings_for(session, organisation_id)
    on = committee.meeting_date or rules.default_cad_date(settings, year)
    thresholds = rules.thresholds_from_settings(settings, on)
    contracts = {
        f.id: f for f in queries.contracts_facts(session, organisation_id, contract_ids, settings=settings)
    }
    # The latest assessment up to this year's CAD, with the score and priority it recorded.
    assessments = latest_assessments(
        session, contract_ids, up_to_year=year, scored_only=False, with_levers=True
    )
    ordered = sorted(
        (contracts[i] for i in contract_ids if i in contracts),
        key=lambda c: (c.end_date or dt.date.max, c.reference),
    )
    for contract in ordered:
        assessment = assessments.get(contract.id)
        levers: list[LeverLine] = []
        score = priority = None
        proposed: list[str] = []
        if assessment is not None:
            ratings = stored_ratings(assessment)
            result = rules.evaluate(ratings, thresholds)
            score = assessment.score if assessment.score is not None else result.score
            priority = (assessment.priority or result.priority).value
            proposed = _titles(result.proposed)
            levers = [
                LeverLine(
                    title=r.title,
                    stake=r.stake,
                    feasibility=r.feasibility,
                    effort=r.effort,
                    potential=round(float(r.potential) * 100),
                    reason=r.reason,
                    overridden=r.overridden,
                )
                for r in ratings
            ]
        decision = decisions.get(contract.id)
        presented.append(
            PresentedContract(
                reference=contract.reference,
                object=contract.object,
                supplier=contract.supplier_name or "",
                amount=contract.total_with_amendments,
                end_date=contract.end_date,
                family=contract.family_label,
                department=contract.department or "",
                procedure=label(contract.procedure) if contract.procedure else "à compléter",
                score=score,
                priority=priority,
                proposed_actions=proposed,
                levers=levers,
                notes=(assessment.notes or "") if assessment else "",
                assessed_on=assessment.assessed_on if assessment else None,
                assessed_by=(assessment.assessed_by or "") if assessment else "",
                targeted=decision.targeted if decision and (committee.closed or decision.targeted) else None,
                decided_actions=decision.action_titles if decision else [],
                decision_comment=decision.comment if decision else "",
            )
        )
    if not presented and not committee.bilan:
        raise EmptyDossier(
            f"Le dossier du CAD {year} n'a pas été produit : {due.empty_reason() or 'aucun marché à présenter.'}"
        )
    return CadDossierData(
        organisation=committee.organisation,
        year=year,
        meeting_date=committee.meeting_date,
        place=committee.place,
        members=[Member(m.name, m.role) for m in committee.members],
        contracts=presented,
        targets=[
            TargetLine(t.renewal_year, t.contracts, t.diagnosed, t.target, t.share, t.needed, t.state)
            for t in due.targets
        ],
        bilan=[
            BilanLine(b.reference, b.object, b.targeted, b.action_titles, b.review_done, b.review_comment)
            for b in committee.bilan
        ],
        formula=rules.formula_text(thresholds),
        generated_on=today or dt.date.today(),
        closed=committee.closed,
    )


def write_cad_dossier(
    db: Database,
    organisation_id: uuid.UUID,
    year: int,
    out_path: Path | str,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    today: dt.date | None = None,
) -> ReportResult:
    from app.reports.cad import build_cad_dossier

    with db.read() as session:
        data = _dossier(session, organisation_id, year, today=today)
    out = Path(out_path)
    pages = build_cad_dossier(data, out, progress=progress)  # written aside, then renamed (io.output)
    return ReportResult(out, pages, len(data.contracts))
