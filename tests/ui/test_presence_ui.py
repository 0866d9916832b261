"""Two windows on one file (two PCs on a shared folder): each names the other in its status bar,
and a contract saved from one appears in the other's register within the 5 s RELIABILITY R15 asks."""

from __future__ import annotations

import dataclasses

import pytest

from app.services import contracts as svc


@pytest.fixture
def two_windows(qtbot, demo_db, demo_org, monkeypatch):
    from app.storage import open_database
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import presence

    if demo_db.path is None:
        pytest.skip("two connections on one SQLite file")
    monkeypatch.setattr(presence, "POLL_MS", 100)
    monkeypatch.setattr(presence, "BEAT_MS", 200)
    other_db = open_database(demo_db.path)
    windows = []
    for db, user in ((demo_db, "Marie Martin"), (other_db, "Paul Durand")):
        context = AppContext(db, demo_org)
        context.user_name = user
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
    yield windows
    for window in windows:
        window.close()
    other_db.dispose()


def set_object(ctx, contract_id, text: str) -> None:
    """Save a contract's new object through the service, on that window's connection."""
    theirs = svc.get_contract(ctx.db, contract_id)
    data = dataclasses.replace(theirs.data, object=text)
    svc.save_contract(
        ctx.db, ctx.organisation_id, data, contract_id=contract_id, expected_version=theirs.version
    )


def test_each_window_names_the_other_in_its_status_bar(qtbot, two_windows):
    a, b = two_windows
    # B joined after A: A learns of B at its next beat
    qtbot.waitUntil(lambda: "Paul Durand (" in a.presence_label.text(), timeout=5000)
    assert "Marie Martin (" in b.presence_label.text()
    assert "Paul Durand" not in b.presence_label.text()
    assert "Marie Martin" in b.presence_label.toolTip() and " depuis " in b.presence_label.toolTip()
    b.close()  # B leaves: A no longer names it
    qtbot.waitUntil(lambda: a.presence_label.text() == "Ouvert aussi par : personne d'autre", timeout=5000)


def test_a_contract_saved_in_one_window_appears_in_the_other(qtbot, two_windows):
    a, b = two_windows
    view_b = b.open_screen("contracts").register
    row = view_b.all_rows[0]
    set_object(a.context, row.id, "Objet changé sur l'autre poste")
    assert next(r for r in view_b.all_rows if r.id == row.id).object != "Objet changé sur l'autre poste"
    qtbot.waitUntil(
        lambda: next(r for r in view_b.all_rows if r.id == row.id).object == "Objet changé sur l'autre poste",
        timeout=5000,
    )


def test_a_window_does_not_reload_for_its_own_writes(qtbot, two_windows):
    a, b = two_windows
    kinds: dict = {a: [], b: []}
    for window in (a, b):
        window.context.data_changed.connect(kinds[window].append)
    set_object(a.context, a.open_screen("contracts").register.all_rows[0].id, "Changé ici")
    a.context.data_changed.emit("contract")  # as a screen does after its own save
    qtbot.waitUntil(lambda: kinds[b] == ["external"], timeout=5000)  # B reloads once
    qtbot.wait(400)  # several more polls
    assert kinds == {a: ["contract"], b: ["external"]}


def test_presence_and_polls_run_on_the_database_worker(qtbot, threaded_ops, two_windows):
    """With the real worker thread: join, beats and polls all run there, off the GUI thread."""
    a, b = two_windows
    view_b = b.open_screen("contracts").register
    qtbot.waitUntil(lambda: bool(view_b.all_rows), timeout=5000)
    row_id = view_b.all_rows[0].id
    set_object(a.context, row_id, "Vu depuis le fil de la base")
    qtbot.waitUntil(
        lambda: next(r for r in view_b.all_rows if r.id == row_id).object == "Vu depuis le fil de la base",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: "Paul Durand (" in a.presence_label.text(), timeout=5000)


def test_a_window_on_a_synced_folder_holds_the_lease_and_beats_every_five_minutes(
    qtbot, demo_db, demo_org, monkeypatch
):
    """On a synced folder or a USB stick presence does not cross machines: the window takes the
    one-writer lease and beats every 5 min only (each beat makes the sync tool upload the file)."""
    from app.storage import presence as storage_presence
    from app.storage.presence import lease_holder
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import presence

    if demo_db.path is None:
        pytest.skip("a file's location")
    monkeypatch.setattr(storage_presence, "needs_lease", lambda db: True)
    context = AppContext(demo_db, demo_org)
    context.user_name = "Marie Martin"
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.presence.watcher is not None, timeout=5000)
    assert window.presence.me is not None and window.presence.me.writer
    assert window.presence.beat_timer.interval() == presence.LEASE_BEAT_MS == 300_000
    assert window.presence.poll_timer.isActive()
    assert window.presence_label.text() == "Modification : vous seul (les autres postes le lisent)"
    assert lease_holder(demo_db).user_name == "Marie Martin"
    window.close()
    assert lease_holder(demo_db) is None  # left with the window


def test_a_stale_edit_in_one_window_names_who_saved_in_the_other(qtbot, two_windows, monkeypatch):
    """Both buyers open the same contract; Marie saves first from her window, then Paul saves the
    form he opened before: he is told that Marie Martin changed it, and her change is kept."""
    from PySide6.QtCore import Qt

    from app.ui.dialogs import contract_form
    from app.ui.dialogs.conflict import CANCEL

    a, b = two_windows
    contract_id = b.open_screen("contracts").register.all_rows[0].id
    asked: list[str] = []
    monkeypatch.setattr(
        contract_form, "ask_conflict", lambda parent, message: asked.append(message) or CANCEL
    )

    forms = {}
    for window in (a, b):
        form = contract_form.ContractDialog(window.context, contract_id)
        qtbot.addWidget(form)
        form.show()
        forms[window] = form
    forms[a].object.setPlainText("Objet changé par Marie")
    qtbot.mouseClick(forms[a].save_button, Qt.MouseButton.LeftButton)
    assert forms[a].saved is not None

    forms[b].object.setPlainText("Objet changé par Paul")
    qtbot.mouseClick(forms[b].save_button, Qt.MouseButton.LeftButton)
    assert forms[b].saved is None
    assert len(asked) == 1 and "Marie Martin" in asked[0], asked
    assert svc.get_contract(a.context.db, contract_id).data.object == "Objet changé par Marie"
