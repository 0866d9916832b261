"""What an import reads: the organisation's look-up tables and existing keys (names in a file are
resolved against them, before and again under the write lock), the values an update overwrites (kept
for « Annuler cet import »), and the import batches."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, String, Table, exists, select, type_coerce
from sqlalchemy.orm import Session

from app.model import (
    Contract,
    DeliverySite,
    Department,
    ImportBatch,
    Order,
    PurchaseFamily,
    Supplier,
)


def contract_references(session: Session, org_id: uuid.UUID) -> Iterable[tuple[uuid.UUID, str]]:
    """(id, reference) of the organisation's contracts."""
    return session.execute(select(Contract.id, Contract.reference).where(Contract.organisation_id == org_id))


def department_names(session: Session, org_id: uuid.UUID) -> Iterable[tuple[uuid.UUID, str]]:
    return session.execute(select(Department.id, Department.name).where(Department.organisation_id == org_id))


def site_names(session: Session, org_id: uuid.UUID) -> Iterable[tuple[uuid.UUID, str]]:
    return session.execute(
        select(DeliverySite.id, DeliverySite.name).where(DeliverySite.organisation_id == org_id)
    )


def family_codes_and_labels(session: Session, org_id: uuid.UUID) -> Iterable[tuple[uuid.UUID, str, str]]:
    return session.execute(
        select(PurchaseFamily.id, PurchaseFamily.code, PurchaseFamily.label).where(
            PurchaseFamily.organisation_id == org_id
        )
    )


def supplier_keys(session: Session) -> Iterable[tuple[uuid.UUID, str | None, str]]:
    """(id, SIRET or None, normalised name) of every supplier (suppliers are shared by organisations)."""
    return session.execute(select(Supplier.id, Supplier.siret, Supplier.normalized_name))


def order_numbers(session: Session, org_id: uuid.UUID) -> Iterable[str]:
    """The numbers of the organisation's orders, read from the (organisation, number) unique index
    alone: 100,000 of them in a few hundredths of a second, where also reading their ids visits
    every row (six times longer)."""
    return session.scalars(select(Order.number).where(Order.organisation_id == org_id))


def order_ids(session: Session, org_id: uuid.UUID, numbers: Sequence[str]) -> Iterable[tuple[str, str]]:
    """(id as stored, number) of the organisation's orders numbered ``numbers``: the id is left as
    stored text, since the import makes a UUID only of the ones it updates."""
    stored_id = type_coerce(Order.id, String)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        yield from session.execute(
            select(stored_id, Order.number).where(Order.organisation_id == org_id, Order.number.in_(chunk))
        )


def rows_by_id(
    session: Session, table: Table, columns: Sequence[str], ids: Sequence[object]
) -> Iterable[dict]:
    """The id and ``columns`` of the rows of ``table`` whose id is in ``ids``, as mappings."""
    return session.execute(
        select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(ids))
    ).mappings()


def is_referenced(session: Session, column: ColumnElement, row_id: uuid.UUID) -> bool:
    """Whether some row has ``row_id`` in ``column`` (a foreign key)."""
    return bool(session.scalar(select(exists().where(column == row_id))))


def batches(session: Session, organisation_id: uuid.UUID) -> Iterable[ImportBatch]:
    """The organisation's import batches, newest first."""
    return session.scalars(
        select(ImportBatch)
        .where(ImportBatch.organisation_id == organisation_id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id)
    )


def later_batch_file(session: Session, batch: ImportBatch) -> str | None:
    """The file name of an import of the same organisation made after ``batch`` and not undone."""
    return session.scalar(
        select(ImportBatch.file_name).where(
            ImportBatch.organisation_id == batch.organisation_id,
            ImportBatch.created_at > batch.created_at,
            ImportBatch.undone_at.is_(None),
        )
    )
