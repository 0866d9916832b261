"""Contract register queries and edits."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.enums import ContractStatus, Procedure, PurchaseNature
from app.model import Contract, Department, PurchaseFamily, Supplier
from app.storage.database import Database


@dataclass(frozen=True)
class ContractRow:
    id: uuid.UUID
    reference: str
    object: str
    department: str
    family: str
    supplier: str
    amount: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    procedure: Procedure
    nature: PurchaseNature
    status: ContractStatus
    recurrent: bool


def list_contracts(db: Database, organisation_id: uuid.UUID) -> list[ContractRow]:
    """Every contract of an organisation, ordered by end date, as plain rows (one query)."""
    dep = aliased(Department)
    fam = aliased(PurchaseFamily)
    sup = aliased(Supplier)
    stmt = (
        select(
            Contract.id,
            Contract.reference,
            Contract.object,
            dep.name,
            fam.label,
            sup.name,
            Contract.notified_amount,
            Contract.estimated_amount,
            Contract.start_date,
            Contract.end_date,
            Contract.procedure,
            Contract.nature,
            Contract.status,
            Contract.recurrent,
        )
        .outerjoin(dep, dep.id == Contract.department_id)
        .outerjoin(fam, fam.id == Contract.family_id)
        .outerjoin(sup, sup.id == Contract.supplier_id)
        .where(Contract.organisation_id == organisation_id)
        .order_by(Contract.end_date, Contract.reference)
    )
    with db.session(write=False) as session:
        return [
            ContractRow(
                id=r[0],
                reference=r[1],
                object=r[2],
                department=r[3] or "",
                family=r[4] or "",
                supplier=r[5] or "",
                amount=r[6] if r[6] is not None else r[7],
                start_date=r[8],
                end_date=r[9],
                procedure=r[10],
                nature=r[11],
                status=r[12],
                recurrent=r[13],
            )
            for r in session.execute(stmt)
        ]
