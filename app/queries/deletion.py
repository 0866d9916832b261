"""Reading everything a deletion removes or unlinks, so that it can be put back (undo)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.model import Base

Rows = list[tuple[str, list[dict[str, Any]]]]  # table name, rows; parents first
Links = list[tuple[str, str, list[uuid.UUID]]]  # table, column, [row id, linked id]: SET NULL links


def _children(table: Table) -> list[tuple[Table, Any, str]]:
    found = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.column.name == "id":
                found.append((other, fk.parent, (fk.ondelete or "").upper()))
    return found


def cascade(session: Session, table: Table, ids: list[uuid.UUID]) -> tuple[Rows, Links]:
    """The rows of ``table`` with ``ids`` and of every row their deletion cascades to, and the links
    it sets to NULL."""
    rows: Rows = []
    unlinked: Links = []
    _collect(session, table, ids, rows, unlinked)
    return rows, unlinked


def _collect(session: Session, table: Table, ids: list[uuid.UUID], rows: Rows, unlinked: Links) -> None:
    if not ids:
        return
    rows.append(
        (table.name, [dict(r._mapping) for r in session.execute(select(table).where(table.c.id.in_(ids)))])
    )
    for child, column, ondelete in _children(table):
        child_ids = list(session.scalars(select(child.c.id).where(column.in_(ids))))
        if not child_ids:
            continue
        if ondelete == "CASCADE":
            _collect(session, child, child_ids, rows, unlinked)
        elif ondelete == "SET NULL":
            # Only the direct link to the deleted rows is undone; other columns are untouched.
            for cid in child_ids:
                value = session.scalar(select(column).where(child.c.id == cid))
                unlinked.append((child.name, column.name, [cid, value]))
