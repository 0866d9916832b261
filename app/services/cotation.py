"""Cotation use cases: the due list of the yearly cycle, and each contract's assessment (pre-filled
ratings, the buyer's overrides, notes, history per year)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import ContractStatus, Priority
from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import (
    Assessment,
    AssessmentLever,
    Committee,
    Contract,
    Organisation,
    Supplier,
)
from app.queries import contracts as queries
from app.queries.organisation_settings import settings_for
from app.rules import cotation as rules
from app.rules.contract import ContractFacts
from app.rules.dated_settings import Settings
from app.rules.levers import LEVERS_BY_CODE
from app.storage.database import Database


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
            parts.append(
                f"{len(unknown)} marché(s) échéant en {year} n'ont pas de récurrence confirmée : "
                "indiquez-la dans « Données à compléter » (ou acceptez les propositions)"
            )
        if self.no_end_date:
            parts.append(f"{self.no_end_date} marché(s) n'ont pas de date de fin")
        return " ; ".join(parts) + "."

    @property
    def present_target(self) -> rules.YearTarget | None:
        return next((t for t in self.targets if t.renewal_year == self.windows.present_year), None)


@dataclass(frozen=True)
class AssessmentSummary:
    year: int
    score: int | None
    priority: Priority | None
    assessed_on: dt.date | None
    assessed_by: str | None


@dataclass(frozen=True)
class AssessmentView:
    contract_id: uuid.UUID
    reference: str
    object: str
    supplier: str
    year: int
    saved: bool
    version: int | None
    ratings: list[rules.LeverRating]
    score: int
    priority: Priority
    proposed: tuple[str, ...]
    notes: str = ""
    assessed_on: dt.date | None = None
    assessed_by: str | None = None
    history: list[AssessmentSummary] = field(default_factory=list)
    thresholds: rules.Thresholds | None = None  # to recompute the score while the buyer edits


def cad_date(session: Session, organisation_id: uuid.UUID, year: int, settings: Settings) -> dt.date:
    """The CAD session's date when it is fixed, else the usual month of the year."""
    meeting = session.scalar(
        select(Committee.meeting_date).where(
            Committee.organisation_id == organisation_id, Committee.year == year
        )
    )
    return meeting or rules.default_cad_date(settings, year)


def next_cad_year(db: Database, organisation_id: uuid.UUID, today: dt.date) -> int:
    """The year of the next CAD whose meeting is still ahead (today's included): the one a user means
    when opening the cotation screen or the reports."""
    with db.session(write=False) as session:
        settings = settings_for(session, organisation_id)
        for year in (today.year, today.year + 1):
            if cad_date(session, organisation_id, year, settings) >= today:
                return year
    return today.year + 1


def _thresholds(session: Session, organisation_id: uuid.UUID, year: int) -> rules.Thresholds:
    settings = settings_for(session, organisation_id)
    return rules.thresholds_from_settings(settings, cad_date(session, organisation_id, year, settings))


def _latest_assessments(session: Session, contract_ids: list[uuid.UUID]) -> dict[uuid.UUID, Assessment]:
    latest: dict[uuid.UUID, Assessment] = {}
    if not contract_ids:
        return latest
    for row in session.scalars(
        select(Assessment).where(Assessment.contract_id.in_(contract_ids)).order_by(Assessment.year)
    ):
        if row.score is not None:
            latest[row.contract_id] = row
    return latest


def due_list(db: Database, organisation_id: uuid.UUID, year: int) -> DueList:
    """Contracts to diagnose (the CAD of ``year`` falls within J-24..J-14 of their end) and to present
    (ending in ``year`` + 1), with the deployment targets of the years concerned."""
    with db.session(write=False) as session:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("Collectivité introuvable dans ce fichier.")
        settings = settings_for(session, organisation_id)
        windows = rules.cycle_windows(settings, year, cad_date(session, organisation_id, year, settings))
        latest_ids = []
        concerned_years = (year, year + 1, year + 2)
        facts = [
            f
            for f in queries.contracts_facts(session, organisation_id, settings=settings)
            if f.status is not ContractStatus.CANCELLED
        ]
        no_end_date = sum(1 for f in facts if f.end_date is None and f.recurrent is not False)
        dated = [f for f in facts if f.end_date is not None]
        latest_ids = [f.id for f in dated if f.recurrent is not False]
        latest = _latest_assessments(session, latest_ids)

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


def _history(session: Session, contract_id: uuid.UUID) -> list[AssessmentSummary]:
    return [
        AssessmentSummary(a.year, a.score, a.priority, a.assessed_on, a.assessed_by)
        for a in session.scalars(
            select(Assessment).where(Assessment.contract_id == contract_id).order_by(Assessment.year.desc())
        )
    ]


def _contract(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Ce marché n'existe plus dans le fichier.")
    return contract


def _stored_ratings(assessment: Assessment) -> list[rules.LeverRating]:
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


def _view(session: Session, contract: Contract, year: int, assessment: Assessment | None) -> AssessmentView:
    thresholds = _thresholds(session, contract.organisation_id, year)
    if assessment is not None:
        ratings = _stored_ratings(assessment)
    else:
        ratings = rules.prefill(queries.contract_facts(session, contract.id), thresholds)
    result = rules.evaluate(ratings, thresholds)
    supplier = session.get(Supplier, contract.supplier_id) if contract.supplier_id else None
    return AssessmentView(
        contract_id=contract.id,
        reference=contract.reference,
        object=contract.object,
        supplier=supplier.name if supplier else "",
        year=year,
        saved=assessment is not None,
        version=assessment.version if assessment else None,
        ratings=ratings,
        score=result.score,
        priority=result.priority,
        proposed=result.proposed,
        notes=(assessment.notes or "") if assessment else "",
        assessed_on=assessment.assessed_on if assessment else None,
        assessed_by=assessment.assessed_by if assessment else None,
        history=_history(session, contract.id),
        thresholds=thresholds,
    )


def load_assessment(db: Database, contract_id: uuid.UUID, year: int) -> AssessmentView:
    """The saved assessment of ``year``, or a pre-filled proposal (``saved`` is False)."""
    with db.session(write=False) as session:
        contract = _contract(session, contract_id)
        assessment = _find(session, contract_id, year)
        return _view(session, contract, year, assessment)


def proposal(db: Database, contract_id: uuid.UUID, year: int) -> AssessmentView:
    """A fresh pre-filled proposal, even when an assessment is saved (to restore the proposed values)."""
    with db.session(write=False) as session:
        contract = _contract(session, contract_id)
        view = _view(session, contract, year, None)
        saved = _find(session, contract_id, year)
        if saved is None:
            return view
        return AssessmentView(
            **{
                **view.__dict__,
                "saved": True,
                "version": saved.version,
                "notes": saved.notes or "",
            }
        )


def _find(session: Session, contract_id: uuid.UUID, year: int) -> Assessment | None:
    return session.scalar(
        select(Assessment)
        .options(selectinload(Assessment.levers))
        .where(Assessment.contract_id == contract_id, Assessment.year == year)
    )


def save_assessment(
    db: Database,
    contract_id: uuid.UUID,
    year: int,
    ratings: Sequence[rules.LeverRating],
    *,
    notes: str = "",
    user_name: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> AssessmentView:
    """Record the buyer's ratings (overrides keep the pre-filled values beside them)."""
    seen: set[str] = set()
    for rating in ratings:
        if rating.lever not in LEVERS_BY_CODE:
            raise ValidationError(f"Levier inconnu : « {rating.lever} ».", field="lever")
        if rating.lever in seen:
            raise ValidationError(f"Le levier « {rating.title} » est noté deux fois.", field="lever")
        seen.add(rating.lever)
        for name in ("stake", "feasibility", "effort"):
            try:
                rules.check_rating(name, getattr(rating, name))
            except ValueError as exc:
                raise ValidationError(f"{rating.title} : {exc}", field=name) from exc
    with db.session() as session:
        contract = _contract(session, contract_id)
        thresholds = _thresholds(session, contract.organisation_id, year)  # before any change: one write
        assessment = _find(session, contract_id, year)
        if assessment is None:
            if expected_version is not None:
                raise ConcurrentEdit(
                    "Cette cotation a été supprimée entre-temps par un autre poste. Rechargez-la."
                )
            assessment = Assessment(contract_id=contract_id, year=year)
            session.add(assessment)
        elif expected_version is not None and assessment.version != expected_version:
            raise ConcurrentEdit(
                f"La cotation {year} du marché {contract.reference} a été modifiée entre-temps sur un autre "
                "poste. Rechargez-la avant d'enregistrer vos notes."
            )
        existing = {row.lever: row for row in assessment.levers}
        keep = []
        for rating in ratings:
            row = existing.get(rating.lever) or AssessmentLever(lever=rating.lever)
            row.stake, row.feasibility, row.effort = rating.stake, rating.feasibility, rating.effort
            row.prefilled_stake = rating.prefilled_stake
            row.prefilled_feasibility = rating.prefilled_feasibility
            row.prefilled_effort = rating.prefilled_effort
            row.reason = rating.reason
            keep.append(row)
        assessment.levers = keep
        result = rules.evaluate(list(ratings), thresholds)
        assessment.score = result.score
        assessment.priority = result.priority
        assessment.notes = notes.strip() or None
        assessment.assessed_on = on or dt.date.today()
        assessment.assessed_by = user_name.strip() or None
        session.flush()
        return _view(session, contract, year, assessment)


def delete_assessment(db: Database, contract_id: uuid.UUID, year: int) -> None:
    with db.session() as session:
        assessment = _find(session, contract_id, year)
        if assessment is not None:
            session.delete(assessment)


# --- demo -------------------------------------------------------------------------------------


def add_demo_cotation(
    session: Session,
    organisation_id: uuid.UUID,
    today: dt.date,
    stamp: dt.datetime,
    new_id: Callable[[], uuid.UUID],
    *,
    year: int,
    every: int = 2,
) -> None:
    """Assess one in ``every`` contracts ending in ``year`` + 1, for the CAD of ``year`` (deterministic)."""
    stamps = {"created_at": stamp, "updated_at": stamp}
    thresholds = _thresholds(session, organisation_id, year)
    contracts = session.scalars(
        select(Contract)
        .where(Contract.organisation_id == organisation_id, Contract.recurrent.is_(True))
        .order_by(Contract.end_date, Contract.reference)
    ).all()
    next_year = [c for c in contracts if c.end_date and c.end_date.year == year + 1]
    for index, contract in enumerate(next_year):
        if index % every:
            continue
        ratings = rules.prefill(queries.contract_facts(session, contract.id), thresholds)
        if index % 4 == 0 and ratings:  # the buyer raised the first lever's feasibility
            first = ratings[0]
            ratings[0] = rules.override(first, feasibility=min(3, first.feasibility + 1))
        result = rules.evaluate(ratings, thresholds)
        session.add(
            Assessment(
                id=new_id(),
                contract_id=contract.id,
                year=year,
                assessed_on=min(today, dt.date(year, 9, 1)) - dt.timedelta(days=index),
                assessed_by="Claire Martin (acheteuse)",
                score=result.score,
                priority=result.priority,
                notes="Diagnostic réalisé avec le service prescripteur." if index % 4 == 0 else None,
                levers=[
                    AssessmentLever(
                        id=new_id(),
                        lever=r.lever,
                        stake=r.stake,
                        feasibility=r.feasibility,
                        effort=r.effort,
                        prefilled_stake=r.prefilled_stake,
                        prefilled_feasibility=r.prefilled_feasibility,
                        prefilled_effort=r.prefilled_effort,
                        reason=r.reason,
                        **stamps,
                    )
                    for r in ratings
                ],
                **stamps,
            )
        )
    session.flush()
