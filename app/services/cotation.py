"""Cotation use cases: the due list of the yearly cycle, and each contract's assessment (pre-filled
ratings, the buyer's overrides, notes, history per year)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.enums import Priority
from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import Assessment, AssessmentLever, Contract, Supplier
from app.queries import contracts as queries
from app.queries import cotation as cycle
from app.queries.cotation import DueList, DueRow  # noqa: F401 - the due list, read by screens and the CLI
from app.queries.organisation_settings import settings_for
from app.queries.organisations import require_organisation
from app.rules import cotation as rules
from app.rules.levers import LEVERS_BY_CODE
from app.services import audit, scope
from app.storage.database import Database


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


def next_cad_year(db: Database, organisation_id: uuid.UUID, today: dt.date) -> int:
    """The year of the next CAD whose meeting is still ahead (today's included): the one a user means
    when opening the cotation screen or the reports."""
    with db.read() as session:
        settings = settings_for(session, organisation_id)
        for year in (today.year, today.year + 1):
            if cycle.cad_date(session, organisation_id, year, settings) >= today:
                return year
    return today.year + 1


def due_list(db: Database, organisation_id: uuid.UUID, year: int) -> DueList:
    """Contracts to diagnose (the CAD of ``year`` falls within J-24..J-14 of their end) and to present
    (ending in ``year`` + 1), with the deployment targets of the years concerned."""
    with db.read() as session:
        return cycle.due_list(session, organisation_id, year)


@dataclass(frozen=True)
class CotationScreenData:
    """What the cotation screen shows at opening, read in one unit of work."""

    due: DueList
    committee: object  # app.queries.committee.CommitteeView
    facts_sentence: str  # the « Données à compléter » line ("" when nothing is missing)


def cotation_screen(
    db: Database, organisation_id: uuid.UUID, year: int, *, today: dt.date
) -> CotationScreenData:
    """The due list and the CAD session of ``year`` with the « Données à compléter » sentence: the
    organisation's contract facts read once for both (each as its own service gives it)."""
    from app.queries.committee import committee_view
    from app.services.facts import summary_of_facts

    with db.read() as session:
        require_organisation(session, organisation_id)
        facts = queries.contracts_facts(session, organisation_id, today=today)
        due = cycle.due_list(session, organisation_id, year, facts=facts)
        committee = committee_view(session, organisation_id, year)
    return CotationScreenData(due, committee, summary_of_facts(facts).sentence())


def _history(session: Session, contract_id: uuid.UUID) -> list[AssessmentSummary]:
    return [
        AssessmentSummary(a.year, a.score, a.priority, a.assessed_on, a.assessed_by)
        for a in cycle.assessment_history(session, contract_id)
    ]


def _contract(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Ce marché n'existe plus dans le fichier.")
    return contract


def _view(session: Session, contract: Contract, year: int, assessment: Assessment | None) -> AssessmentView:
    thresholds = cycle.thresholds(session, contract.organisation_id, year)
    if assessment is not None:
        ratings = cycle.stored_ratings(assessment)
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
    with db.read() as session:
        contract = _contract(session, contract_id)
        assessment = cycle.assessment_of(session, contract_id, year)
        return _view(session, contract, year, assessment)


def proposal(db: Database, contract_id: uuid.UUID, year: int) -> AssessmentView:
    """A fresh pre-filled proposal, even when an assessment is saved (to restore the proposed values)."""
    with db.read() as session:
        contract = _contract(session, contract_id)
        view = _view(session, contract, year, None)
        saved = cycle.assessment_of(session, contract_id, year)
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


def save_assessment(
    db: Database,
    contract_id: uuid.UUID,
    year: int,
    ratings: Sequence[rules.LeverRating],
    *,
    notes: str = "",
    user_name: str = "",
    on: dt.date | None = None,
    expected_version: int | None,  # the version read; None when the year had no assessment
    organisation_id: uuid.UUID,  # the user's: another organisation's contract is read-only
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
    with db.write() as session:
        contract = _own(session, contract_id, year, organisation_id)
        thresholds = cycle.thresholds(session, contract.organisation_id, year)  # before any change: one write
        assessment = cycle.assessment_of(session, contract_id, year)
        if assessment is None:
            if expected_version is not None:
                raise ConcurrentEdit(
                    "Cette cotation a été supprimée entre-temps par un autre poste. Rechargez-la."
                )
            assessment = Assessment(contract_id=contract_id, year=year)
            session.add(assessment)
        elif assessment.version != expected_version:
            raise audit.conflict(
                session,
                assessment.id,
                f"La cotation {year} du marché « {contract.reference} » a été modifiée {{who}}. "
                "Rechargez-la avant d'enregistrer vos notes.",
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
        audit.record(
            session,
            "assessment",
            assessment.id,
            "update" if expected_version is not None else "create",
            {"marché": contract.reference, "année": year, "note": result.score},
            user_name,
        )
        return _view(session, contract, year, assessment)


def _own(session: Session, contract_id: uuid.UUID, year: int, organisation_id: uuid.UUID) -> Contract:
    contract = _contract(session, contract_id)
    return scope.own_contract(
        session, contract.id, organisation_id, f"La cotation {year} du marché « {contract.reference} »"
    )


def delete_assessment(
    db: Database,
    contract_id: uuid.UUID,
    year: int,
    *,
    organisation_id: uuid.UUID,
    expected_version: int | None,  # the version read; None when the year showed no assessment
    user_name: str = "",
) -> None:
    """Delete the year's assessment read at ``expected_version``: one saved or changed since it was
    read is not deleted (``ConcurrentEdit`` naming who); one already deleted is left so."""
    with db.write() as session:
        contract = _own(session, contract_id, year, organisation_id)
        assessment = cycle.assessment_of(session, contract_id, year)
        if assessment is not None and assessment.version != expected_version:
            raise audit.conflict(
                session,
                assessment.id,
                f"La cotation {year} du marché « {contract.reference} » a été modifiée {{who}}. "
                "Rechargez-la avant de la supprimer.",
            )
        if assessment is not None:
            audit.record(
                session,
                "assessment",
                assessment.id,
                "delete",
                {"marché": contract.reference, "année": year},
                user_name,
            )
            session.delete(assessment)
