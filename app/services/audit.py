"""Audit trail: who changed what and when, one ``AuditEntry`` per create, update, delete or restore."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import platform
import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.model import AuditEntry, utcnow
from app.queries import audit as queries
from app.queries.audit import ACTION_LABELS, AuditRow  # noqa: F401 - read by the contract form
from app.storage.database import Database


def plain(value: Any) -> Any:
    """A JSON-friendly form of a column value (dates ISO, money as text, enums as codes)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = plain(before.get(key)), plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def record(
    session: Session,
    entity: str,
    entity_id: uuid.UUID | None,
    action: str,
    changes: dict[str, Any] | None = None,
    user_name: str = "",
) -> None:
    session.add(
        AuditEntry(
            at=utcnow(),
            user_name=user_name or "",
            workstation=platform.node()[:120],
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=plain(changes or {}),
        )
    )


def history(db: Database, entity_id: uuid.UUID) -> list[AuditRow]:
    """The audit entries of one record, newest first."""
    with db.read() as session:
        return queries.entries(session, entity_id)
