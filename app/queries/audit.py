"""Reading the audit trail: who changed a record, what and when."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.model import AuditEntry, Contract, Organisation

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "restore": "Rétablissement",
    "undo": "Annulation",
    "merge": "Fusion",
}

# What each ``AuditEntry.entity`` code names, in French (the audit trail screen's « Type » column).
ENTITY_LABELS = {
    "contract": "Marché",
    "organisation": "Collectivité",
    "setting": "Réglage",
    "import_batch": "Import",
    "department": "Service",
    "family": "Famille d'achat",
    "supplier": "Fournisseur",
    "site": "Site de livraison",
    "assessment": "Cotation",
    "committee": "Séance du CAD",
    "committee_decision": "Décision du CAD",
    "contract_clause": "Ligne de la liste de clauses",
    "clause": "Clause",
    "purchasing_group": "Groupement de commandes",
    "merge": "Fusion d'une copie",
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


@dataclass(frozen=True)
class TrailEntry:
    """One line of the audit trail screen: who changed what, when, from which machine."""

    id: uuid.UUID
    at: dt.datetime
    user_name: str
    workstation: str
    entity: str
    entity_id: uuid.UUID | None
    action: str
    changes: dict[str, Any]
    record: str  # the record's own name: a contract's reference, else what the entry says
    organisation: str  # the organisation of the contract concerned, "" otherwise

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return ENTITY_LABELS.get(self.entity, self.entity)


def _record_name(reference: str | None, changes: dict[str, Any]) -> str:
    if reference:
        return reference
    for key in ("reference", "name", "label", "key", "fichier"):
        value = changes.get(key)
        if isinstance(value, list) and value:  # a diff: [old, new]
            value = value[-1] if value[-1] is not None else value[0]
        if value:
            return str(value)
    return ""


def trail(
    session: Session,
    *,
    user_name: str | None = None,
    entity: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[TrailEntry]:
    """The audit entries matching the filters, newest first (``until`` excluded)."""
    itself = aliased(Organisation)  # an entry about an organisation names it
    stmt = (
        select(AuditEntry, Contract.reference, Organisation.name, itself.name)
        .outerjoin(Contract, (AuditEntry.entity == "contract") & (Contract.id == AuditEntry.entity_id))
        .outerjoin(Organisation, Organisation.id == Contract.organisation_id)
        .outerjoin(itself, (AuditEntry.entity == "organisation") & (itself.id == AuditEntry.entity_id))
        .order_by(AuditEntry.at.desc())
    )
    if user_name is not None:
        stmt = stmt.where(AuditEntry.user_name == user_name)
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    found = []
    for entry, reference, organisation, named in session.execute(stmt):
        changes = dict(entry.changes or {})
        found.append(
            TrailEntry(
                entry.id,
                entry.at,
                entry.user_name,
                entry.workstation,
                entry.entity,
                entry.entity_id,
                entry.action,
                changes,
                named or _record_name(reference, changes),
                named or organisation or "",
            )
        )
    return found


def authors(session: Session) -> list[str]:
    """Every name that wrote an audit entry, sorted."""
    return sorted(session.scalars(select(AuditEntry.user_name).distinct()))


def entity_kinds(session: Session) -> list[str]:
    """Every kind of record the audit trail mentions."""
    return sorted(session.scalars(select(AuditEntry.entity).distinct()))
