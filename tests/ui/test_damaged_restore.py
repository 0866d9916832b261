"""R9 in the window: a damaged file at open offers « Restaurer la dernière sauvegarde »; after the
confirmation the newest sound backup replaces it (the damaged file is set aside, not deleted) and
the restored file is open. A foreign journal set aside at open is told to the user."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.storage import create_database, open_database


@pytest.fixture
def window_on(qtbot, tmp_path, monkeypatch):
    from app.ui import ops
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    old = ops.use_executor(ops.InlineExecutor())
    spare = tmp_path / "autre.sqlite"
    create_database(spare).dispose()
    context = AppContext(open_database(spare), None)
    window = MainWindow(context)
    qtbot.addWidget(window)
    yield window, context
    ops.use_executor(old)
    context.db.dispose()


def _scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), 97):
        data[offset] = (data[offset] + 0x5A) % 256
    path.write_bytes(bytes(data))


def _boxes(monkeypatch, answer: str | None) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append((box.objectName(), box.text()))
        if box.objectName() == "damaged_dialog" and answer:
            box.findChild(QPushButton, answer).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    return shown


def _made_and_backed_up(tmp_path: Path) -> Path:
    from app.services.organisations import create_organisation

    path = tmp_path / "mairie.sqlite"
    db = create_database(path)
    create_organisation(db, "Commune Sauvée")
    db.dispose()
    open_database(path).dispose()  # the open backs the file up on this PC
    return path


def test_a_damaged_file_is_restored_from_its_last_backup_from_the_window(window_on, tmp_path, monkeypatch):
    window, context = window_on
    path = _made_and_backed_up(tmp_path)
    _scribble(path)
    damaged_bytes = path.read_bytes()
    shown = _boxes(monkeypatch, "restore_latest_backup")
    window.open_path(path)
    names = [name for name, _text in shown]
    assert names[:2] == ["damaged_dialog", "restored_dialog"], shown
    assert "endommagé" in shown[0][1]
    assert context.db.path == path  # the restored file is open
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert [r[0] for r in con.execute("SELECT name FROM organisation")] == ["Commune Sauvée"]
    finally:
        con.close()
    (aside,) = tmp_path.glob("mairie.endommage-*.sqlite")  # kept, not deleted
    assert aside.read_bytes() == damaged_bytes


def test_closing_the_offer_changes_nothing(window_on, tmp_path, monkeypatch):
    window, context = window_on
    before_db = context.db
    path = _made_and_backed_up(tmp_path)
    _scribble(path)
    damaged_bytes = path.read_bytes()
    shown = _boxes(monkeypatch, None)
    window.open_path(path)
    assert [name for name, _t in shown] == ["damaged_dialog"]
    assert context.db is before_db and path.read_bytes() == damaged_bytes
    assert list(tmp_path.glob("mairie.endommage-*")) == []


def test_a_damaged_file_without_backup_gets_the_standard_message(window_on, tmp_path, monkeypatch):
    from app.ui.dialogs import errors

    window, context = window_on
    path = tmp_path / "sans-sauvegarde.sqlite"
    db = create_database(path)
    db.dispose()
    _scribble(path)
    errors_shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="": errors_shown.append(exc))
    shown = _boxes(monkeypatch, "restore_latest_backup")
    window.open_path(path)
    assert shown == [] and len(errors_shown) == 1 and "restore" in errors_shown[0].message


def test_a_foreign_journal_set_aside_at_open_is_told(window_on, tmp_path, monkeypatch):
    from app.services.organisations import create_organisation

    window, context = window_on
    path = _made_and_backed_up(tmp_path)
    other = tmp_path / "voisine.sqlite"
    db = create_database(other)
    for n in range(5):
        create_organisation(db, f"Commune Voisine {n}")
    db.dispose()
    from tests.reliability.test_corrupt_corpus import _hot_journal_of

    _hot_journal_of(other)  # its writer killed mid-transaction
    shutil.copyfile(f"{other}-journal", f"{path}-journal")
    shown = _boxes(monkeypatch, None)
    window.open_path(path)
    assert context.db.path == path
    assert [name for name, _t in shown] == ["open_notice"], shown
    assert "Un fichier journal qui n'appartient pas à cette base" in shown[0][1]
