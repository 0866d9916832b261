"""Reading the contract register: its rows (one query), the form's choices, what a contract has
consumed, and the contracts an edit works on."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from app.enums import ContractStatus, Procedure, PurchaseNature
from app.model import Amendment, Contract, Department, Order, PurchaseFamily, Supplier
from app.model.base import Money
from app.rules import calendar as cal
from app.rules import contract as facts_rules


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
    procedure: Procedure | None
    nature: PurchaseNature | None
    status: ContractStatus
    recurrent: bool | None
    department_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    is_framework: bool = False
    max_amount: Decimal | None = None
    consumed: Decimal | None = None
    notice_months: int | None = None
    version: int = 1

    def months_left(self, today: dt.date) -> int | None:
        return None if self.end_date is None else cal.months_between(today, self.end_date)


def _consumed_subquery():  # noqa: ANN202
    return (
        select(Order.contract_id.label("contract_id"), func.sum(Order.amount, type_=Money).label("consumed"))
        .where(Order.contract_id.is_not(None))
        .group_by(Order.contract_id)
        .subquery()
    )


def contract_rows(session: Session, organisation_id: uuid.UUID) -> list[ContractRow]:
    """Every contract of an organisation, ordered by end date, as plain rows (one query)."""
    dep = aliased(Department)
    fam = aliased(PurchaseFamily)
    sup = aliased(Supplier)
    used = _consumed_subquery()
    deltas = (
        select(Amendment.contract_id, func.sum(Amendment.amount_delta, type_=Money).label("delta"))
        .where(Amendment.amount_delta.is_not(None))
        .group_by(Amendment.contract_id)
        .subquery()
    )
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
            type_coerce(Contract.department_id, String),
            type_coerce(Contract.family_id, String),
            type_coerce(Contract.supplier_id, String),
            Contract.is_framework,
            Contract.max_amount,
            used.c.consumed,
            Contract.notice_months,
            Contract.version,
            deltas.c.delta,
        )
        .outerjoin(dep, dep.id == Contract.department_id)
        .outerjoin(fam, fam.id == Contract.family_id)
        .outerjoin(sup, sup.id == Contract.supplier_id)
        .outerjoin(used, used.c.contract_id == Contract.id)
        .outerjoin(deltas, deltas.c.contract_id == Contract.id)
        .where(Contract.organisation_id == organisation_id)
        .order_by(Contract.end_date, Contract.reference)
    )
    # The three foreign keys repeat a lot: parse each distinct one once (UUID parsing dominated
    # the cost of opening a 10,000-contract register).
    ids: dict[str, uuid.UUID] = {}

    def as_id(raw: str | None) -> uuid.UUID | None:
        if raw is None or isinstance(raw, uuid.UUID):  # PostgreSQL returns its uuid type as UUID
            return raw
        found = ids.get(raw)
        if found is None:
            found = ids[raw] = uuid.UUID(raw)
        return found

    return [
        ContractRow(
            r[0],
            r[1],
            r[2],
            r[3] or "",
            r[4] or "",
            r[5] or "",
            facts_rules.total_amount(r[6], r[7], r[22]),
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
            as_id(r[14]),
            as_id(r[15]),
            as_id(r[16]),
            r[17],
            r[18],
            r[19],
            r[20],
            r[21],
        )
        for r in session.execute(stmt)
    ]


def consumed(session: Session, contract_id: uuid.UUID) -> Decimal:
    """The amount of the orders placed on a contract (0 without any)."""
    value = session.scalar(
        select(func.sum(Order.amount, type_=Money)).where(Order.contract_id == contract_id)
    )
    return value or Decimal(0)


def reference_holder(
    session: Session, organisation_id: uuid.UUID, reference: str, other_than: uuid.UUID | None
) -> uuid.UUID | None:
    """The contract of the organisation that already has ``reference`` (other than ``other_than``)."""
    return session.scalar(
        select(Contract.id).where(
            Contract.organisation_id == organisation_id,
            Contract.reference == reference,
            Contract.id != other_than if other_than else True,
        )
    )


def departments(session: Session, organisation_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    return [
        tuple(r)
        for r in session.execute(
            select(Department.id, Department.name)
            .where(Department.organisation_id == organisation_id)
            .order_by(Department.name)
        )
    ]


def families(session: Session, organisation_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    return [
        tuple(r)
        for r in session.execute(
            select(PurchaseFamily.id, PurchaseFamily.label)
            .where(PurchaseFamily.organisation_id == organisation_id)
            .order_by(PurchaseFamily.label)
        )
    ]


def suppliers(session: Session) -> list[tuple[uuid.UUID, str]]:
    return [tuple(r) for r in session.execute(select(Supplier.id, Supplier.name).order_by(Supplier.name))]


def versions(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Each contract's version counter (what an edit of the grid was read at)."""
    return dict(
        session.execute(
            select(Contract.id, Contract.version).where(Contract.organisation_id == organisation_id)
        ).all()
    )


def ids_by_reference(session: Session, organisation_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Contract ids by reference folded to lower case."""
    return {
        ref.casefold(): cid
        for cid, ref in session.execute(
            select(Contract.id, Contract.reference).where(Contract.organisation_id == organisation_id)
        )
    }


def contracts_to_edit(
    session: Session, organisation_id: uuid.UUID, ids: Iterable[uuid.UUID] | None = None
) -> list[Contract]:
    """The organisation's contracts (those of ``ids`` when given), by reference, to change."""
    stmt = select(Contract).where(Contract.organisation_id == organisation_id)
    if ids is not None:
        stmt = stmt.where(Contract.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(Contract.reference)))


def id_by_name(session: Session, model: type, organisation_id: uuid.UUID, name: str) -> uuid.UUID | None:
    """The department (by name) or purchase family (by label) of the organisation called ``name``."""
    attribute = model.name if model is Department else model.label
    return session.scalar(select(model.id).where(model.organisation_id == organisation_id, attribute == name))
