"""Every database call a screen or dialog makes goes through here (Anki's ``CollectionOp``).

An op is a plain function that talks to the services; it runs on ONE database worker thread, so
two ops never touch the file at the same time and the GUI thread never waits on SQLite (a save
on a network share can wait the whole 10 s busy timeout). Its result, or its error, comes back
on the GUI thread:

- ``query(parent, fn, on_done)``: read and render (``fn()`` returns DTOs);
- ``mutate(parent, fn, on_done, on_conflict=...)``: write;
- ``run_op(parent, title, fn, on_done, on_error)``: long work that reports ``progress`` and can be
  cancelled (imports, reports, grouping).

A progress indicator appears when an op lasts more than ``PROGRESS_AFTER_MS``. Errors the user
can cause become the standard French dialogs: ``ConcurrentEdit`` the conflict message (then
``on_conflict``, usually a reload), ``DatabaseBusy`` and every other ``UserError`` their message;
anything else is a bug, logged with its traceback and shown with the log's path.

Tests run ops inline (``use_executor(InlineExecutor())``, as Picard's tests use a fake thread
pool), so a click's effect is visible as soon as the click returns.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from app.errors import ConcurrentEdit, UserError

log = logging.getLogger(__name__)

T = TypeVar("T")
PROGRESS_AFTER_MS = 200
SWITCH_INTERVAL_S = 0.0005
IDLE_RELEASE_MS = 60_000


class Cancelled(Exception):
    """Raised by a background function that noticed ``progress.cancelled``."""


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class Progress:
    """What an op's function is given: ``update(done, total, text)`` reports; ``cancelled`` asks
    it to stop (it then raises ``Cancelled`` after rolling back)."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = False

    def update(self, done: int, total: int, text: str = "") -> None:
        self._signals.progressed.emit(done, total, text)

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()


class _Job(QRunnable):
    def __init__(
        self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress, name: str
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.signals = signals
        self.progress = progress
        self.name = name
        self.collector: _NoCollector | YoungCollector = _NoCollector()

    def run(self) -> None:
        started = time.perf_counter()
        try:
            with self.collector:
                result = self.fn(self.progress)
        except BaseException as exc:  # handed to the GUI thread, shown there
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            log.debug("op %s: %.0f ms", self.name, (time.perf_counter() - started) * 1000)


class _NoCollector:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class YoungCollector:
    """Garbage collection that never walks the whole heap while the window is in use.

    A screen keeps its rows (10,000 contracts' facts, 100,000 orders) as millions of Python objects.
    CPython's automatic full collection walks every one of them holding the GIL: 200 ms to 1 s on
    the scale database, a frozen window at each screen opened (the worst stalls of the event-loop
    tour). So here automatic collection stays young-only (a few thousand objects each time), and
    when an op ends, what it made is handled at once: after a small op, one collection of what was
    made since the previous op (its cycles are freed); after a big one (a screen's rows), only the
    young generations, as walking its rows would itself freeze the window. Then ``gc.freeze()`` takes
    the survivors out of every later collection; what a screen drops later is freed by reference
    counting (rows hold no cycles). The few cycles a big op left (its session) are freed by
    ``release()``, which walks the whole heap once: the worker runs it when the app has been left
    idle for ``IDLE_RELEASE_MS``. The application's worker (``executor()``) has one; tests, which
    run ops inline or on a bare ``DatabaseWorker()``, keep CPython's ordinary collection.
    """

    FULL_BELOW = 20_000  # objects made by an op: walked after it (a few ms), else only frozen

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.unreleased = 0  # objects frozen without having been walked
        self._thresholds = gc.get_threshold()
        young, middle, _old = self._thresholds
        gc.set_threshold(young, middle, 1 << 30)  # no automatic full collection
        gc.freeze()  # what start-up made (modules, the window) lives as long as the process

    def close(self) -> None:
        """Back to CPython's ordinary collection."""
        gc.unfreeze()
        gc.set_threshold(*self._thresholds)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        started = time.perf_counter()
        with self._lock:
            made = sum(len(gc.get_objects(generation)) for generation in range(3))  # not frozen
            if made < self.FULL_BELOW:
                found = gc.collect()
            else:
                found = gc.collect(1)
                self.unreleased += made
            gc.freeze()
        log.debug(
            "collection after op: %d objects made, %d freed, %.0f ms",
            made,
            found,
            (time.perf_counter() - started) * 1000,
        )

    def release(self) -> int:
        """Walk the whole heap once (a long pause: for when nobody is using the window)."""
        with self._lock:
            gc.unfreeze()
            found = gc.collect()
            gc.freeze()
            self.unreleased = 0
        return found


class Executor(Protocol):
    def submit(self, job: QRunnable) -> None: ...
    def wait(self, msecs: int = -1) -> bool: ...


class DatabaseWorker:
    """The one thread that runs ops: a private pool of one thread (never the global pool, whose
    threads would let two ops write at once)."""

    def __init__(self, collector: YoungCollector | None = None) -> None:
        self.pool = QThreadPool()
        self.pool.setObjectName("database_worker")
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # one long-lived thread
        self.queued = 0
        # While the worker runs Python, the GUI thread needs the GIL for every call into Python
        # (each cell it paints): by default it may wait 5 ms for each, and a table's repaint took
        # seconds. The worker now yields it within half a millisecond.
        sys.setswitchinterval(float(os.environ.get("ACHATS_DURABLES_SWITCH_INTERVAL", SWITCH_INTERVAL_S)))
        self.collector = collector
        self._idle = QTimer()
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_RELEASE_MS)
        self._idle.timeout.connect(self._release_when_idle)

    def submit(self, job: QRunnable) -> None:
        # Started from the event loop, so the caller has finished setting up (and a click on
        # « Annuler » made at once is seen before the work begins).
        if isinstance(job, _Job) and self.collector is not None:
            job.collector = self.collector
        self.queued += 1
        QTimer.singleShot(0, lambda: self._start(job))

    def _start(self, job: QRunnable) -> None:
        self.queued -= 1
        self.pool.start(job)
        self._idle.start()

    def _release_when_idle(self) -> None:
        if self.queued or self.pool.activeThreadCount():
            self._idle.start()
        elif self.collector is not None and self.collector.unreleased:
            self.collector.release()

    def wait(self, msecs: int = -1) -> bool:
        deadline = time.monotonic() + msecs / 1000 if msecs >= 0 else None
        while self.queued and (deadline is None or time.monotonic() < deadline):
            QCoreApplication.processEvents()
        left = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
        return self.pool.waitForDone(left)


class InlineExecutor:
    """Runs each op at once on the calling thread (tests: deterministic, no waiting)."""

    def submit(self, job: QRunnable) -> None:
        job.run()

    def wait(self, msecs: int = -1) -> bool:
        return True


_executor: Executor | None = None
_running: set[_Signals] = set()


def executor() -> Executor:
    global _executor
    if _executor is None:
        _executor = DatabaseWorker(YoungCollector())
    return _executor


def use_executor(new: Executor | None) -> Executor | None:
    """Replace the executor (``None``: the database worker, made on first use); returns the old one."""
    global _executor
    old, _executor = _executor, new
    return old


def wait_for_ops(msecs: int = 30_000) -> bool:
    """Block until every queued op has run and called back (application exit, scripts, benchmarks)."""
    done = executor().wait(msecs)
    QCoreApplication.processEvents()  # the results queued to the GUI thread
    return done


def show_op_error(
    parent: QWidget | None, exc: BaseException, on_conflict: Callable[[], None] | None = None
) -> None:
    """The standard dialog for an op's error; ``on_conflict`` runs after a ``ConcurrentEdit``."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, ConcurrentEdit):
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "Modification simultanée", exc.message, parent=parent)
        box.setObjectName("conflict_dialog")
        if on_conflict is not None:
            box.setInformativeText(
                "Les données enregistrées sont affichées de nouveau ; vos saisies n'ont pas été enregistrées."
            )
        box.exec()
        if on_conflict is not None:
            on_conflict()
        return
    if not isinstance(exc, UserError):
        log.error("op failed", exc_info=(type(exc), exc, exc.__traceback__))
    from app.ui.dialogs import errors

    errors.show_error(parent, exc)


def run_op(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    show_after_ms: int = PROGRESS_AFTER_MS,
    cancellable: bool = True,
) -> Progress:
    """Run ``fn(progress)`` on the database worker; ``on_done(result)`` or ``on_error(exc)`` on the
    GUI thread (without ``on_error``, the standard dialog; a cancelled run shows nothing).

    A progress dialog (with « Annuler » when ``cancellable``) appears if the work lasts more than
    ``show_after_ms``. Nothing is called back when ``parent`` was closed meanwhile.
    """
    signals = _Signals()
    progress = Progress(signals)
    # The dialog of a query or a save is made only if it is to be shown: making one for each of
    # the many short reads cost the GUI thread a few milliseconds each. A cancellable op has its
    # dialog at once, so that « Annuler » can be clicked before the work begins.
    shown: list[QProgressDialog] = []
    state = {"maximum": 0, "value": 0, "label": title}

    def make_dialog() -> QProgressDialog:
        dialog = QProgressDialog(state["label"], "Annuler", 0, state["maximum"], parent)
        dialog.setObjectName("op_progress")
        dialog.setWindowTitle("Achats Durables")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.setMinimumDuration(show_after_ms)
        dialog.canceled.connect(lambda: setattr(progress, "cancelled", True))
        if state["value"]:
            dialog.setValue(state["value"])
        shown.append(dialog)
        return dialog

    def show_late() -> None:
        if signals not in _running:
            return
        if not shown:
            if parent is not None and not isValid(parent):
                return
            make_dialog()
        if isValid(shown[0]):
            shown[0].show()

    if cancellable:
        make_dialog().hide()
    # Qt shows the dialog on its own only once a value is set; an op that reports nothing (a
    # query, a save) still gets its indicator after ``show_after_ms``.
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.timeout.connect(show_late)
    timer.start(show_after_ms)

    def on_progress(done: int, total: int, text: str) -> None:
        state["maximum"], state["value"] = max(total, 0), done
        if text:
            state["label"] = f"{title}\n{text}"
        if not shown or not isValid(shown[0]):
            return
        dialog = shown[0]
        dialog.setMaximum(state["maximum"])
        dialog.setValue(done)
        if text:
            dialog.setLabelText(state["label"])

    def finish() -> bool:
        """Close the progress dialog; False when the parent window was closed meanwhile (its
        widgets are gone: the result has nobody to go to)."""
        _running.discard(signals)
        if isValid(timer):
            timer.stop()
            if parent is not None:
                timer.deleteLater()
        if parent is not None and not isValid(parent):
            return False
        if shown:
            dialog = shown[0]
            if not isValid(dialog):
                return False
            dialog.reset()
            dialog.close()
            dialog.deleteLater()
        return True

    def succeeded(result: Any) -> None:
        if finish():
            on_done(result)

    def failed(exc: BaseException) -> None:
        if not finish():
            return
        if on_error is not None:
            on_error(exc)
        else:
            show_op_error(parent, exc)

    signals.progressed.connect(on_progress)
    signals.succeeded.connect(succeeded)
    signals.failed.connect(failed)
    _running.add(signals)
    executor().submit(_Job(fn, signals, progress, title))
    return progress


def query(
    parent: QWidget | None,
    fn: Callable[[], T],
    on_done: Callable[[T], None],
    *,
    title: str = "Lecture des données…",
    on_error: Callable[[BaseException], None] | None = None,
) -> Progress:
    """Read on the database worker, render on the GUI thread."""
    return run_op(parent, title, lambda _p: fn(), on_done, on_error, cancellable=False)


def mutate(
    parent: QWidget | None,
    fn: Callable[[], T],
    on_done: Callable[[T], None],
    *,
    title: str = "Enregistrement…",
    on_conflict: Callable[[], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Progress:
    """Write on the database worker; a ``ConcurrentEdit`` shows the conflict message then calls
    ``on_conflict`` (typically: reload what is shown)."""
    handler = on_error or (lambda exc: show_op_error(parent, exc, on_conflict))
    return run_op(parent, title, lambda _p: fn(), on_done, handler, cancellable=False)


def warn_invalid(
    parent: QWidget | None, then: Callable[[BaseException], None] | None = None
) -> Callable[[BaseException], None]:
    """An ``on_error`` for a form: a value to correct (``ValidationError``) in a « Saisie à
    corriger » box, then ``then(exc)`` (e.g. focus the field); other errors, the standard dialogs."""

    def handle(exc: BaseException) -> None:
        from app.errors import ValidationError

        if isinstance(exc, ValidationError):
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(parent, "Saisie à corriger", exc.message)
            if then is not None:
                then(exc)
        else:
            show_op_error(parent, exc)

    return handle
