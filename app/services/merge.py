"""Merging another town's copy of the register into the open file (menu Fichier and ``merge``).

Two use cases over ``app.storage.merge``: ``preview_merge`` says what a merge would do (one write
unit rolled back: nothing is kept), ``merge_copy`` does it after a backup and records it in the
audit trail. Both read the other file first, outside the write lock (a private copy of it), so the
lock is held only for the comparison and the writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from app.model import Base
from app.services import audit
from app.storage import merge as storage
from app.storage.database import Database, backup_before
from app.storage.merge import ENTITY_NAMES, FieldDifference, MergeConflict, MergeReport  # noqa: F401 - for the dialog

Step = Callable[[int, int, str], None]


def _quiet(done: int, total: int, text: str) -> None:
    return None


def preview_merge(
    db: Database,
    other: Path | str,
    *,
    keep_mine: Iterable[str] = (),
    take_theirs: Iterable[str] = (),
    progress: Step = _quiet,
) -> MergeReport:
    """What merging ``other`` would add, take, delete, and which conflicts it would list; nothing
    is written (the comparison runs in a write unit that is rolled back)."""
    other = Path(other)
    storage.check_mergeable(db, other)
    copy = storage.read_copy(other, progress)
    with db.write() as session:
        report = storage.merge_into(
            session.connection(), copy, keep_mine=keep_mine, take_theirs=take_theirs, progress=progress
        )
        session.rollback()
    return report


def merge_copy(
    db: Database,
    other: Path | str,
    *,
    keep_mine: Iterable[str] = (),
    take_theirs: Iterable[str] = (),
    user_name: str = "",
    progress: Step = _quiet,
) -> MergeReport:
    """Merge ``other`` into ``db``: a backup of this file first (its path in the report), then one
    transaction; conflicts are settled by row id (or ``all``) in ``keep_mine`` / ``take_theirs``.
    A merge that changed records is recorded in the audit trail (one that changed nothing writes
    nothing, so that merging twice changes nothing)."""
    other = Path(other)
    storage.check_mergeable(db, other)
    copy = storage.read_copy(other, progress)
    backup = backup_before(db, "fusion")
    with db.write() as session:
        report = storage.merge_into(
            session.connection(), copy, keep_mine=keep_mine, take_theirs=take_theirs, progress=progress
        )
        if _data_changed(report):
            audit.record(
                session,
                "merge",
                None,
                "merge",
                {
                    "fichier": other.name,
                    "ajoutées": report.added,
                    "mises à jour": report.updated,
                    "supprimées": report.deleted,
                    "conflits laissés": len(report.conflicts),
                },
                user_name,
            )
    report.backup = str(backup) if backup else None
    return report


def _data_changed(report: MergeReport) -> bool:
    """Whether the merge changed records, not only brought the other copy's audit entries (a merge
    recorded on each side would otherwise travel back and forth for ever)."""
    trail = report.by_kind.get("audit_entry", {})
    return report.changed > sum(trail.values())


def kinds_in_order() -> list[str]:
    """Every kind of record a merge reports, parents first (the order of the summary table)."""
    return [t.name for t in Base.metadata.sorted_tables if t.name not in storage.NOT_MERGED]
