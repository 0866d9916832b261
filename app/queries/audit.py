"""Reading the audit trail: who changed a record, what and when."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import AuditEntry

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "restore": "Rétablissement",
}


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


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.at, entry.user_name, entry.workstation, entry.action, dict(entry.changes or {}))


def entries(session: Session, entity_id: uuid.UUID, *, limit: int | None = None) -> list[AuditRow]:
    """The audit entries of one record, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_row(e) for e in session.scalars(stmt)]


def last_change(session: Session, entity_id: uuid.UUID) -> AuditRow | None:
    found = entries(session, entity_id, limit=1)
    return found[0] if found else None
