"""Reading the clause library and the contracts' checklist lines (``app.services.clauses``' queries)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import ChecklistStatus
from app.model import Clause, Contract, ContractClause


def visible_to(organisation_id: uuid.UUID | None):  # noqa: ANN201 - a SQL condition
    """The built-in clauses and the organisation's own."""
    return (Clause.organisation_id.is_(None)) | (Clause.organisation_id == organisation_id)


def builtin_clauses(session: Session) -> list[Clause]:
    return list(session.scalars(select(Clause).where(Clause.builtin.is_(True))))


def builtin_count(session: Session) -> int:
    """How many built-in clauses the file holds."""
    return len(session.scalars(select(Clause.code).where(Clause.builtin.is_(True))).all())


def visible_clauses(session: Session, organisation_id: uuid.UUID | None) -> list[Clause]:
    return list(session.scalars(select(Clause).where(visible_to(organisation_id))))


def clause_codes(session: Session) -> set[str]:
    """Every clause code of the file, whoever owns the clause."""
    return set(session.scalars(select(Clause.code)))


def code_taken(session: Session, code: str) -> bool:
    return session.scalar(select(Clause.id).where(Clause.code == code)) is not None


def contract_lines(session: Session, contract_id: uuid.UUID) -> list[ContractClause]:
    """The contract's checklist lines (one per clause decided on)."""
    return list(session.scalars(select(ContractClause).where(ContractClause.contract_id == contract_id)))


def contract_line(session: Session, contract_id: uuid.UUID, clause_id: uuid.UUID) -> ContractClause | None:
    return session.scalar(
        select(ContractClause).where(
            ContractClause.contract_id == contract_id, ContractClause.clause_id == clause_id
        )
    )


def decided_clause_ids(session: Session, contract_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        session.scalars(select(ContractClause.clause_id).where(ContractClause.contract_id == contract_id))
    )


def organisation_decisions(
    session: Session, organisation_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID, ChecklistStatus]]:
    """(contract id, clause id, status) of every checklist line of the organisation's contracts."""
    return [
        tuple(row)
        for row in session.execute(
            select(ContractClause.contract_id, ContractClause.clause_id, ContractClause.status)
            .join(Contract, Contract.id == ContractClause.contract_id)
            .where(Contract.organisation_id == organisation_id)
        )
    ]


def decp_considerations(
    session: Session, contract_id: uuid.UUID, statuses: Iterable[ChecklistStatus]
) -> list[str | None]:
    """The DECP consideration of each clause of the contract whose line has one of ``statuses``."""
    return list(
        session.scalars(
            select(Clause.decp_consideration)
            .join(ContractClause, ContractClause.clause_id == Clause.id)
            .where(ContractClause.contract_id == contract_id, ContractClause.status.in_(tuple(statuses)))
        ).all()
    )


def contract_id_by_reference(
    session: Session, organisation_id: uuid.UUID, reference: str
) -> uuid.UUID | None:
    return session.scalar(
        select(Contract.id).where(
            Contract.organisation_id == organisation_id, Contract.reference == reference
        )
    )
