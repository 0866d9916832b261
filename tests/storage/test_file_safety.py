"""Defects about one file shared by several towns, each reproduced first: backups of
other databases rotated away, a leftover journal reported as damage, read-only files refused,
``init`` on an existing file, a schema-less file migrated without backup, unwritable home folder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from app import errors
from app.cli import main
from app.services.organisations import create_organisation
from app.storage import create_database, open_database
from app.storage.backup import database_identity, list_backups
from app.storage.database import backup_database

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_town(path: Path, name: str):
    db = create_database(path)
    create_organisation(db, name)
    return db


def integrity_ok(path: Path) -> bool:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


# 1. Backups are named and rotated per database, not per file name -------------------------------


def test_two_towns_with_the_same_file_name_keep_their_own_backups(tmp_path):
    folder = tmp_path / "sauvegardes"
    town_a = make_town((tmp_path / "a").mkdir() or tmp_path / "a" / "achats.sqlite", "Commune A")
    town_b = make_town((tmp_path / "b").mkdir() or tmp_path / "b" / "achats.sqlite", "Commune B")
    assert database_identity(town_a.path) != database_identity(town_b.path)
    before_migration = backup_database(town_a, folder, reason="avant-mise-a-jour")
    a_backups = [backup_database(town_a, folder) for _ in range(3)]
    for _ in range(15):  # town B backs up many times: town A's backups must all survive
        backup_database(town_b, folder)
    assert before_migration.exists()
    assert all(p.exists() for p in a_backups)
    assert len(list_backups(folder, town_b.path)) == 10
    assert set(list_backups(folder, town_a.path)) == {before_migration, *a_backups}
    assert integrity_ok(before_migration)
    town_a.dispose()
    town_b.dispose()


def test_pre_migration_backup_survives_many_ordinary_backups_of_the_same_file(new_db, tmp_path):
    folder = tmp_path / "sauvegardes"
    before_migration = backup_database(new_db, folder, reason="avant-mise-a-jour")
    for _ in range(12):
        backup_database(new_db, folder, reason="ouverture")
    assert before_migration.exists()
    assert len([p for p in list_backups(folder, new_db.path) if "ouverture" in p.name]) == 10


def test_identity_is_stable_and_follows_the_file_content(new_db, tmp_path):
    first = database_identity(new_db.path)
    with new_db.session() as session:
        from app.model import Department

        session.add(Department(organisation_id=new_db.organisation_id, name="Nouveau service"))
    assert database_identity(new_db.path) == first  # edits do not change who the file is
    other = make_town(tmp_path / "autre.sqlite", "Commune de Test")
    assert database_identity(other.path) != first
    other.dispose()


# 2. A leftover journal is not damage for someone who cannot roll it back ------------------------

KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sqlite3
    con = sqlite3.connect({path!r}, isolation_level=None)
    con.execute("PRAGMA cache_size=1")
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT INTO department (id, organisation_id, name, created_at, updated_at, version)"
                    " VALUES (randomblob(16), ?, 'x' || ?, '2026-01-01', '2026-01-01', 1)",
                    [({org!r}, i) for i in range(20000)])
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def leave_hot_journal(db) -> Path:
    org = db.organisation_id.hex
    subprocess.run([sys.executable, "-c", KILLED_WRITER.format(path=str(db.path), org=org)], check=False)
    journal = Path(f"{db.path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    return journal


def test_reader_without_write_access_is_told_another_computer_was_interrupted(new_db):
    new_db.dispose()
    journal = leave_hot_journal(new_db)
    os.chmod(new_db.path, stat.S_IRUSR | stat.S_IRGRP)
    before = digest(new_db.path)
    try:
        with pytest.raises(errors.UserError) as caught:
            open_database(new_db.path)
    finally:
        os.chmod(new_db.path, stat.S_IRUSR | stat.S_IWUSR)
    assert not isinstance(caught.value, errors.DatabaseCorrupt)
    message = caught.value.message
    assert "autre ordinateur" in message and "interrompu" in message
    assert "droit" in message and "répar" in message
    assert "Restaurez" not in message and "endommagé" not in message
    assert digest(new_db.path) == before and journal.exists()
    # The owner's next opening repairs it: the journal is rolled back, the file is whole.
    db = open_database(new_db.path)
    assert not journal.exists()
    db.dispose()
    assert integrity_ok(new_db.path)


# 3. A read-only file opens read-only: consult, check, export work; writes say why not ------------


@pytest.fixture
def read_only_demo(tmp_path):
    from tests.conftest import DEMO

    path = tmp_path / "lecture-seule.sqlite"
    path.write_bytes(DEMO.read_bytes())
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    yield path
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_read_only_file_can_be_checked_consulted_and_exported(read_only_demo, tmp_path, capsys):
    before = digest(read_only_demo)
    code, out, err = run(capsys, "check", "--db", str(read_only_demo))
    assert (code, err) == (0, ""), err
    assert "correcte" in out
    code, out, err = run(
        capsys,
        "cotation",
        "due",
        "--year",
        "2027",
        "--db",
        str(read_only_demo),
        "--org",
        "Commune de Val-des-Saules",
    )
    assert code == 0, err
    out_file = tmp_path / "marches.xlsx"
    code, _, err = run(
        capsys,
        "export",
        "contracts",
        "--out",
        str(out_file),
        "--db",
        str(read_only_demo),
        "--org",
        "Commune de Val-des-Saules",
    )
    assert code == 0, err
    assert out_file.stat().st_size > 0
    assert digest(read_only_demo) == before


def test_write_to_a_read_only_file_gives_a_clear_french_message(read_only_demo):
    from app.model import Department
    from app.services.organisations import find_organisation

    db = open_database(read_only_demo)
    assert db.read_only
    org = find_organisation(db, "Commune de Val-des-Saules").id
    with pytest.raises(errors.DatabaseReadOnly, match="lecture seule") as caught, db.session() as session:
        session.add(Department(organisation_id=org, name="Refusé"))
    assert "n'a pas été enregistrée" in caught.value.message
    db.dispose()


def test_read_only_file_that_needs_an_upgrade_is_refused_without_writing(tmp_path):
    path = tmp_path / "ancien.sqlite"
    create_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")
    con.commit()
    con.close()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    before = digest(path)
    try:
        with pytest.raises(errors.DatabaseReadOnly, match="mis à jour"):
            open_database(path)
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert digest(path) == before


# 5. init on an existing file refuses -------------------------------------------------------------


def test_init_on_an_existing_file_refuses_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    assert run(capsys, "init", "--db", str(path), "--org", "Commune de Test")[0] == 0
    before = digest(path)
    code, out, err = run(capsys, "init", "--db", str(path), "--org", "Commune de Test")
    assert code == 1
    assert "existe déjà" in err and "Base créée" not in out
    assert digest(path) == before


def test_failed_init_leaves_no_file(tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    code, _, err = run(capsys, "init", "--db", str(path), "--org", "X", "--siret", "21590163800018")
    assert code == 1 and "clé de contrôle" in err
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


# 6. A file with our application id but no schema is backed up before being migrated --------------


def test_schema_less_file_of_ours_is_backed_up_before_migration(tmp_path):
    from app.paths import backups_dir
    from app.storage.database import APPLICATION_ID

    path = tmp_path / "vide.sqlite"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
    con.execute("CREATE TABLE note (texte TEXT)")  # something of the user's that must be kept
    con.execute("INSERT INTO note VALUES ('à garder')")
    con.commit()
    con.close()
    open_database(path).dispose()
    backups = list_backups(backups_dir(), path)
    assert any("avant-mise-a-jour" in p.name for p in backups)
    kept = sqlite3.connect(next(p for p in backups if "avant-mise-a-jour" in p.name))
    assert kept.execute("SELECT texte FROM note").fetchall() == [("à garder",)]
    kept.close()


# 7. Unwritable home or log folder: a French message and the command still runs ------------------


@pytest.mark.parametrize("blocked", ["home", "log"])
def test_unwritable_home_or_log_folder_gives_french_message_and_command_runs(tmp_path, blocked):
    """A file where the folder should be: unwritable even for root (chmod does not stop root)."""
    from tests.conftest import DEMO

    home = tmp_path / "home"
    if blocked == "home":
        tmp_path.joinpath("pas-un-dossier").write_text("un fichier là où le dossier devrait être")
        home = tmp_path / "pas-un-dossier" / "home"
    else:
        home.mkdir()
        (home / "log").write_text("un fichier là où le dossier du journal devrait être")
    env = dict(os.environ, ACHATS_DURABLES_HOME=str(home), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "app", "check", "--db", str(DEMO)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "dossier" in proc.stderr and "temporaire" in proc.stderr
    assert "correcte" in proc.stdout
    assert list((tmp_path / "tmp").glob("AchatsDurables-*/log/*.log"))


# 8. Backups at every open, before restore -------------------------------------------------------


def test_opening_a_file_backs_it_up_once_per_change(new_db):
    from app.model import Department
    from app.paths import backups_dir

    def opening_backups():
        return [p for p in list_backups(backups_dir(), new_db.path) if "ouverture" in p.name]

    open_database(new_db.path).dispose()
    assert len(opening_backups()) == 1
    open_database(new_db.path).dispose()  # unchanged since the last backup: nothing new to keep
    assert len(opening_backups()) == 1
    with new_db.session() as session:
        session.add(Department(organisation_id=new_db.organisation_id, name="Nouveau service"))
    os.utime(new_db.path, (os.stat(new_db.path).st_atime, os.stat(new_db.path).st_mtime + 2))
    open_database(new_db.path).dispose()
    assert len(opening_backups()) == 2


def test_backup_before_an_action_is_kept_apart_from_ordinary_backups(new_db):
    from app.storage.database import backup_before

    before_import = backup_before(new_db, "import")
    for _ in range(11):
        backup_database(new_db, reason="ouverture")
    assert before_import.exists() and "avant-import" in before_import.name
    assert integrity_ok(before_import)


def test_restore_backs_up_the_current_file_first(new_db, tmp_path):
    from app.model import Department
    from app.paths import backups_dir
    from app.storage.restore import restore_backup

    backup = backup_database(new_db, tmp_path / "bk")
    with new_db.session() as session:
        session.add(Department(organisation_id=new_db.organisation_id, name="Ajouté après"))
    new_db.dispose()
    restore_backup(backup, new_db.path)
    safety = [p for p in list_backups(backups_dir(), new_db.path) if "avant-restauration" in p.name]
    assert len(safety) == 1
    con = sqlite3.connect(safety[0])
    assert con.execute("SELECT count(*) FROM department WHERE name = 'Ajouté après'").fetchone() == (1,)
    con.close()


def test_read_only_window_open_when_another_computer_crashes_is_told_so(new_db):
    os.chmod(new_db.path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        reader = open_database(new_db.path)
        assert reader.read_only
        leave_hot_journal(new_db)  # another PC (with write access) is killed mid-save meanwhile
        with (
            pytest.raises(errors.InterruptedWrite, match="autre ordinateur"),
            reader.session(write=False) as s,
        ):
            s.execute(text("SELECT count(*) FROM department")).scalar()
        reader.dispose()
    finally:
        os.chmod(new_db.path, stat.S_IRUSR | stat.S_IWUSR)
    open_database(new_db.path).dispose()  # the owner's opening repairs it
    assert integrity_ok(new_db.path)


def test_a_file_appearing_during_creation_is_never_overwritten(tmp_path):
    from app.storage.database import create_database_with

    target = tmp_path / "achats.sqlite"

    def someone_else_creates_it_meanwhile(db):
        target.write_text("le fichier d'un collègue")

    with pytest.raises(errors.UserError, match="existe déjà"):
        create_database_with(target, someone_else_creates_it_meanwhile)
    assert target.read_text() == "le fichier d'un collègue"
    assert [p.name for p in tmp_path.iterdir()] == ["achats.sqlite"]


def test_leftovers_of_a_killed_creation_are_cleaned_once_old(tmp_path):
    from app.storage.database import create_database_with

    old = tmp_path / ".achats.sqlite.0123456789ab.en-creation"
    young = tmp_path / ".achats.sqlite.ba9876543210.en-creation"
    for leftover in (old, young):
        leftover.write_bytes(b"half")
    os.utime(old, (0, 0))
    create_database_with(tmp_path / "achats.sqlite", lambda db: None)
    assert not old.exists() and young.exists()  # a young one may be another PC's creation in progress
    assert integrity_ok(tmp_path / "achats.sqlite")


# Restore: a damaged file is set aside and the latest sound backup of *this* database comes back --


def test_damaged_file_is_restored_from_its_own_latest_backup(tmp_path, capsys):
    import json

    path = tmp_path / "achats.sqlite"
    assert run(capsys, "init", "--db", str(path), "--org", "Commune de Test")[0] == 0
    assert run(capsys, "check", "--db", str(path))[0] == 0  # the opening backs it up
    other = tmp_path / "autre" / "achats.sqlite"  # same name, another town: never restored here
    other.parent.mkdir()
    assert run(capsys, "init", "--db", str(other), "--org", "Commune Voisine")[0] == 0
    assert run(capsys, "check", "--db", str(other))[0] == 0
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree is destroyed
    path.write_bytes(bytes(data))
    code, _, err = run(capsys, "check", "--db", str(path))
    assert code == 1 and "endommagé" in err
    code, out, err = run(capsys, "restore", "--db", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert Path(result["damaged_set_aside"]).name.startswith("achats.endommage-")
    assert Path(result["damaged_set_aside"]).read_bytes() == bytes(data)
    code, out, _ = run(capsys, "check", "--db", str(path), "--json")
    assert code == 0 and json.loads(out)["counts"]["organisation"] == 1
    con = sqlite3.connect(path)
    assert con.execute("SELECT name FROM organisation").fetchall() == [("Commune de Test",)]
    con.close()
    code, out, _ = run(capsys, "restore", "--db", str(path), "--list")
    assert code == 0 and "ouverture" in out
