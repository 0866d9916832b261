"""Audit trail: who changed what and when, one ``AuditEntry`` per create, update, delete or restore."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import platform
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import ConcurrentEdit, ValidationError
from app.model import AuditEntry, utcnow
from app.queries import audit as queries
from app.queries.audit import ACTION_LABELS, ENTITY_LABELS, AuditRow, TrailEntry  # noqa: F401 - read by the screens
from app.rules.contract import CONTRACT_FIELD_LABELS
from app.rules.settings_catalogue import catalogue
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


def changed_by(session: Session, entity_id: uuid.UUID | None) -> str:
    """Who made the last change of a record, for a conflict message: « entre-temps par Marie Martin
    (PC-MAIRIE), le 02/12/2026 à 10:42 », or « entre-temps sur un autre poste » when nobody is recorded."""
    last = queries.last_change(session, entity_id) if entity_id is not None else None
    if last is None:
        return "entre-temps sur un autre poste"
    who = last.user_name or "un utilisateur sans nom"
    machine = f" ({last.workstation})" if last.workstation else ""
    return f"entre-temps par {who}{machine}, le {_local(last.at):%d/%m/%Y à %H:%M}"


def conflict(session: Session, entity_id: uuid.UUID | None, message: str) -> ConcurrentEdit:
    """A ``ConcurrentEdit`` naming who changed the record meanwhile: ``message`` holds « {who} »."""
    return ConcurrentEdit(message.format(who=changed_by(session, entity_id)))


def history(db: Database, entity_id: uuid.UUID) -> list[AuditRow]:
    """The audit entries of one record, newest first."""
    with db.read() as session:
        return queries.entries(session, entity_id)


# The audit trail screen and its export -----------------------------------------------------------

MAX_SHOWN = 5000  # lines on screen; the export writes them all


@dataclass(frozen=True)
class TrailFilter:
    """What the audit trail screen asks for; every criterion is optional."""

    user_name: str | None = None  # exactly this author ("" = entries written without a name)
    entity: str | None = None  # a kind of record ("contract", "setting"...)
    first_day: dt.date | None = None  # local dates, both included
    last_day: dt.date | None = None
    text: str = ""  # found in the record's name, the machine, the author or the changes


@dataclass(frozen=True)
class TrailLine:
    """One line of the audit trail, in local time, ready to show or export."""

    at: dt.datetime  # local time
    user_name: str
    workstation: str
    entity: str
    entity_label: str
    record: str
    organisation: str
    action: str
    action_label: str
    summary: str  # « champ : ancien → nouveau ; … »


@dataclass(frozen=True)
class Trail:
    lines: list[TrailLine]
    total: int  # lines matching the filter (``lines`` holds at most ``MAX_SHOWN`` of them)
    authors: list[str] = field(default_factory=list)  # every author of the file, for the filter
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (code, French label)


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def _utc(day: dt.date) -> dt.datetime:
    """Local midnight starting ``day``, as the naive UTC the audit entries are stored in."""
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC).replace(tzinfo=None)


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def summary(changes: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """The changes of one entry in a line: a diff's ``[old, new]`` as « old → new », fields named
    in French where ``labels`` knows them."""
    labels = labels or {}
    parts = []
    for key, value in changes.items():
        name = labels.get(key, key)
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{name} : {_shown(value[0])} → {_shown(value[1])}")
        else:
            parts.append(f"{name} : {_shown(value)}")
    return " ; ".join(parts)


_SETTING_FIELDS = {"key": "Réglage", "value": "Valeur", "valid_from": "À partir du"}
_ORGANISATION_FIELDS = {"name": "Nom", "siret": "SIRET", "population": "Population"}


def _labels(entity: str) -> dict[str, str]:
    if entity == "contract":
        return CONTRACT_FIELD_LABELS
    if entity == "setting":
        return _SETTING_FIELDS
    if entity == "organisation":
        return _ORGANISATION_FIELDS
    return {}


def _record(entry: TrailEntry) -> str:
    if entry.entity == "setting":  # a setting's French label rather than its code
        declaration = catalogue().declaration(entry.record)
        if declaration is not None:
            return declaration.label
    return entry.record


def _line(entry: TrailEntry) -> TrailLine:
    return TrailLine(
        _local(entry.at),
        entry.user_name,
        entry.workstation,
        entry.entity,
        entry.entity_label,
        _record(entry),
        entry.organisation,
        entry.action,
        entry.action_label,
        summary(entry.changes, _labels(entry.entity)),
    )


def _matching(session: Session, wanted: TrailFilter) -> list[TrailLine]:
    if wanted.first_day and wanted.last_day and wanted.first_day > wanted.last_day:
        raise ValidationError("La date de début de la période est après sa date de fin.", field="period")
    entries = queries.trail(
        session,
        user_name=wanted.user_name,
        entity=wanted.entity,
        since=_utc(wanted.first_day) if wanted.first_day else None,
        until=_utc(wanted.last_day + dt.timedelta(days=1)) if wanted.last_day else None,
    )
    lines = [_line(e) for e in entries]
    needle = wanted.text.strip().casefold()
    if needle:
        lines = [
            line
            for line in lines
            if any(
                needle in part.casefold()
                for part in (line.record, line.user_name, line.workstation, line.summary, line.organisation)
            )
        ]
    return lines


def trail(db: Database, wanted: TrailFilter) -> Trail:
    """The audit trail of the whole file matching ``wanted``, newest first."""
    with db.read() as session:
        lines = _matching(session, wanted)
        kinds = [(k, ENTITY_LABELS.get(k, k)) for k in queries.entity_kinds(session)]
        return Trail(lines[:MAX_SHOWN], len(lines), queries.authors(session), kinds)


TRAIL_HEADERS = ("Date et heure", "Auteur", "Poste", "Type", "Fiche", "Collectivité", "Action", "Changements")


def export_trail(db: Database, wanted: TrailFilter, out: Path) -> int:
    """Write every line matching ``wanted`` to an .xlsx file; returns how many."""
    from app.io.xlsx_writer import SheetSpec, write_xlsx

    with db.read() as session:
        lines = _matching(session, wanted)
    rows = (
        (
            line.at,
            line.user_name,
            line.workstation,
            line.entity_label,
            line.record,
            line.organisation,
            line.action_label,
            line.summary,
        )
        for line in lines
    )
    sheet = SheetSpec(
        "Journal des modifications",
        TRAIL_HEADERS,
        ("date", "text", "text", "text", "text", "text", "text", "text"),
        (18, 22, 18, 16, 22, 26, 14, 80),
        rows,
    )
    return write_xlsx(Path(out), [sheet])
