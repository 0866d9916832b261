"""One-writer mode in the window, on a file in a synced folder (a path under « OneDrive »): the
warning shown once on this PC (with the conflicted copies found beside the file); the first window
writes; a second one opens read-only naming who writes and since when, and every edit there is
refused with the read-only message; when the writer closes, the reader is offered to take over; a
silent holder's lease is offered (« reprendre la main ? »), never taken without asking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import socket

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.model import utcnow
from app.services import contracts as svc
from app.storage import open_database
from app.storage.presence import LEASE_STALE_AFTER_S, Presence, lease_holder
from app.ui import ops
from app.ui.context import AppContext, ui_settings
from app.ui.main_window import MainWindow
from app.ui.ops.open_file import open_database_in
from tests.conftest import DEMO

VDS = "Commune de Val-des-Saules"


@pytest.fixture
def synced(tmp_path, demo_org):
    folder = tmp_path / "OneDrive - Commune de Val-des-Saules" / "Achats"
    folder.mkdir(parents=True)
    path = folder / "achats.sqlite"
    shutil.copyfile(DEMO, path)
    ui_settings().setValue("user/organisation", str(demo_org))
    return path


class Answers:
    """Answers each modal message box as it appears, by the text of the button to click, and
    keeps what each one said."""

    def __init__(self, *clicks: str) -> None:
        self.clicks = list(clicks)
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.property("answered"):
            return
        box.setProperty("answered", True)
        self.seen.append(f"{box.text()}\n{box.informativeText()}")
        wanted = self.clicks.pop(0) if self.clicks else "?"
        for button in box.buttons():
            if button.text().replace("&", "") == wanted:
                QTimer.singleShot(0, button.click)
                return
        QTimer.singleShot(0, box.reject)


def window(qtbot, user: str) -> MainWindow:
    context = AppContext()
    context.user_name = user
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    return win


def open_in(win: MainWindow, path, *clicks: str) -> Answers:
    answers = Answers(*clicks)
    opened: list[bool] = []
    open_database_in(win.context, path, win, then=opened.append)
    ops.wait_for_ops()
    answers.timer.stop()
    assert opened, "the opening did not finish"
    return answers


def test_warned_once_then_second_window_read_only_naming_the_writer(qtbot, synced, demo_org):
    copy = synced.with_name("achats (copie en conflit de PC-ECOLE 2026-12-01).sqlite")
    shutil.copyfile(synced, copy)
    marie = window(qtbot, "Marie Martin")
    first = open_in(marie, synced, "OK")
    assert len(first.seen) == 1
    assert "dossier synchronisé (OneDrive)" in first.seen[0]
    assert "une personne à la fois" in first.seen[0]
    assert copy.name in first.seen[0]  # the conflicted copy is listed
    assert not marie.context.db.read_only
    qtbot.waitUntil(lambda: marie.presence_label.text().startswith("Modification : vous seul"), timeout=5000)

    paul = window(qtbot, "Paul Durand")
    second = open_in(paul, synced, "Ouvrir en lecture seule")
    assert len(second.seen) == 1  # the location warning is not shown again on this PC
    holder = lease_holder(marie.context.db)
    since = holder.opened_at.replace(tzinfo=dt.UTC).astimezone().strftime("%H:%M")
    host = socket.gethostname()
    assert second.seen[0].startswith(
        f"Ouvert en modification par Marie Martin ({VDS}) sur {host} depuis {since}."
    )
    db = paul.context.db
    assert db.read_only
    qtbot.waitUntil(
        lambda: (
            paul.presence_label.text() == f"Lecture seule : modifié par Marie Martin ({VDS}) depuis {since}"
        ),
        timeout=5000,
    )
    assert "une seule personne à la fois" in paul.presence_label.toolTip()
    before = hashlib.sha256(synced.read_bytes()).digest()
    for _ in range(3):  # the reader's looks and polls write nothing: no upload by the sync tool
        paul.presence.check_lease()
        paul.presence.poll()
        ops.wait_for_ops()
    assert hashlib.sha256(synced.read_bytes()).digest() == before
    assert not paul.import_action.isEnabled() and not paul.new_contract_action.isEnabled()
    register = paul.open_screen("contracts").register  # the screen's own buttons too
    qtbot.waitUntil(lambda: bool(register.all_rows), timeout=5000)
    register.table.selectRow(0)
    assert not register.new_button.isEnabled() and not register.delete_button.isEnabled()
    assert register.edit_button.text() == "Consulter la fiche"

    # an edit through the ops layer, as a screen saves: refused with the read-only message
    row = svc.list_contracts(db, demo_org)[0]
    theirs = svc.get_contract(db, row.id)
    data = dataclasses.replace(theirs.data, object="Changé en lecture seule")
    refusal = Answers("OK")
    ops.mutate(
        paul,
        lambda: svc.save_contract(db, demo_org, data, contract_id=row.id, expected_version=theirs.version),
        lambda _r: None,
    )
    ops.wait_for_ops()
    refusal.timer.stop()
    assert refusal.seen and refusal.seen[0].startswith(
        f"Lecture seule : ouvert en modification par Marie Martin ({VDS}) sur {host} depuis {since}."
    )
    assert svc.get_contract(marie.context.db, row.id).data.object == theirs.data.object

    # Marie closes: Paul is offered to take over, and then writes
    marie.close()
    assert lease_holder(db) is None
    paul.presence.check_lease()
    assert paul.presence_label.text() == "Lecture seule : le fichier est libre"
    assert paul.take_over_button.isVisible()
    answers = Answers()
    qtbot.mouseClick(paul.take_over_button, Qt.MouseButton.LeftButton)
    ops.wait_for_ops()
    answers.timer.stop()
    assert answers.seen == []
    assert not paul.context.db.read_only
    qtbot.waitUntil(lambda: paul.presence_label.text().startswith("Modification : vous seul"), timeout=5000)
    assert not paul.take_over_button.isVisible()
    qtbot.waitUntil(lambda: register.new_button.isEnabled(), timeout=5000)
    assert lease_holder(paul.context.db).user_name == f"Paul Durand ({VDS})"
    paul.close()


def silent_holder(path) -> None:
    """A lease left by a window whose PC stopped 16 minutes ago (killed, switched off)."""
    db = open_database(path, backup=False)
    gone = utcnow() - dt.timedelta(seconds=LEASE_STALE_AFTER_S + 60)
    assert (
        Presence(db, user_name="Marie Martin", workstation="PC-MAIRIE", clock=lambda: gone).take_lease()
        is None
    )
    db.dispose()


def test_a_silent_holder_is_offered_as_stale_and_taken_only_when_asked(qtbot, synced):
    silent_holder(synced)
    paul = window(qtbot, "Paul Durand")
    answers = open_in(paul, synced, "OK", "Ouvrir en lecture seule")
    assert "n'a plus donné signe de vie depuis" in answers.seen[1]
    assert "reprendre la main ?" in answers.seen[1]
    assert paul.context.db.read_only  # not taken: the user chose to read
    assert lease_holder(paul.context.db).user_name == "Marie Martin"

    answers = open_in(paul, synced, "Reprendre la main")
    assert len(answers.seen) == 1 and "reprendre la main ?" in answers.seen[0]
    assert not paul.context.db.read_only
    assert lease_holder(paul.context.db).user_name == f"Paul Durand ({VDS})"
    paul.close()


def test_cancel_leaves_the_file_closed_and_the_lease_untouched(qtbot, synced):
    holder_db = open_database(synced, backup=False)
    marie = Presence(holder_db, user_name="Marie Martin", workstation="PC-MAIRIE")
    assert marie.take_lease() is None
    paul = window(qtbot, "Paul Durand")
    answers = open_in(paul, synced, "OK", "Annuler")
    assert len(answers.seen) == 2 and "Marie Martin sur PC-MAIRIE" in answers.seen[1]
    assert paul.context.db is None
    assert lease_holder(holder_db).user_name == "Marie Martin"
    marie.leave()
    holder_db.dispose()


def test_a_writer_whose_lease_was_taken_over_reopens_read_only(qtbot, synced):
    """Marie's PC slept past the stale limit and Paul took over: at her next beat her window
    reopens the file read-only, naming Paul."""
    marie = window(qtbot, "Marie Martin")
    open_in(marie, synced, "OK")
    assert marie.presence.me.writer
    other = open_database(synced, backup=False)
    later = utcnow() + dt.timedelta(seconds=LEASE_STALE_AFTER_S + 60)
    paul = Presence(other, user_name="Paul Durand", workstation="PC-ECOLE", clock=lambda: later)
    assert paul.take_lease().stale
    assert paul.take_lease(take_over=True) is None

    answers = Answers("Ouvrir en lecture seule")
    marie.presence.beat()
    ops.wait_for_ops()
    answers.timer.stop()
    assert answers.seen and answers.seen[0].startswith("Ouvert en modification par Paul Durand sur PC-ECOLE")
    assert marie.context.db.read_only
    assert marie.presence_label.text().startswith("Lecture seule : modifié par Paul Durand depuis ")
    marie.close()
    assert lease_holder(other, now=later).user_name == "Paul Durand"  # Marie's closing left it alone
    other.dispose()


def test_opening_again_the_file_this_window_writes_keeps_writing(qtbot, synced):
    marie = window(qtbot, "Marie Martin")
    open_in(marie, synced, "OK")
    db = marie.context.db
    answers = Answers()
    marie.open_path(synced)
    ops.wait_for_ops()
    answers.timer.stop()
    assert answers.seen == [] and marie.context.db is db and not db.read_only
    assert marie.presence.holds_lease()
    marie.close()
