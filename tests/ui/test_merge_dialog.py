"""Fichier › « Fusionner la copie d'une autre mairie… »: two real files made by the services (never
from the demo), a trial run that writes nothing and says what would happen kind by kind, the
conflicts listed by contract reference and object with who changed each side, one conflict settled
each way, a backup first, the window reloaded, merging again changing nothing, and the refusals in
French."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from app.services import contracts as svc
from app.services.organisations import create_organisation
from app.storage import create_database, open_database
from tests.sqlite_checks import assert_sound

OBJECTS = {
    1: "Fournitures de bureau",
    2: "Nettoyage des locaux",
    3: "Entretien des espaces verts",
    4: "Maintenance des photocopieurs",
    5: "Restauration scolaire",
}


def ref(n: int) -> str:
    return f"VDS-2026-00{n}"


def contract_input(n: int, **changes) -> svc.ContractInput:
    return dataclasses.replace(
        svc.ContractInput(ref(n), OBJECTS.get(n, f"Marché {n}"), notified_amount=Decimal("10000.00")),
        **changes,
    )


def _ids(db) -> dict[str, object]:  # noqa: ANN001
    return {row.reference: row.id for row in svc.list_contracts(db, db.organisation_id)}


def edit(path: Path, n: int, user: str, **changes) -> None:
    db = open_database(path, backup=False)
    db.organisation_id = _org(path)
    detail = svc.get_contract(db, _ids(db)[ref(n)])
    svc.save_contract(
        db,
        db.organisation_id,
        dataclasses.replace(detail.data, **changes),
        contract_id=detail.id,
        expected_version=detail.version,
        user_name=user,
    )
    db.dispose()


def _org(path: Path):  # noqa: ANN202
    con = sqlite3.connect(path)
    try:
        (raw,) = con.execute("SELECT id FROM organisation").fetchone()
    finally:
        con.close()
    import uuid

    return uuid.UUID(bytes=raw) if isinstance(raw, bytes) else uuid.UUID(str(raw))


def contracts(path: Path) -> dict[str, tuple[str, Decimal | None]]:
    db = open_database(path, backup=False)
    try:
        db.organisation_id = _org(path)
        found = {}
        for reference, contract_id in _ids(db).items():
            data = svc.get_contract(db, contract_id).data
            found[reference] = (data.object, data.notified_amount)
        return found
    finally:
        db.dispose()


def data_hash(path: Path) -> str:
    """Every row of every table but the sharing bookkeeping (presence, merge base)."""
    con = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if name not in ("presence", "merge_base", "sqlite_sequence")
        ]
        rows = [sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables]  # noqa: S608
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def two_copies(tmp_path):
    """Mairie A's file (mine) and the copy Mairie B sent back, both made by the services from one
    register of four contracts, then changed on each side by a different person."""
    base = tmp_path / "registre.sqlite"
    db = create_database(base)
    org = create_organisation(db, "Communauté de Test")
    for n in (1, 2, 3, 4):
        svc.save_contract(db, org, contract_input(n), expected_version=None, user_name="Claire")
    db.dispose()
    mine, theirs = tmp_path / "mairie-a" / "achats.sqlite", tmp_path / "mairie-b" / "achats.sqlite"
    for path in (mine, theirs):
        path.parent.mkdir()
        shutil.copyfile(base, path)
    time.sleep(1.1)  # the copies part: what each side saves now is newer than what they share (to the second)
    edit(mine, 1, "Marie", object="Fournitures de bureau et papeterie")
    edit(mine, 2, "Marie", notified_amount=Decimal("12000.00"))
    edit(theirs, 1, "Paul", object="Fournitures de bureau recyclées")
    edit(theirs, 2, "Paul", notified_amount=Decimal("15000.00"))
    edit(theirs, 3, "Paul", object="Entretien des espaces verts et élagage")
    db = open_database(theirs, backup=False)
    db.organisation_id = _org(theirs)
    svc.save_contract(db, db.organisation_id, contract_input(5), expected_version=None, user_name="Paul")
    four = svc.get_contract(db, _ids(db)[ref(4)])
    svc.delete_contract(
        db, four.id, organisation_id=db.organisation_id, expected_version=four.version, user_name="Paul"
    )
    db.dispose()
    return mine, theirs


@pytest.fixture
def window(qtbot, two_copies, monkeypatch, tmp_path):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    monkeypatch.setenv("ACHATS_DURABLES_DATA_DIR", str(tmp_path / "data"))
    mine, _ = two_copies
    db = open_database(mine, backup=False)
    context = AppContext(db, _org(mine))
    context.user_name = "Marie"
    win = MainWindow(context)
    qtbot.addWidget(win)
    yield win
    context.db.dispose()


def open_dialog(win, monkeypatch):  # noqa: ANN001, ANN201
    """Fichier › « Fusionner la copie d'une autre mairie… », the dialog kept instead of run modally."""
    from app.ui.dialogs import merge

    opened = []
    monkeypatch.setattr(merge.MergeDialog, "exec", lambda self: opened.append(self) or 0)
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Fichier")
    entry = next(a for a in file_menu.actions() if "Fusionner la copie d'une autre mairie" in a.text())
    assert isinstance(entry, QAction)
    entry.trigger()
    assert len(opened) == 1
    return opened[0]


def register_references(win) -> set[str]:  # noqa: ANN001
    screen = win.open_screen("contracts")
    model = screen.table.model()
    return {model.index(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())}


def table_text(table) -> list[list[str]]:  # noqa: ANN001
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_merge_through_the_dialog(qtbot, window, two_copies, monkeypatch):
    mine, theirs = two_copies
    theirs_before = theirs.read_bytes()
    assert register_references(window) >= {ref(1), ref(4)}
    assert ref(5) not in register_references(window)
    dialog = open_dialog(window, monkeypatch)
    qtbot.addWidget(dialog)
    assert not dialog.merge_button.isEnabled()  # nothing chosen yet

    # Trial run: what would happen, kind by kind, and nothing written.
    before = data_hash(mine)
    dialog.set_file(theirs)
    assert data_hash(mine) == before
    preview = dialog.preview
    assert (preview.added, preview.updated, preview.deleted) == (
        sum(k["added"] for k in preview.by_kind.values()),
        sum(k["updated"] for k in preview.by_kind.values()),
        sum(k["deleted"] for k in preview.by_kind.values()),
    )
    history = preview.by_kind["audit_entry"]["added"]
    assert history == 5  # Paul's five saves (two conflicting, one change, one new, one deletion)
    assert dialog.summary_label.text() == (
        "Fusionner « achats.sqlite » ajouterait 1 fiche, en reprendrait 1 de l'autre copie et en "
        "supprimerait 1. L'historique des modifications recevrait 5 entrées de l'autre copie."
    )
    kinds = {row[0]: row[1:] for row in table_text(dialog.kinds_table)}
    assert kinds["Marché"] == ["1", "1", "1"]  # VDS-2026-005 added, -003 taken, -004 deleted
    assert "Entrée de l'historique" in kinds  # Paul's saves travel with the data
    assert dialog.merge_button.isEnabled()

    # The conflicts: contract number and object, what differs, who changed each side.
    rows = table_text(dialog.conflicts_table)
    assert len(rows) == 2
    by_ref = {row[0].split("« ")[1].split(" — ")[0]: row for row in rows}
    first = by_ref[ref(1)]
    assert first[0].startswith("Marché « VDS-2026-001 — Fournitures de bureau")
    assert first[1] == "Objet"
    assert "Fournitures de bureau et papeterie" in first[2] and "Marie" in first[2]
    assert "Fournitures de bureau recyclées" in first[3] and "Paul" in first[3]
    second = by_ref[ref(2)]
    assert second[1] == "Montant notifié HT"
    assert "12 000,00" in second[2].replace("\u202f", " ").replace("\xa0", " ")
    assert "15 000,00" in second[3].replace("\u202f", " ").replace("\xa0", " ")

    # All at once, then one each way.
    dialog.choose_all("theirs")
    assert set(dialog.choices().values()) == {"theirs"}
    boxes = {c.label.split(" — ")[0]: dialog.choice_boxes[c.row_id] for c in dialog.preview.conflicts}
    boxes[ref(1)].setCurrentIndex(boxes[ref(1)].findData("mine"))
    boxes[ref(2)].setCurrentIndex(boxes[ref(2)].findData("theirs"))

    with qtbot.waitSignal(window.context.data_changed, timeout=5000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    # The result: a backup first (shown with its path), each choice applied, the other file untouched.
    assert dialog.result is not None and dialog.result.backup
    backup = Path(dialog.result.backup)
    assert backup.exists() and backup.stat().st_size > 0
    assert str(backup) in dialog.summary_label.text()
    assert "Fusion faite" in dialog.summary_label.text()
    assert dialog.result.conflicts == []
    assert not dialog.merge_button.isEnabled()
    assert theirs.read_bytes() == theirs_before
    after = contracts(mine)
    assert after[ref(1)][0] == "Fournitures de bureau et papeterie"  # kept mine
    assert after[ref(2)][1] == Decimal("15000.00")  # took theirs
    assert after[ref(3)][0] == "Entretien des espaces verts et élagage"  # changed there only
    assert ref(4) not in after and ref(5) in after
    # the window reloaded
    qtbot.waitUntil(
        lambda: ref(5) in register_references(window) and ref(4) not in register_references(window)
    )
    # the backup holds the file as it was before the merge
    assert contracts(backup)[ref(1)][0] == "Fournitures de bureau et papeterie"
    assert ref(4) in contracts(backup)

    # Merging the same copy again changes nothing, and says so.
    settled = data_hash(mine)
    again = open_dialog(window, monkeypatch)
    qtbot.addWidget(again)
    again.set_file(theirs)
    assert "déjà d'accord" in again.summary_label.text(), [c.describe() for c in again.preview.conflicts]
    assert again.preview.changed == 0 and again.preview.conflicts == []
    assert not again.merge_button.isEnabled()
    assert not again.conflicts_box.isVisibleTo(again)
    from app.services.merge import merge_copy

    assert merge_copy(window.context.db, theirs).changed == 0
    assert data_hash(mine) == settled
    assert_sound(mine)


def _foreign_file(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()


def _newer_schema(path: Path) -> None:
    create_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        ("same", "fichier ouvert lui-même"),
        ("foreign", "autre programme"),
        ("newer", "version"),
        ("missing", "n'existe pas"),
    ],
)
def test_refusals_are_french_and_write_nothing(qtbot, window, two_copies, monkeypatch, tmp_path, make, words):
    from app.ui.dialogs import errors

    mine, _ = two_copies
    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="": shown.append(exc))
    other = {"same": mine, "missing": tmp_path / "absent.sqlite"}.get(make, tmp_path / f"{make}.sqlite")
    if make == "foreign":
        _foreign_file(other)
    elif make == "newer":
        _newer_schema(other)
    before = data_hash(mine)
    dialog = open_dialog(window, monkeypatch)
    qtbot.addWidget(dialog)
    dialog.set_file(other)
    assert len(shown) == 1, shown
    assert words in shown[0].message, shown[0].message
    assert "Traceback" not in shown[0].message
    assert dialog.preview is None and not dialog.merge_button.isEnabled()
    assert data_hash(mine) == before


def test_a_read_only_file_is_refused(qtbot, two_copies, monkeypatch):
    from app.ui.context import AppContext
    from app.ui.dialogs import errors
    from app.ui.dialogs.merge import MergeDialog

    mine, theirs = two_copies
    os.chmod(mine, 0o444)
    os.chmod(mine.parent, 0o555)
    try:
        db = open_database(mine, backup=False)
        assert db.read_only
        shown = []
        monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="": shown.append(exc))
        dialog = MergeDialog(AppContext(db, _org(mine)))
        qtbot.addWidget(dialog)
        dialog.set_file(theirs)
        db.dispose()
    finally:
        os.chmod(mine.parent, 0o755)
        os.chmod(mine, 0o644)
    assert len(shown) == 1 and "lecture seule" in shown[0].message


def test_a_lease_held_by_another_window_is_refused(qtbot, window, two_copies, monkeypatch):
    """One-writer mode (synced folder, USB stick): another PC holds the lease, the merge waits."""
    import uuid

    from sqlalchemy import insert

    from app.model import Presence, utcnow
    from app.ui.dialogs import errors

    mine, theirs = two_copies
    db = window.context.db
    with db.write() as s:
        s.execute(
            insert(Presence).values(
                id=uuid.uuid4(),
                user_name="Paul",
                workstation="PC-MAIRIE-B",
                pid=4242,
                opened_at=utcnow(),
                heartbeat_at=utcnow(),
                writer=True,
            )
        )
    before = data_hash(mine)
    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="": shown.append(exc))
    dialog = open_dialog(window, monkeypatch)
    qtbot.addWidget(dialog)
    dialog.set_file(theirs)
    assert len(shown) == 1
    assert "Paul sur PC-MAIRIE-B" in shown[0].message and "une seule fenêtre" in shown[0].message
    assert data_hash(mine) == before


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_dialog_shows_its_text_whole(qtbot, window, two_copies, monkeypatch, size):
    """The trial run's summary and conflicts at the town hall laptop's size and at full HD, with
    nothing cut or covered (``LAYOUT_SHOTS=folder`` saves what was checked, as for every screen)."""
    from tests.ui.test_layout import check

    _, theirs = two_copies
    window.resize(*size)
    dialog = open_dialog(window, monkeypatch)
    qtbot.addWidget(dialog)
    dialog.set_file(theirs)
    dialog.show()
    dialog.resize(min(dialog.width(), size[0]), min(dialog.height(), size[1] - 40))
    assert check(dialog, "fusion-essai", size) == []
    dialog.choose_all("mine")
    dialog.merge()
    assert check(dialog, "fusion-faite", size) == []
