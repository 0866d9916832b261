"""Audit trail: who changed what and when, one ``AuditEntry`` per create, update, delete or restore."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import platform
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import AuditEntry, utcnow
from app.storage.database import Database

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "restore": "Rétablissement",
}


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


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    user_name: str
    workstation: str
    action: str
    changes: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def history(db: Database, entity_id: uuid.UUID) -> list[AuditRow]:
    """The audit entries of one record, newest first."""
    with db.session(write=False) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at.desc())
        )
        return [AuditRow(r.at, r.user_name, r.workstation, r.action, dict(r.changes or {})) for r in rows]


def last_change(session: Session, entity_id: uuid.UUID) -> AuditRow | None:
    row = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return AuditRow(row.at, row.user_name, row.workstation, row.action, dict(row.changes or {}))
