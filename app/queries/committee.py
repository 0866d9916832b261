"""Reading the annual committee (CAD): its session, members, decisions with the contracts' latest
scores, and the bilan of the year before."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Priority
from app.model import Committee, CommitteeDecision, CommitteeMember, Contract, Supplier
from app.queries.contracts import contracts_facts
from app.queries.cotation import latest_assessments
from app.queries.organisations import require_organisation
from app.rules.levers import LEVERS_BY_CODE


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str


@dataclass(frozen=True)
class DecisionRow:
    id: uuid.UUID
    contract_id: uuid.UUID
    reference: str
    object: str
    supplier: str
    amount: Decimal | None
    end_date: dt.date | None
    score: int | None
    priority: Priority | None
    targeted: bool
    actions: list[str]  # lever codes
    comment: str
    review_done: bool | None
    review_comment: str
    version: int

    @property
    def action_titles(self) -> list[str]:
        return [LEVERS_BY_CODE[a].title if a in LEVERS_BY_CODE else a for a in self.actions]


@dataclass(frozen=True)
class CommitteeView:
    id: uuid.UUID | None  # None: no session recorded yet for this year
    organisation_id: uuid.UUID
    organisation: str
    year: int
    meeting_date: dt.date | None
    place: str
    closed: bool
    notes: str
    members: list[MemberRow]
    decisions: list[DecisionRow]
    bilan: list[DecisionRow]  # decisions of the CAD of year - 1
    version: int | None

    @property
    def targeted(self) -> list[DecisionRow]:
        return [d for d in self.decisions if d.targeted]


def committee_of(session: Session, organisation_id: uuid.UUID, year: int) -> Committee | None:
    return session.scalar(
        select(Committee).where(Committee.organisation_id == organisation_id, Committee.year == year)
    )


def committees_of(session: Session, organisation_id: uuid.UUID) -> list[Committee]:
    return list(session.scalars(select(Committee).where(Committee.organisation_id == organisation_id)))


def members_of(session: Session, committee_id: uuid.UUID) -> list[CommitteeMember]:
    """The members, in the order the secretary listed them."""
    return list(
        session.scalars(
            select(CommitteeMember)
            .where(CommitteeMember.committee_id == committee_id)
            .order_by(CommitteeMember.created_at, CommitteeMember.name)
        )
    )


def decisions_of(session: Session, committee_id: uuid.UUID) -> list[CommitteeDecision]:
    return list(
        session.scalars(select(CommitteeDecision).where(CommitteeDecision.committee_id == committee_id))
    )


def presented_contract_ids(session: Session, committee_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        session.scalars(
            select(CommitteeDecision.contract_id).where(CommitteeDecision.committee_id == committee_id)
        )
    )


def decision_rows(session: Session, committee: Committee | None) -> list[DecisionRow]:
    """The decisions of a session with their contracts, amounts and latest scores up to its year."""
    if committee is None:
        return []
    rows = session.execute(
        select(CommitteeDecision, Contract, Supplier.name)
        .join(Contract, Contract.id == CommitteeDecision.contract_id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(CommitteeDecision.committee_id == committee.id)
        .order_by(Contract.end_date, Contract.reference)
    ).all()
    ids = [c.id for _d, c, _s in rows]
    scores = latest_assessments(session, ids, up_to_year=committee.year)
    totals = {f.id: f.total_with_amendments for f in contracts_facts(session, committee.organisation_id, ids)}
    out = []
    for decision, contract, supplier in rows:
        assessment = scores.get(contract.id)
        out.append(
            DecisionRow(
                id=decision.id,
                contract_id=contract.id,
                reference=contract.reference,
                object=contract.object,
                supplier=supplier or "",
                amount=totals.get(contract.id),
                end_date=contract.end_date,
                score=assessment.score if assessment else None,
                priority=assessment.priority if assessment else None,
                targeted=decision.targeted,
                actions=list(decision.actions or []),
                comment=decision.comment or "",
                review_done=decision.review_done,
                review_comment=decision.review_comment or "",
                version=decision.version,
            )
        )
    return out


def committee_view(session: Session, organisation_id: uuid.UUID, year: int) -> CommitteeView:
    """The CAD of ``year``: its session, members, decisions, and the bilan of the year before."""
    org = require_organisation(session, organisation_id)
    committee = committee_of(session, organisation_id, year)
    members = []
    if committee is not None:
        members = [MemberRow(m.name, m.role) for m in members_of(session, committee.id)]
    return CommitteeView(
        id=committee.id if committee else None,
        organisation_id=organisation_id,
        organisation=org.name,
        year=year,
        meeting_date=committee.meeting_date if committee else None,
        place=(committee.place or "") if committee else "",
        closed=bool(committee and committee.closed),
        notes=(committee.notes or "") if committee else "",
        members=members,
        decisions=decision_rows(session, committee),
        bilan=decision_rows(session, committee_of(session, organisation_id, year - 1)),
        version=committee.version if committee else None,
    )
