"""The ops layer: one database worker thread, progress after 200 ms, the standard French dialogs."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import ConcurrentEdit, DatabaseBusy
from app.ui import ops


def test_ops_run_one_at_a_time_on_one_thread_that_is_not_the_gui_thread(qtbot, threaded_ops):
    gui = threading.get_ident()
    threads: list[int] = []
    inside = [0]
    overlaps: list[int] = []
    done: list[int] = []

    def work(n: int) -> int:
        inside[0] += 1
        overlaps.append(inside[0])
        threads.append(threading.get_ident())
        time.sleep(0.02)
        inside[0] -= 1
        return n

    for n in range(6):
        ops.query(None, lambda n=n: work(n), done.append)
    qtbot.waitUntil(lambda: len(done) == 6, timeout=10000)
    assert done == list(range(6))  # in the order asked
    assert max(overlaps) == 1
    assert len(set(threads)) == 1 and gui not in threads
    assert threaded_ops.pool is not QThreadPool.globalInstance()
    assert threaded_ops.pool.maxThreadCount() == 1


def test_a_long_op_shows_progress_and_a_short_one_does_not(qtbot, threaded_ops):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    done: list[str] = []
    ops.query(parent, lambda: "vite", done.append)
    qtbot.waitUntil(lambda: done == ["vite"], timeout=5000)
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]

    ops.query(parent, lambda: release.wait(10) and "lent", done.append, title="Lecture du registre…")
    qtbot.wait(ops.PROGRESS_AFTER_MS + 300)
    shown = [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]
    assert [d.labelText() for d in shown] == ["Lecture du registre…"]
    release.set()
    qtbot.waitUntil(lambda: done == ["vite", "lent"], timeout=5000)
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]


def test_inline_ops_call_back_before_returning(qtbot):
    done: list[int] = []
    ops.query(None, lambda: 41 + 1, done.append)
    assert done == [42]


def test_user_errors_become_the_standard_dialogs(qtbot, monkeypatch):
    shown: list[tuple[str, str]] = []

    class Box:
        class Icon:
            Warning = 0

        def __init__(self, icon, title, text, parent=None):  # noqa: ANN001
            shown.append((title, text))

        def setObjectName(self, name):  # noqa: ANN001, N802
            pass

        def setInformativeText(self, text):  # noqa: ANN001, N802
            pass

        def exec(self):
            return 0

    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox", Box)
    monkeypatch.setattr(
        "app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(("erreur", str(exc)))
    )
    reloaded: list[bool] = []

    def conflict():
        raise ConcurrentEdit("Ce marché a été modifié par Mme Durand depuis son affichage.")

    ops.mutate(None, conflict, lambda _r: None, on_conflict=lambda: reloaded.append(True))
    assert shown == [
        ("Modification simultanée", "Ce marché a été modifié par Mme Durand depuis son affichage.")
    ]
    assert reloaded == [True]

    def busy():
        raise DatabaseBusy("La base est occupée par un autre poste ; réessayez dans un instant.")

    ops.mutate(None, busy, lambda _r: None)
    assert shown[-1] == ("erreur", "La base est occupée par un autre poste ; réessayez dans un instant.")

    def bug():
        raise KeyError("oops")

    ops.query(None, bug, lambda _r: None)
    assert shown[-1] == ("erreur", "'oops'")


def test_a_cancelled_op_shows_nothing(qtbot, monkeypatch):
    shown: list = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc))

    def work(progress):  # noqa: ANN001
        raise ops.Cancelled()

    ops.run_op(None, "Import", work, lambda _r: None)
    assert shown == []
