"""Reading what the demo database's builders decorate (``app.demo``): its contracts, in a fixed order."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import ChecklistStatus, ContractStatus, PurchaseNature
from app.model import Clause, Contract, ContractClause


def contracts_with_status(session: Session, statuses: Iterable[ContractStatus]) -> list[Contract]:
    """The contracts of every organisation with one of ``statuses``, by organisation then reference."""
    return list(
        session.scalars(
            select(Contract)
            .where(Contract.status.in_(tuple(statuses)))
            .order_by(Contract.organisation_id, Contract.reference)
        ).all()
    )


def contracts_with_clauses(
    session: Session, codes: Iterable[str], statuses: Iterable[ChecklistStatus]
) -> set[uuid.UUID]:
    """The contracts whose checklist line for one of the clauses ``codes`` has one of ``statuses``."""
    return set(
        session.scalars(
            select(ContractClause.contract_id)
            .join(Clause, Clause.id == ContractClause.clause_id)
            .where(Clause.code.in_(tuple(codes)), ContractClause.status.in_(tuple(statuses)))
        )
    )


def contract_spans(
    session: Session,
) -> list[tuple[uuid.UUID, str, dt.date | None, dt.date | None, PurchaseNature, list[str] | None]]:
    """(id, reference, start, end, nature, social considerations) of every contract, by reference."""
    return [
        tuple(row)
        for row in session.execute(
            select(
                Contract.id,
                Contract.reference,
                Contract.start_date,
                Contract.end_date,
                Contract.nature,
                Contract.social_considerations,
            ).order_by(Contract.reference)
        )
    ]
