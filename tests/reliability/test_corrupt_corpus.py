"""RELIABILITY R9 at its size: a corpus of 60 damaged files (50 seeded byte flips in the header and
the b-tree pages, truncated files, a 0-byte file, files that are not SQLite, SQLite files of another
program, scribbled pages): the app answers each with a French ``UserError`` (a damaged file with the
way to restore its last backup) or opens a file SQLite finds sound; it never crashes, never writes
to the bad file; in the window, opening any of them shows a message and keeps the file that was
open. A file paired with another database's hot journal keeps its own data (the journal is set aside),
and a genuine hot journal of the file is still rolled back.
Seeds are in the test ids, so a failure replays."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import DatabaseCorrupt, UserError
from app.storage import create_database, open_database
from app.storage.integrity import check_database

FLIPS = 50


@pytest.fixture(scope="module")
def sound(tmp_path_factory) -> Path:
    """A healthy file made by the services: an organisation and 30 contracts."""
    from app.services import contracts as svc
    from app.services.organisations import create_organisation

    path = tmp_path_factory.mktemp("sain") / "sain.sqlite"
    db = create_database(path)
    org = create_organisation(db, "Commune Saine")
    for n in range(30):
        svc.save_contract(
            db,
            org,
            svc.ContractInput(f"S-{n:03d}", f"Marché sain n° {n}", notified_amount=Decimal(1000 + n)),
            expected_version=None,
        )
    db.dispose()
    return path


def _flipped(sound: Path, path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(sound.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for _ in range(rng.choice((1, 3, 10, 50))):
        region = rng.choice(("header", "b-tree"))
        offset = rng.randrange(0, 100) if region == "header" else rng.randrange(100, len(data))
        if region == "b-tree" and rng.random() < 0.5:  # the page headers and cell pointers
            offset = (
                rng.randrange(0, len(data) // page) * page
                + rng.randrange(0, 12)
                + (100 if offset < page else 0)
            )
        data[offset] = rng.randrange(256)
    path.write_bytes(bytes(data))


def _truncated(fraction: float):  # noqa: ANN202
    def make(sound: Path, path: Path) -> None:
        data = sound.read_bytes()
        path.write_bytes(data[: max(100, int(len(data) * fraction))])

    return make


def _scribbled(sound: Path, path: Path) -> None:
    data = bytearray(sound.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), 97):
        data[offset] = (data[offset] + 0x5A) % 256
    path.write_bytes(bytes(data))


def _zero_pages(sound: Path, path: Path) -> None:
    data = bytearray(sound.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # the schema's root page wiped
    path.write_bytes(bytes(data))


def _foreign_app(sound: Path, path: Path) -> None:
    shutil.copyfile(sound, path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 1234567")
    con.commit()
    con.close()


def _plain_sqlite(sound: Path, path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE marche (reference TEXT)")
    con.execute("INSERT INTO marche VALUES ('X')")
    con.commit()
    con.close()


OTHERS = {
    "tronque-moitie": _truncated(0.5),
    "tronque-1-page": _truncated(0.002),
    "tronque-100-octets": lambda sound, path: path.write_bytes(sound.read_bytes()[:100]),
    "vide": lambda sound, path: path.write_bytes(b""),
    "texte-csv": lambda sound, path: path.write_text("Référence;Montant\nA;1\n", encoding="utf-8"),
    "image-png": lambda sound, path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(3000)),
    "autre-programme": _foreign_app,
    "sqlite-sans-identite": _plain_sqlite,
    "pages-griffonnees": _scribbled,
    "racine-effacee": _zero_pages,
}
CASES = [f"octets-{seed}" for seed in range(FLIPS)] + list(OTHERS)


def make_case(sound: Path, folder: Path, case: str) -> Path:
    path = folder / f"{case}.sqlite"
    if case.startswith("octets-"):
        _flipped(sound, path, int(case.split("-")[1]))
    else:
        OTHERS[case](sound, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_corpus_has_at_least_60_files():
    assert len(CASES) == len(set(CASES)) >= 60


@pytest.mark.parametrize("case", CASES)
def test_damaged_file_gives_a_french_answer_and_is_never_written(sound, tmp_path, monkeypatch, case):
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    path = make_case(sound, tmp_path, case)
    before = digest(path)
    answer = None
    try:
        db = open_database(path)
    except UserError as exc:
        answer = exc
    else:
        try:
            report = check_database(db)  # reading everything may reveal damage: a report or a UserError
            assert report.integrity == ["ok"] or report.integrity
        except UserError as exc:
            answer = exc
        finally:
            db.dispose()
    if answer is not None:
        assert answer.message and "Traceback" not in answer.message and "Error" not in answer.message
        if isinstance(answer, DatabaseCorrupt):
            assert "Restaurez la dernière sauvegarde" in answer.message
    assert digest(path) == before, "the damaged file was written to"
    assert not Path(f"{path}-journal").exists()
    # the sound file the corpus came from is intact
    con = sqlite3.connect(sound)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_the_window_survives_opening_every_kind_of_damaged_file(qtbot, sound, tmp_path, monkeypatch):
    """Through Fichier › Ouvrir: one French message each, no uncaught exception (pytest-qt fails the
    test on one), and the file that was open stays open."""
    from app.ui import ops
    from app.ui.context import AppContext
    from app.ui.dialogs import errors
    from app.ui.main_window import MainWindow

    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    old = ops.use_executor(ops.InlineExecutor())
    good = tmp_path / "bon.sqlite"
    shutil.copyfile(sound, good)
    db = open_database(good)
    context = AppContext(db, None)
    window = MainWindow(context)
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="": shown.append(exc))
    try:
        cases = [*OTHERS, *(f"octets-{seed}" for seed in range(0, FLIPS, 7))]
        refused = 0
        for case in cases:
            path = make_case(sound, tmp_path, case)
            before = digest(path)
            count = len(shown)
            window.open_path(path)
            if context.db is not db:  # SQLite found it sound enough to open: go back to the good file
                assert len(shown) == count
                context.set_database(db := open_database(good), None)
                continue
            refused += 1
            assert len(shown) == count + 1 and isinstance(shown[-1], UserError), (case, shown[-1:])
            assert digest(path) == before
        assert refused >= len(OTHERS)
    finally:
        ops.use_executor(old)
        context.db.dispose()
    con = sqlite3.connect(good)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


def _hot_journal_of(path: Path) -> Path:
    """A writer of ``path`` killed in the middle of a transaction: its hot journal is left."""
    code = f"""
import os, sqlite3
con = sqlite3.connect({str(path)!r}, isolation_level=None)
con.execute("PRAGMA cache_size=1")
con.execute("BEGIN IMMEDIATE")
for i in range(300):
    con.execute("UPDATE organisation SET name = ? ", ("x" * 500,))
    con.execute("INSERT INTO department (id, organisation_id, name, created_at, updated_at, version) "
                "SELECT lower(hex(randomblob(16))), id, ?, '2026-01-01', '2026-01-01', 1 FROM organisation",
                (f"service {{i}} " * 20,))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    journal = Path(f"{path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    return journal


def _paired_with_a_neighbours_journal(sound: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sound file beside the hot journal of another town's database, as a sync tool
    can leave them: (our file, the other database's journal)."""
    from app.services.organisations import create_organisation

    mine = tmp_path / "mairie-a.sqlite"
    shutil.copyfile(sound, mine)
    other = tmp_path / "mairie-b.sqlite"
    db = create_database(other)
    create_organisation(db, "Commune Voisine")
    db.dispose()
    foreign = _hot_journal_of(other)
    shutil.copyfile(foreign, f"{mine}-journal")
    return mine, foreign


def test_a_file_paired_with_another_databases_hot_journal_keeps_its_own_data(sound, tmp_path, monkeypatch):
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    mine, foreign = _paired_with_a_neighbours_journal(sound, tmp_path)
    db = open_database(mine)
    try:
        assert len(db.open_notices) == 1
        assert "Un fichier journal qui n'appartient pas à cette base" in db.open_notices[0]
        assert "mis de côté" in db.open_notices[0]
    finally:
        db.dispose()
    assert not Path(f"{mine}-journal").exists()
    (aside,) = tmp_path.glob("mairie-a.sqlite-journal.etranger-*")  # renamed, never deleted
    assert aside.read_bytes() == foreign.read_bytes()
    con = sqlite3.connect(f"file:{mine}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM organisation")]
        assert names == ["Commune Saine"], names
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_a_genuine_hot_journal_of_the_file_is_still_rolled_back(sound, tmp_path, monkeypatch):
    """The check of the journal must not stop SQLite's own recovery: all or nothing, integrity ok."""
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    mine = tmp_path / "mairie.sqlite"
    shutil.copyfile(sound, mine)
    con = sqlite3.connect(mine)
    before = (
        con.execute("SELECT name FROM organisation").fetchall(),
        con.execute("SELECT count(*) FROM department").fetchone(),
    )
    con.close()
    _hot_journal_of(mine)  # killed mid-write: the file holds half-written pages
    db = open_database(mine)
    try:
        assert db.open_notices == []
    finally:
        db.dispose()
    assert not Path(f"{mine}-journal").exists() or Path(f"{mine}-journal").stat().st_size == 0
    assert list(tmp_path.glob("*.etranger-*")) == []
    con = sqlite3.connect(f"file:{mine}?mode=ro", uri=True)
    try:
        after = (
            con.execute("SELECT name FROM organisation").fetchall(),
            con.execute("SELECT count(*) FROM department").fetchone(),
        )
        assert after == before  # the interrupted transaction left nothing
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_a_read_only_user_never_sets_a_journal_aside(sound, tmp_path, monkeypatch):
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    from app.storage import database

    mine, _foreign = _paired_with_a_neighbours_journal(sound, tmp_path)
    monkeypatch.setattr(database, "can_write", lambda path: False)
    with pytest.raises(UserError, match="Un autre ordinateur a été interrompu"):
        open_database(mine)
    assert Path(f"{mine}-journal").exists()
    assert list(tmp_path.glob("*.etranger-*")) == []
