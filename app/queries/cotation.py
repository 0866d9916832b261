"""Reading the cotation cycle: the CAD date of a year, the assessments (latest, history, one year's
with its levers, as ratings) and the due list of contracts to diagnose and to present."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import format as fmt
from app.enums import ContractStatus, Priority
from app.model import Assessment, Committee
from app.queries.contracts import contracts_facts
from app.queries.organisation_settings import settings_for
from app.queries.organisations import require_organisation
from app.rules import cotation as rules
from app.rules.contract import ContractFacts
from app.rules.dated_settings import Settings
from app.rules.levers import LEVERS_BY_CODE


@dataclass(frozen=True)
class DueRow:
    contract_id: uuid.UUID
    reference: str
    object: str
    supplier: str
    family: str
    amount: Decimal | None
    end_date: dt.date | None
    score: int | None  # latest assessment, if any
    priority: Priority | None
    assessed_year: int | None

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class DueList:
    year: int
    windows: rules.CycleWindows
    to_diagnose: list[DueRow]
    to_present: list[DueRow]
    targets: list[rules.YearTarget]
    # Contracts that end in the years concerned but whose recurrence nobody confirmed yet: they are
    # neither counted in nor out, the screen sends the buyer to « Données à compléter ».
    recurrence_unknown: list[DueRow] = field(default_factory=list)
    # Contracts with no end date at all: they cannot be placed in the cycle.
    no_end_date: int = 0

    def empty_reason(self) -> str:
        """Why nothing is to present at this CAD, in French, with the way to fix it ("" if not empty)."""
        if self.to_present:
            return ""
        year = self.windows.present_year
        parts = [f"aucun marché récurrent n'arrive à échéance en {year}"]
        unknown = [r for r in self.recurrence_unknown if r.end_date and r.end_date.year == year]
        if unknown:
            verb = fmt.plural(len(unknown), "n'a", "n'ont")
            parts.append(
                f"{fmt.count(len(unknown), 'marché échéant', 'marchés échéant')} en {year} "
                f"{verb} pas de récurrence confirmée : "
                "indiquez-la dans « Données à compléter » (ou acceptez les propositions)"
            )
        if self.no_end_date:
            verb = fmt.plural(self.no_end_date, "n'a", "n'ont")
            parts.append(f"{fmt.count(self.no_end_date, 'marché')} {verb} pas de date de fin")
        return " ; ".join(parts) + "."

    @property
    def present_target(self) -> rules.YearTarget | None:
        return next((t for t in self.targets if t.renewal_year == self.windows.present_year), None)


def meeting_date(session: Session, organisation_id: uuid.UUID, year: int) -> dt.date | None:
    """The date fixed for the CAD session of ``year``, if any."""
    return session.scalar(
        select(Committee.meeting_date).where(
            Committee.organisation_id == organisation_id, Committee.year == year
        )
    )


def cad_date(session: Session, organisation_id: uuid.UUID, year: int, settings: Settings) -> dt.date:
    """The CAD session's date when it is fixed, else the usual month of the year."""
    return meeting_date(session, organisation_id, year) or rules.default_cad_date(settings, year)


def thresholds(session: Session, organisation_id: uuid.UUID, year: int) -> rules.Thresholds:
    """The score thresholds in force on the date of the CAD of ``year``."""
    settings = settings_for(session, organisation_id)
    return rules.thresholds_from_settings(settings, cad_date(session, organisation_id, year, settings))


def latest_assessments(
    session: Session,
    contract_ids: list[uuid.UUID],
    *,
    up_to_year: int | None = None,
    scored_only: bool = True,
    with_levers: bool = False,
) -> dict[uuid.UUID, Assessment]:
    """Each contract's latest assessment (up to ``up_to_year``; only those with a score unless
    ``scored_only`` is False)."""
    latest: dict[uuid.UUID, Assessment] = {}
    if not contract_ids:
        return latest
    stmt = select(Assessment).where(Assessment.contract_id.in_(contract_ids))
    if up_to_year is not None:
        stmt = stmt.where(Assessment.year <= up_to_year)
    if with_levers:
        stmt = stmt.options(selectinload(Assessment.levers))
    for row in session.scalars(stmt.order_by(Assessment.year)):
        if row.score is not None or not scored_only:
            latest[row.contract_id] = row
    return latest


def assessment_history(session: Session, contract_id: uuid.UUID) -> list[Assessment]:
    """A contract's assessments, newest year first."""
    return list(
        session.scalars(
            select(Assessment).where(Assessment.contract_id == contract_id).order_by(Assessment.year.desc())
        )
    )


def assessment_of(session: Session, contract_id: uuid.UUID, year: int) -> Assessment | None:
    """The assessment of ``year``, with its levers."""
    return session.scalar(
        select(Assessment)
        .options(selectinload(Assessment.levers))
        .where(Assessment.contract_id == contract_id, Assessment.year == year)
    )


def stored_ratings(assessment: Assessment) -> list[rules.LeverRating]:
    """The ratings an assessment recorded, in the levers' order (unknown levers left out)."""
    order = {code: i for i, code in enumerate(LEVERS_BY_CODE)}
    return sorted(
        (
            rules.LeverRating(
                lever=row.lever,
                stake=row.stake,
                feasibility=row.feasibility,
                effort=row.effort,
                reason=row.reason or "",
                prefilled_stake=row.prefilled_stake,
                prefilled_feasibility=row.prefilled_feasibility,
                prefilled_effort=row.prefilled_effort,
            )
            for row in assessment.levers
            if row.lever in LEVERS_BY_CODE
        ),
        key=lambda r: order[r.lever],
    )


def due_list(
    session: Session, organisation_id: uuid.UUID, year: int, *, facts: Sequence[ContractFacts] | None = None
) -> DueList:
    """Contracts to diagnose (the CAD of ``year`` falls within J-24..J-14 of their end) and to present
    (ending in ``year`` + 1), with the deployment targets of the years concerned. ``facts``: the
    organisation's contract facts when the caller already read them in this unit of work."""
    require_organisation(session, organisation_id)
    settings = settings_for(session, organisation_id)
    windows = rules.cycle_windows(settings, year, cad_date(session, organisation_id, year, settings))
    concerned_years = (year, year + 1, year + 2)
    if facts is None:
        facts = contracts_facts(session, organisation_id, settings=settings)
    facts = [f for f in facts if f.status is not ContractStatus.CANCELLED]
    no_end_date = sum(1 for f in facts if f.end_date is None and f.recurrent is not False)
    dated = [f for f in facts if f.end_date is not None]
    latest = latest_assessments(session, [f.id for f in dated if f.recurrent is not False])

    def due_row(f: ContractFacts) -> DueRow:
        a = latest.get(f.id)
        return DueRow(
            contract_id=f.id,
            reference=f.reference,
            object=f.object,
            supplier=f.supplier_name or "",
            family=f.family_label,
            amount=f.total_with_amendments,
            end_date=f.end_date,
            score=a.score if a else None,
            priority=a.priority if a else None,
            assessed_year=a.year if a else None,
        )

    all_rows = [due_row(f) for f in dated if f.recurrent is True]
    unknown = [
        due_row(f)
        for f in dated
        if f.recurrent is None
        and (f.end_date.year in concerned_years or rules.to_diagnose(f.end_date, windows))
    ]
    to_diagnose = [r for r in all_rows if rules.to_diagnose(r.end_date, windows)]
    to_present = [r for r in all_rows if rules.to_present(r.end_date, windows)]
    targets = []
    for renewal_year in concerned_years:
        concerned = [r for r in all_rows if r.end_date.year == renewal_year]
        targets.append(
            rules.YearTarget(
                renewal_year=renewal_year,
                contracts=len(concerned),
                diagnosed=sum(1 for r in concerned if r.assessed),
                target=rules.cotation_target(settings, renewal_year),
                unknown=sum(1 for r in unknown if r.end_date.year == renewal_year),
            )
        )
    return DueList(year, windows, to_diagnose, to_present, targets, unknown, no_end_date)
