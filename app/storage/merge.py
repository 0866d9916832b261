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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import errors
from app.model import Base
from app.storage.database import Database, open_database

log = logging.getLogger(__name__)

# Bookkeeping of the sharing itself: never merged as data.
NOT_MERGED = frozenset({"tombstone", "merge_base", "presence"})
LABEL_COLUMNS = ("reference", "number", "name", "code", "label", "key", "object")
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
}


@dataclass(frozen=True)
class MergeConflict:
    entity: str
    row_id: uuid.UUID
    label: str
    reason: str
    here_updated_at: dt.datetime | None
    there_updated_at: dt.datetime | None

    def describe(self) -> str:
        kind = ENTITY_NAMES.get(self.entity, self.entity)
        when = " ; ".join(
            f"{side} le {moment:%d/%m/%Y à %H:%M}"
            for side, moment in (("ici", self.here_updated_at), ("dans l'autre copie", self.there_updated_at))
            if moment is not None
        )
        return f"{kind} « {self.label} » : {self.reason}" + (f" (modifié {when})" if when else "")


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

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_MERGED]


def _label(table: Table, row: dict[str, Any]) -> str:
    for name in LABEL_COLUMNS:
        value = row.get(name)
        if value not in (None, ""):
            return str(value)[:80]
    return str(row["id"])[:8]


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


def merge_file(
    db: Database,
    other: Path | str,
    *,
    dry_run: bool = False,
    keep_mine: Iterable[str] = (),
    take_theirs: Iterable[str] = (),
) -> MergeReport:
    """Merge the copy at ``other`` into ``db`` (see the module docstring); ``dry_run`` reports what
    would change and writes nothing. A conflict is settled by naming its row (id or its first 8
    characters, or ``all``) in ``keep_mine`` (this file's values stay and count as agreed) or in
    ``take_theirs`` (the other copy's values replace them)."""
    other = Path(other)
    if _same_file(db, other):
        raise errors.UserError("C'est le fichier ouvert lui-même : choisissez la copie d'une autre commune.")
    if not other.exists():
        raise errors.DatabaseUnavailable(
            f"Le fichier « {other} » n'existe pas. Vérifiez son nom et son dossier."
        )
    if db.read_only:
        raise errors.DatabaseReadOnly(
            db.read_only_message or "Ce fichier est ouvert en lecture seule : la fusion doit y écrire."
        )
    folder = Path(tempfile.mkdtemp(prefix="achats-fusion-"))
    try:
        copy = _private_copy(other, folder)
        theirs_db = open_database(copy, backup=False)
        try:
            with theirs_db.session(write=False) as s:
                conn = s.connection()
                theirs = {t.name: _rows(conn, t) for t in _tables()}
                their_tombs = _tombstones(conn)
                their_base = _base(conn)
        finally:
            theirs_db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    report = MergeReport(source=str(other))
    if not dry_run:
        from app.storage.database import backup_before

        backup = backup_before(db, "fusion")
        report.backup = str(backup) if backup else None
    with db.session() as session:
        conn = session.connection()
        _merge(conn, theirs, their_tombs, their_base, report, (keep_mine, take_theirs))
        if dry_run:
            session.rollback()
    log.info(
        "merged %s: %d added, %d updated, %d deleted, %d conflicts",
        other,
        report.added,
        report.updated,
        report.deleted,
        len(report.conflicts),
    )
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

    def conflict(table: Table, row: dict, reason: str, here: dict | None, there: dict | None) -> None:
        report.conflicts.append(
            MergeConflict(
                table.name,
                row["id"],
                _label(table, row),
                reason,
                here["updated_at"] if here else None,
                there["updated_at"] if there else None,
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
        report.deleted += conn.execute(delete(table).where(table.c.id == here["id"])).rowcount or 0
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
                        report.added += 1
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
                if _write(conn, table, there, insert_row=False, report=report, conflict=conflict):
                    report.updated += 1
                    alike[row_id] = _state(there)
            elif here_changed and not there_changed:
                report.unchanged += 1  # ours is the newer: the other copy will get it from us
                alike[row_id] = _state(there)  # their state is accounted for
            elif resolve.get(row_id) == THEIRS:
                if _write(conn, table, there, insert_row=False, report=report, conflict=conflict):
                    report.updated += 1
                    alike[row_id] = _state(there)
            elif resolve.get(row_id) == MINE:
                report.unchanged += 1
                alike[row_id] = _state(there)  # settled: their state no longer counts as a change
            else:
                conflict(table, here, "modifié des deux côtés", here, there)
    _record_tombstones(conn, their_tombs, our_tombs, ours)
    _record_base(conn, base_table, alike)


def _write(
    conn: Connection, table: Table, row: dict, *, insert_row: bool, report: MergeReport, conflict
) -> bool:  # noqa: ANN001
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
        conflict(table, row, reason, None, row)
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
