"""``merge OTHER_FILE``: rows by UUID, one-sided changes taken, deletions as tombstones, conflicts
listed and left, idempotent, a backup first, the other file untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text, update

from app import errors
from app.model import Base, Department, Supplier, Tombstone, utcnow
from app.services.organisations import create_organisation
from app.storage import create_database, open_database
from app.storage.merge import merge_file

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 1, 8, 0, 0)


def sid(i: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_OID, f"supplier-{i}")


NUMBER = {sid(i): i for i in range(10)}


@pytest.fixture
def copies(tmp_path):
    """Town A's and town B's copies of one file holding 10 suppliers and an organisation."""
    base = tmp_path / "base.sqlite"
    db = create_database(base)
    org = create_organisation(db, "Commune de Base")
    with db.session() as s:
        s.execute(
            insert(Supplier),
            [
                {
                    "id": sid(i),
                    "name": f"F{i}",
                    "normalized_name": f"f{i}",
                    "created_at": T0,
                    "updated_at": T0,
                }
                for i in range(10)
            ],
        )
    db.dispose()
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    shutil.copyfile(base, a)
    shutil.copyfile(base, b)
    return a, b, org


def edit(path: Path, minutes: int, **names: str) -> None:
    """Rename suppliers (``s3="x"``) as a save made ``minutes`` after now would."""
    db = open_database(path, backup=False)
    later = utcnow() + dt.timedelta(minutes=minutes)
    with db.session() as s:
        for key, name in names.items():
            s.execute(
                update(Supplier)
                .where(Supplier.id == sid(int(key[1:])))
                .values(name=name, version=Supplier.version + 1, updated_at=later)
            )
    db.dispose()


def remove(path: Path, *numbers: int) -> None:
    db = open_database(path, backup=False)
    with db.session() as s:
        s.execute(delete(Supplier).where(Supplier.id.in_([sid(i) for i in numbers])))
    db.dispose()


def names(path: Path) -> dict[int, str]:
    db = open_database(path, backup=False)
    with db.session(write=False) as s:
        rows = s.execute(select(Supplier.id, Supplier.name)).all()
    db.dispose()
    return {NUMBER[r.id]: r.name for r in rows if r.id in NUMBER}


def content(path: Path) -> str:
    """Every data row of every table, as text (the bookkeeping tables left out)."""
    db = open_database(path, backup=False)
    out = []
    with db.session(write=False) as s:
        for table in Base.metadata.sorted_tables:
            if table.name in ("merge_base", "presence"):
                continue
            out.append(sorted(str(tuple(r)) for r in s.execute(select(table))))
    db.dispose()
    return hashlib.sha256(json.dumps(out).encode()).hexdigest()


def merge(a: Path, b: Path, **kw):
    db = open_database(a, backup=False)
    try:
        return merge_file(db, b, **kw)
    finally:
        db.dispose()


def test_changes_of_each_side_travel_and_conflicts_stay(copies):
    a, b, org = copies
    edit(a, 1, s1="F1 (A)", s5="F5 (A)")
    edit(b, 2, s2="F2 (B)", s5="F5 (B)")
    remove(b, 7)
    db = open_database(b, backup=False)
    with db.session() as s:
        s.add(Department(organisation_id=org, name="Service né chez B"))
    db.dispose()
    other_before = hashlib.sha256(b.read_bytes()).hexdigest()

    report = merge(a, b)

    got = names(a)
    assert got[1] == "F1 (A)"  # changed here only: kept
    assert got[2] == "F2 (B)"  # changed there only: taken
    assert got[5] == "F5 (A)"  # changed on both sides: left as it is here...
    assert [(c.entity, c.row_id, c.reason) for c in report.conflicts] == [
        ("supplier", sid(5), "modifié des deux côtés")
    ]  # ...and listed
    assert "F5" in report.conflicts[0].describe()
    assert 7 not in got  # deleted there, untouched here: deleted
    assert (report.added, report.updated, report.deleted) == (1, 1, 1)
    assert report.backup and Path(report.backup).exists()  # a backup before
    assert hashlib.sha256(b.read_bytes()).hexdigest() == other_before  # the other file is untouched

    after_first = content(a)
    again = merge(a, b)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert [c.row_id for c in again.conflicts] == [sid(5)]
    assert content(a) == after_first  # merging the same file twice changes nothing


def test_the_way_back_brings_the_other_town_up_to_date(copies):
    a, b, _ = copies
    edit(a, 1, s1="F1 (A)")
    edit(b, 2, s2="F2 (B)")
    merge(a, b)
    report = merge(b, a)  # B receives A's file, which now holds both towns' edits
    assert report.conflicts == []
    assert names(b) == names(a)
    assert merge(a, b).changed == 0


def test_deleted_on_one_side_changed_on_the_other_is_a_conflict(copies):
    a, b, _ = copies
    remove(a, 3)
    edit(b, 2, s3="F3 (B)", s4="F4 (B)")
    remove(b, 4)  # B changed, then deleted: nothing for A to keep
    report = merge(a, b)
    assert 3 not in names(a) and 4 not in names(a)
    assert [(c.row_id, c.reason) for c in report.conflicts] == [
        (sid(3), "supprimé ici mais modifié dans l'autre copie")
    ]
    edit(a, 3, s6="F6 (A)")
    remove(b, 6)
    report = merge(a, b)
    assert names(a)[6] == "F6 (A)"
    assert (sid(6), "supprimé dans l'autre copie mais modifié ici") in [
        (c.row_id, c.reason) for c in report.conflicts
    ]


def test_tombstones_record_cascaded_deletions(copies):
    a, _, org = copies
    db = open_database(a, backup=False)
    with db.session() as s:
        count = s.scalar(select(text("count(*)")).select_from(Department))
        s.execute(text("DELETE FROM organisation"))  # cascades to its departments
    with db.session(write=False) as s:
        kinds = [t.entity for t in s.scalars(select(Tombstone))]
    db.dispose()
    assert kinds.count("organisation") == 1 and kinds.count("department") == count > 0


def test_a_conflict_is_settled_by_the_user(copies):
    a, b, _ = copies
    edit(a, 1, s5="F5 (A)", s6="F6 (A)")
    edit(b, 2, s5="F5 (B)", s6="F6 (B)")
    first = merge(a, b)
    assert {c.row_id for c in first.conflicts} == {sid(5), sid(6)}
    settled = merge(a, b, take_theirs=[str(sid(5))[:8]], keep_mine=[str(sid(6))])
    assert settled.conflicts == [] and settled.updated == 1
    assert names(a)[5] == "F5 (B)" and names(a)[6] == "F6 (A)"
    assert merge(a, b).conflicts == []  # settled for good
    with pytest.raises(errors.UserError):
        merge(a, b, keep_mine=["zzzz"])


def test_dry_run_writes_nothing(copies):
    a, b, _ = copies
    edit(b, 2, s2="F2 (B)")
    before = content(a)
    report = merge(a, b, dry_run=True)
    assert report.updated == 1 and content(a) == before


def test_refusals(copies, tmp_path):
    a, _, _ = copies
    with pytest.raises(errors.UserError):
        merge(a, a)
    with pytest.raises(errors.DatabaseUnavailable):
        merge(a, tmp_path / "absent.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("pas une base")
    with pytest.raises(errors.NotADatabase):
        merge(a, junk)


def test_cli_merge_in_french(copies):
    a, b, _ = copies
    edit(a, 1, s5="F5 (A)")
    edit(b, 2, s2="F2 (B)", s5="F5 (B)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "app", "merge", "--db", str(a), str(b)]
    result = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "mises à jour : 1" in result.stdout and "1 conflit laissé tel quel" in result.stdout
    assert f"[{str(sid(5))[:8]}]" in result.stdout and "Sauvegarde faite avant" in result.stdout
    again = subprocess.run([*run, "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    data = json.loads(again.stdout)
    assert (data["added"], data["updated"], data["deleted"]) == (0, 0, 0)
    assert [c["id"] for c in data["conflicts"]] == [str(sid(5))]


@pytest.mark.postgresql
def test_a_file_merged_into_a_server_base(pg_database, copies):
    """A town's file brought into a (new) base on the server: everything it holds is added."""
    a, _, _ = copies
    db = pg_database("empty")
    report = merge_file(db, a)
    assert report.added > 10
    with db.session(write=False) as s:
        assert s.scalar(select(text("count(*)")).select_from(Supplier)) == 10
    assert merge_file(db, a).changed == 0
