"""Bring another town's copy of the register into this database, row by row, by UUID.

Every row has a UUID (the same in every copy of a file), a ``version`` and an ``updated_at``. For each
row the merge decides whether it changed *here*, *there*, or on both sides since the two copies last
agreed:

- each file keeps in ``merge_base`` the state (version, updated_at) of the other copy's rows it has
  accounted for at its last merge (taken, held alike, or older than its own): the other side changed
  a row since if its state differs from our record, and this side changed it since the other side
  last saw it if our state differs from *their* record (read from the other file), so that merges in
  one direction only (a copy sent by e-mail, never sent back) stay right. One base per file: it is
  meant for two copies going back and forth; with more, a merge may list extra conflicts, never
  lose a change silently;
- at the first merge of two copies there is no base: the copies were made at some moment after the
  newest row they still hold alike (``watermark``), so a row a side changed after that moment counts
  as changed on that side (when nothing is alike, every difference is a conflict; a row that differs
  with neither side changed after it is a conflict too: never a silent choice);
- deletions travel as tombstones (table ``tombstone``, filled by a trigger on every table): a row
  deleted there and untouched here is deleted here; deleted on one side and changed on the other, it
  is a conflict.

A row changed on one side only takes that side's values (all columns, version and time included, so
that both copies then hold it alike); a row changed on both sides is a **conflict**: left as it is
here and listed in the report for the user to settle. Rows the other copy is alone to have are
added. Merging the same file twice changes nothing. The other file is never modified (read from a
private copy), a backup of this file is taken first, and everything is one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import errors
from app.model import Base, utcnow
from app.storage.database import Database, open_database

log = logging.getLogger(__name__)

# Bookkeeping of the sharing itself: never merged as data.
NOT_MERGED = frozenset({"tombstone", "merge_base", "presence"})
LABEL_COLUMNS = ("reference", "number", "name", "code", "label", "key", "object", "title", "year")
# A second column that tells the record apart for a person (« VDS-2025-001 — Fournitures de bureau »).
DETAIL_COLUMNS = ("object", "title", "description", "commune")
BOOKKEEPING_COLUMNS = frozenset({"id", "created_at", "updated_at", "version"})
ENTITY_NAMES = {
    "contract": "marché",
    "organisation": "collectivité",
    "supplier": "fournisseur",
    "purchase_order": "bon de commande",
    "department": "service",
    "clause": "clause",
    "lot": "lot",
    "amendment": "avenant",
    "assessment": "cotation",
    "setting": "paramètre",
    "audit_entry": "entrée de l'historique",
    "emission_factor": "facteur d'émission",
    "committee": "commission",
    "committee_member": "membre de commission",
    "committee_decision": "décision de commission",
    "delivery_site": "site de livraison",
    "grouping_plan": "plan de regroupement",
    "grouped_order": "commande groupée",
    "grouped_order_item": "ligne de commande groupée",
    "import_batch": "import",
    "purchase_family": "famille d'achat",
    "purchasing_group": "groupement de commandes",
    "purchasing_group_member": "membre de groupement",
    "contract_clause": "clause d'un marché",
    "insertion_hours": "heures d'insertion",
    "assessment_lever": "levier de cotation",
}
# Column names in French where the contract form's labels do not say them.
FIELD_NAMES = {
    "name": "Nom",
    "number": "Numéro",
    "title": "Intitulé",
    "amount": "Montant HT",
    "description": "Description",
    "order_date": "Date de commande",
    "latest_delivery_date": "Livraison au plus tard",
    "weight_kg": "Poids (kg)",
    "siret": "SIRET",
    "postcode": "Code postal",
    "commune": "Commune",
    "distance_km": "Distance (km)",
    "value": "Valeur",
    "label": "Libellé",
    "code": "Code",
    "signed_on": "Signé le",
    "amount_delta": "Montant de l'avenant HT",
    "new_end_date": "Nouvelle échéance",
    "score": "Note",
    "priority": "Priorité",
    "year": "Année",
    "hours": "Heures",
    "organisation_id": "Collectivité",
    "contract_id": "Marché",
    "delivery_site_id": "Site de livraison",
    "population": "Population",
}


def kind_name(entity: str) -> str:
    """The French name of a kind of record (« marché », « bon de commande »)."""
    return ENTITY_NAMES.get(entity, entity.replace("_", " "))


def field_name(entity: str, column: str) -> str:
    from app.rules.contract import CONTRACT_FIELD_LABELS

    if entity == "contract" and column in CONTRACT_FIELD_LABELS:
        return CONTRACT_FIELD_LABELS[column]
    return FIELD_NAMES.get(column) or CONTRACT_FIELD_LABELS.get(column) or column.replace("_", " ")


@dataclass(frozen=True)
class FieldDifference:
    """One column that differs between the two copies of a row, as the user reads it."""

    column: str
    label: str  # French
    here: str
    there: str


@dataclass(frozen=True)
class Change:
    """Who last changed a row on one side, from that side's audit trail (when it says)."""

    user_name: str
    workstation: str
    at: dt.datetime

    def describe(self) -> str:
        who = self.user_name or self.workstation or "un autre poste"
        if self.user_name and self.workstation:
            who = f"{self.user_name} ({self.workstation})"
        local = self.at.replace(tzinfo=dt.UTC).astimezone()
        return f"{who}, le {local:%d/%m/%Y à %H:%M}"


@dataclass(frozen=True)
class MergeConflict:
    entity: str
    row_id: uuid.UUID
    label: str
    reason: str
    here_updated_at: dt.datetime | None
    there_updated_at: dt.datetime | None
    differences: tuple[FieldDifference, ...] = ()
    here_by: Change | None = None  # who last changed it here, when the audit trail says
    there_by: Change | None = None
    # a conflict of values (changed on both sides): settled by choosing a side; the others (deleted
    # on one side, a reference taken here) are settled by correcting the record, then merging again
    resolvable: bool = False

    @property
    def kind(self) -> str:
        return kind_name(self.entity)

    def side(self, mine: bool) -> str:
        """« modifié par Marie (PC-MAIRIE), le 01/12/2026 à 10:42 » for one side, or what is known."""
        by = self.here_by if mine else self.there_by
        moment = self.here_updated_at if mine else self.there_updated_at
        if by is not None:
            return f"modifié par {by.describe()}"
        if moment is not None:
            local = moment.replace(tzinfo=dt.UTC).astimezone()
            return f"modifié le {local:%d/%m/%Y à %H:%M}"
        return "supprimé" if self.reason.startswith("supprimé") else "absent"

    def describe(self) -> str:
        sides = "ici " + self.side(True) + " ; dans l'autre copie " + self.side(False)
        return f"{self.kind} « {self.label} » : {self.reason} ({sides})"


@dataclass
class MergeReport:
    source: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list[MergeConflict] = field(default_factory=list)
    backup: str | None = None
    first_merge: bool = False
    # entity -> {"added": n, "updated": n, "deleted": n}: what changed, kind by kind
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, entity: str, what: str, n: int = 1) -> None:
        setattr(self, what, getattr(self, what) + n)
        kind = self.by_kind.setdefault(entity, {"added": 0, "updated": 0, "deleted": 0})
        kind[what] += n

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_MERGED]


def _label(table: Table, row: dict[str, Any]) -> str:
    """What names a row for a person: its reference, number or name, then its object or title
    (« VDS-2025-001 — Fournitures de bureau »); a row with none of them, its short id."""
    first = next((name for name in LABEL_COLUMNS if row.get(name) not in (None, "")), None)
    if first is None:
        return str(row["id"])[:8]
    label = str(row[first])
    if table.name in ("lot", "amendment") and first == "number":
        label = f"n° {label}"
    detail = next(
        (str(row[name]) for name in DETAIL_COLUMNS if name != first and row.get(name) not in (None, "")),
        "",
    )
    return (f"{label} — {detail}" if detail else label)[:120]


def _shown(value: Any, labels: dict[uuid.UUID, str]) -> str:
    """A column value as the user reads it: a linked record by its name, dates and amounts in French."""
    from app import format as fmt

    if value is None or value == "":
        return "—"
    if isinstance(value, uuid.UUID):
        return labels.get(value, str(value)[:8])
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return fmt.date(value)
    if isinstance(value, Decimal):
        return fmt.number(value, 2)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    return str(value)[:200]


def _differences(
    table: Table, here: dict[str, Any], there: dict[str, Any], labels: dict[uuid.UUID, str]
) -> tuple[FieldDifference, ...]:
    return tuple(
        FieldDifference(
            column.name,
            field_name(table.name, column.name),
            _shown(here.get(column.name), labels),
            _shown(there.get(column.name), labels),
        )
        for column in table.columns
        if column.name not in BOOKKEEPING_COLUMNS and here.get(column.name) != there.get(column.name)
    )


def _last_changes(audit_rows: dict[uuid.UUID, dict[str, Any]]) -> dict[uuid.UUID, Change]:
    """Record id -> the newest audit entry about it on one side."""
    newest: dict[uuid.UUID, Change] = {}
    for row in audit_rows.values():
        target = row.get("entity_id")
        if target is None:
            continue
        known = newest.get(target)
        if known is None or row["at"] > known.at:
            newest[target] = Change(row.get("user_name") or "", row.get("workstation") or "", row["at"])
    return newest


def _changed_by(changes: dict[uuid.UUID, Change], row: dict[str, Any] | None) -> Change | None:
    """The audit entry of the row itself, else of the contract it belongs to (a lot, an amendment)."""
    if row is None:
        return None
    return changes.get(row["id"]) or (changes.get(row["contract_id"]) if row.get("contract_id") else None)


def _state(row: dict[str, Any]) -> tuple[int, dt.datetime]:
    return row["version"], row["updated_at"]


def _rows(conn: Connection, table: Table) -> dict[uuid.UUID, dict[str, Any]]:
    return {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}


def _tombstones(conn: Connection) -> dict[uuid.UUID, Any]:
    tomb = Base.metadata.tables["tombstone"]
    return {r.row_id: r for r in conn.execute(select(tomb))}


def _base(conn: Connection) -> dict[uuid.UUID, tuple[int, dt.datetime]]:
    table = Base.metadata.tables["merge_base"]
    return {r.row_id: (r.version, r.updated_at) for r in conn.execute(select(table))}


def _private_copy(source: Path, folder: Path) -> Path:
    """A consistent copy of the other file (SQLite backup API): it is never modified, even when its
    schema is older and must be upgraded to be read."""
    from app.storage.database import inspect_file

    inspect_file(source)  # ours, readable, healthy — before anything
    target = folder / source.name
    src = sqlite3.connect(f"{source.resolve().as_uri().replace('file://', 'file:', 1)}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=256)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise errors.DatabaseUnavailable(f"Le fichier « {source.name} » n'a pas pu être lu ({exc}).") from exc
    finally:
        src.close()
    return target


def _same_file(db: Database, other: Path) -> bool:
    if db.path is None:
        return False
    with contextlib.suppress(OSError):
        return db.path.resolve().samefile(other.resolve())
    return False


MINE, THEIRS = "mine", "theirs"
BOTH_CHANGED = "modifié des deux côtés"
ALL = "all"


def _resolutions(
    ours: dict[str, dict], theirs: dict[str, dict], keep_mine: Iterable[str], take_theirs: Iterable[str]
) -> dict:
    """Row id → side, from the user's choices among the rows that differ: full UUIDs, their first 8
    characters (as the report shows them), or ``all``."""
    every = [
        row_id
        for name, rows in theirs.items()
        for row_id, row in rows.items()
        if ours[name].get(row_id) != row
    ]
    chosen: dict[uuid.UUID, str] = {}
    for side, wanted in ((MINE, keep_mine), (THEIRS, take_theirs)):
        for text in wanted:
            text = text.strip().lower()
            if text == ALL:
                chosen.update(dict.fromkeys(every, side))
                continue
            matches = [
                row_id for row_id in every if str(row_id).startswith(text) or row_id.hex.startswith(text)
            ]
            if len(matches) != 1:
                raise errors.UserError(
                    f"« {text} » ne désigne pas une fiche de l'autre copie (ou en désigne plusieurs) : "
                    "donnez l'identifiant indiqué dans le rapport de fusion."
                )
            chosen[matches[0]] = side
    return chosen


@dataclass
class OtherCopy:
    """Everything the merge needs from the other file, read once from a private copy of it."""

    source: Path
    rows: dict[str, dict[uuid.UUID, dict[str, Any]]]
    tombstones: dict[uuid.UUID, Any]
    base: dict[uuid.UUID, tuple[int, dt.datetime]]


Step = Callable[[int, int, str], None]
STEPS = 3


def _no_progress(done: int, total: int, text: str) -> None:
    return None


def check_mergeable(db: Database, other: Path) -> None:
    """Refuse at once what cannot be merged into ``db`` (French ``UserError``): the open file itself,
    a missing file, a file this window may not write (read-only, or the one-writer lease held by
    another window)."""
    if _same_file(db, other):
        raise errors.UserError("C'est le fichier ouvert lui-même : choisissez la copie d'une autre commune.")
    if not other.exists():
        raise errors.DatabaseUnavailable(
            f"Le fichier « {other} » n'existe pas. Vérifiez son nom et son dossier."
        )
    if other.is_dir():
        raise errors.DatabaseUnavailable(
            f"« {other} » est un dossier : choisissez le fichier .sqlite de l'autre copie."
        )
    if db.read_only:
        raise errors.DatabaseReadOnly(
            db.read_only_message or "Ce fichier est ouvert en lecture seule : la fusion doit y écrire."
        )
    _check_lease(db)


def _check_lease(db: Database) -> None:
    """On a synced folder or a USB stick one window writes at a time: a fresh lease held by another
    window (another PC, or another program on this one) forbids the merge."""
    import os
    import socket

    from app.storage.presence import who_is_here

    if db.path is None:
        return
    here = socket.gethostname()[:120]
    for entry in who_is_here(db):
        if entry.writer and (entry.pid != os.getpid() or entry.workstation != here):
            raise errors.DatabaseReadOnly(
                f"Le fichier est en cours de modification par {entry.describe()} : une seule fenêtre "
                "peut y écrire à la fois sur ce dossier. Fusionnez quand elle aura été fermée."
            )


def read_copy(other: Path | str, progress: Step = _no_progress) -> OtherCopy:
    """The other copy's rows, tombstones and merge base, read from a private copy of it (the file
    itself is never modified, even when its schema is older and must be upgraded to be read).
    Refuses a file that is not ours, damaged, or written by a newer version of the application."""
    other = Path(other)
    progress(0, STEPS, "Lecture de l'autre copie…")
    folder = Path(tempfile.mkdtemp(prefix="achats-fusion-"))
    try:
        copy = _private_copy(other, folder)
        theirs_db = open_database(copy, backup=False)
        try:
            with theirs_db.session(write=False) as s:
                conn = s.connection()
                return OtherCopy(
                    other,
                    {t.name: _rows(conn, t) for t in _tables()},
                    _tombstones(conn),
                    _base(conn),
                )
        finally:
            theirs_db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def merge_into(
    conn: Connection,
    copy: OtherCopy,
    *,
    keep_mine: Iterable[str] = (),
    take_theirs: Iterable[str] = (),
    progress: Step = _no_progress,
) -> MergeReport:
    """Merge ``copy`` into the database of ``conn``, inside the caller's write transaction (which
    the caller rolls back for a dry run)."""
    report = MergeReport(source=str(copy.source))
    progress(1, STEPS, "Comparaison des deux copies…")
    _merge(conn, copy.rows, copy.tombstones, copy.base, report, (keep_mine, take_theirs))
    progress(STEPS, STEPS, "")
    log.info(
        "merged %s: %d added, %d updated, %d deleted, %d conflicts",
        copy.source,
        report.added,
        report.updated,
        report.deleted,
        len(report.conflicts),
    )
    return report


def merge_file(
    db: Database,
    other: Path | str,
    *,
    dry_run: bool = False,
    keep_mine: Iterable[str] = (),
    take_theirs: Iterable[str] = (),
    progress: Step = _no_progress,
) -> MergeReport:
    """Merge the copy at ``other`` into ``db`` (see the module docstring); ``dry_run`` reports what
    would change and writes nothing. A conflict is settled by naming its row (id or its first 8
    characters, or ``all``) in ``keep_mine`` (this file's values stay and count as agreed) or in
    ``take_theirs`` (the other copy's values replace them)."""
    from app.storage.database import backup_before

    other = Path(other)
    check_mergeable(db, other)
    copy = read_copy(other, progress)
    backup = None if dry_run else backup_before(db, "fusion")
    with db.session() as session:
        report = merge_into(
            session.connection(), copy, keep_mine=keep_mine, take_theirs=take_theirs, progress=progress
        )
        if dry_run:
            session.rollback()
    report.backup = str(backup) if backup else None
    return report


def _watermark(ours: dict[str, dict], theirs: dict[str, dict]) -> dt.datetime | None:
    """The newest ``updated_at`` among rows both copies hold alike: the copies parted after it."""
    newest = None
    for name, rows in ours.items():
        other = theirs[name]
        for row_id, row in rows.items():
            if other.get(row_id) == row and (newest is None or row["updated_at"] > newest):
                newest = row["updated_at"]
    return newest


def _merge(
    conn: Connection,
    theirs: dict[str, dict],
    their_tombs: dict,
    their_base: dict,
    report: MergeReport,
    choices: tuple[Iterable[str], Iterable[str]],
) -> None:
    tables = _tables()
    ours = {t.name: _rows(conn, t) for t in tables}
    resolve = _resolutions(ours, theirs, *choices)
    our_tombs = _tombstones(conn)
    base_table = Base.metadata.tables["merge_base"]
    base = _base(conn)
    report.first_merge = not base and not their_base
    watermark = _watermark(ours, theirs) if report.first_merge else None

    def changed(row: dict[str, Any], first: dict, second: dict) -> bool:
        """Whether a side changed ``row`` since the other side last saw it: ``first`` holds the states
        of this side's rows that the other side accounted for; ``second`` is the fallback."""
        for known_states in (first, second):
            known = known_states.get(row["id"])
            if known is not None:
                return _state(row) != known
        if base or their_base:  # a row that appeared since the last merge, or was never alike
            return True
        # strictly after: the demo and imports stamp many rows with one same second
        return watermark is None or row["updated_at"] > watermark

    def changed_here(row: dict[str, Any]) -> bool:
        return changed(row, their_base, base)

    def changed_there(row: dict[str, Any]) -> bool:
        return changed(row, base, their_base)

    audit = Base.metadata.tables["audit_entry"].name
    our_changes, their_changes = _last_changes(ours[audit]), _last_changes(theirs[audit])
    labels: dict[uuid.UUID, str] = {}

    def conflict(table: Table, row: dict, reason: str, here: dict | None, there: dict | None) -> None:
        if not labels:  # linked records named in the differences, from either copy
            for source in (theirs, ours):
                for t in tables:
                    for row_id, linked in source[t.name].items():
                        labels.setdefault(row_id, _label(t, linked))
        deleted = {"id": row["id"], "contract_id": row.get("contract_id")}
        report.conflicts.append(
            MergeConflict(
                table.name,
                row["id"],
                _label(table, row),
                reason,
                here["updated_at"] if here else None,
                there["updated_at"] if there else None,
                _differences(table, here, there, labels) if here and there else (),
                _changed_by(our_changes, here or deleted),
                _changed_by(their_changes, there or deleted),
                reason == BOTH_CHANGED,
            )
        )

    # Deletions first, children before parents: what the database does on its own when a row goes
    # (cascades, SET NULL) then happens here as it did there, before the rows are compared.
    doomed: list[tuple[Table, dict]] = []
    for table in tables:
        other = theirs[table.name]
        for row_id, here in ours[table.name].items():
            tomb = their_tombs.get(row_id)
            if row_id in other or tomb is None:
                continue  # new here, or still there
            if changed_here(here) and here["version"] > tomb.version:
                conflict(table, here, "supprimé dans l'autre copie mais modifié ici", here, None)
            else:
                doomed.append((table, here))
    for table, here in reversed(doomed):
        report.count(
            table.name, "deleted", conn.execute(delete(table).where(table.c.id == here["id"])).rowcount or 0
        )
    if doomed:
        ours = {t.name: _rows(conn, t) for t in tables}

    alike: dict[uuid.UUID, tuple[int, dt.datetime]] = {}
    for table in tables:  # parents before children
        mine, other = ours[table.name], theirs[table.name]
        for row_id, there in other.items():
            here = mine.get(row_id)
            if here is None:
                tomb = our_tombs.get(row_id)
                if tomb is None:
                    if _write(conn, table, there, insert_row=True, report=report, conflict=conflict):
                        report.count(table.name, "added")
                        alike[row_id] = _state(there)
                elif there["version"] > tomb.version:
                    conflict(table, there, "supprimé ici mais modifié dans l'autre copie", None, there)
                continue
            if here == there:
                report.unchanged += 1
                alike[row_id] = _state(here)
                continue
            here_changed, there_changed = changed_here(here), changed_there(there)
            if there_changed and not here_changed:
                if _write(conn, table, there, insert_row=False, report=report, conflict=conflict, here=here):
                    report.count(table.name, "updated")
                    alike[row_id] = _state(there)
            elif here_changed and not there_changed:
                report.unchanged += 1  # ours is the newer: the other copy will get it from us
                alike[row_id] = _state(there)  # their state is accounted for
            elif resolve.get(row_id) == THEIRS:
                if _write(conn, table, there, insert_row=False, report=report, conflict=conflict, here=here):
                    report.count(table.name, "updated")
                    alike[row_id] = _state(there)
            elif resolve.get(row_id) == MINE:
                report.unchanged += 1
                alike[row_id] = _state(there)  # settled: their state no longer counts as a change
                if _state(here) == _state(there):
                    # both saved the same version in the same second: ours must read as changed since
                    _newer(conn, table, here)
            else:
                conflict(table, here, BOTH_CHANGED, here, there)
    _record_tombstones(conn, their_tombs, our_tombs, ours)
    _record_base(conn, base_table, alike)


def _newer(conn: Connection, table: Table, row: dict) -> None:
    later = max(utcnow(), row["updated_at"] + dt.timedelta(seconds=1))
    conn.execute(
        update(table).where(table.c.id == row["id"]).values(version=row["version"] + 1, updated_at=later)
    )


def _write(
    conn: Connection,
    table: Table,
    row: dict,
    *,
    insert_row: bool,
    report: MergeReport,
    conflict,  # noqa: ANN001
    here: dict | None = None,
) -> bool:
    """Insert or overwrite one row in a savepoint: a row that breaks a rule here (same reference as
    another contract of this file, a parent deleted here) becomes a conflict, not a failed merge."""
    try:
        with conn.begin_nested():
            if insert_row:
                conn.execute(insert(table).values(**row))
            else:
                values = {k: v for k, v in row.items() if k != "id"}
                conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
    except IntegrityError as exc:
        log.info("merge: %s %s not written: %s", table.name, row["id"], exc.orig)
        reason = (
            "ne peut pas être ajouté ici (même référence qu'une autre fiche, ou fiche liée supprimée ici)"
            if insert_row
            else "ne peut pas être mis à jour ici (même référence qu'une autre fiche, ou fiche liée supprimée ici)"
        )
        conflict(table, row, reason, here, row)
        return False
    return True


def _record_tombstones(conn: Connection, their_tombs: dict, our_tombs: dict, ours: dict[str, dict]) -> None:
    """Their tombstones of rows this file never had travel on (a third copy may still have them)."""
    held = set().union(*(rows.keys() for rows in ours.values()))
    tomb = Base.metadata.tables["tombstone"]
    missing = [
        {"row_id": t.row_id, "entity": t.entity, "version": t.version, "deleted_at": t.deleted_at}
        for row_id, t in their_tombs.items()
        if row_id not in our_tombs and row_id not in held
    ]
    present = {r for (r,) in conn.execute(select(tomb.c.row_id))}
    missing = [m for m in missing if m["row_id"] not in present]
    for chunk in _chunks(missing, 500):
        conn.execute(insert(tomb), chunk)


def _record_base(conn: Connection, base_table: Table, alike: dict) -> None:
    old = {r.row_id: (r.version, r.updated_at) for r in conn.execute(select(base_table))}
    stale = [row_id for row_id, state in old.items() if row_id in alike and alike[row_id] != state]
    for chunk in _chunks(stale, 500):
        conn.execute(delete(base_table).where(base_table.c.row_id.in_(chunk)))
    fresh = [
        {"row_id": row_id, "version": state[0], "updated_at": state[1]}
        for row_id, state in alike.items()
        if old.get(row_id) != state
    ]
    for chunk in _chunks(fresh, 500):
        conn.execute(insert(base_table), chunk)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
