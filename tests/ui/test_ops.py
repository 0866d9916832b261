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


def test_the_register_reads_on_the_worker_and_the_gui_thread_goes_on(
    qtbot, demo_db, demo_org, threaded_ops, monkeypatch
):
    from app.services import contracts as svc
    from app.ui.context import AppContext
    from app.ui.screens.contracts import ContractsScreen

    threads: list[int] = []
    real = svc.list_contracts
    monkeypatch.setattr(
        svc, "list_contracts", lambda *a, **k: threads.append(threading.get_ident()) or real(*a, **k)
    )
    screen = ContractsScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 0  # the constructor returned before the reading
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10000)
    assert threads and threading.get_ident() not in threads


def test_opening_a_contract_deleted_meanwhile_says_so_and_reloads(qtbot, demo_db, demo_org, monkeypatch):
    from app.services import contracts as svc
    from app.ui.context import AppContext
    from app.ui.dialogs.contract_form import ContractDialog
    from app.ui.screens.contracts import ContractsScreen

    shown: list[str] = []
    opened: list[bool] = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc.message))
    monkeypatch.setattr(ContractDialog, "exec", lambda self: opened.append(True) or 0)
    screen = ContractsScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    row = screen.model.rows[0]
    svc.delete_contract(demo_db, row.id, organisation_id=demo_org, expected_version=row.version)  # another PC
    screen.register.open_form(row.id)
    assert shown == ["Ce marché n'existe plus : il a peut-être été supprimé depuis un autre poste."]
    assert opened == []
    assert row.id not in {r.id for r in screen.model.rows}
