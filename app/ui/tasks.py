"""Background work: ``run_op`` runs a function on the thread pool and hands its result (or its
error) back on the GUI thread, with a cancellable progress dialog for anything that lasts.

The function receives a ``Progress`` object: ``progress.update(done, total, text)`` reports, and
``progress.cancelled`` tells it to stop (it should then raise ``Cancelled`` after rolling back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid


class Cancelled(Exception):
    """Raised by a background function that noticed ``progress.cancelled``."""


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class Progress:
    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = False

    def update(self, done: int, total: int, text: str = "") -> None:
        self._signals.progressed.emit(done, total, text)

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.progress = progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except BaseException as exc:  # handed to the GUI thread, shown there
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


_running: set[_Signals] = set()


def run_op(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    show_after_ms: int = 300,
) -> Progress:
    """Run ``fn(progress)`` in the background; ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

    A progress dialog with a « Annuler » button appears if the work lasts more than ``show_after_ms``.
    A cancelled run calls ``on_error`` with ``Cancelled``.
    """
    signals = _Signals()
    progress = Progress(signals)
    dialog = QProgressDialog(title, "Annuler", 0, 0, parent)
    dialog.setWindowTitle("Achats Durables")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(lambda: setattr(progress, "cancelled", True))

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        if text:
            dialog.setLabelText(f"{title}\n{text}")

    def finish() -> bool:
        """Close the progress dialog; False when the parent window was closed meanwhile (its
        widgets, and this dialog, are gone: the result has nobody to go to)."""
        _running.discard(signals)
        if not isValid(dialog):
            return False
        dialog.reset()
        dialog.close()
        dialog.deleteLater()
        return parent is None or isValid(parent)

    def succeeded(result: Any) -> None:
        if finish():
            on_done(result)

    def failed(exc: BaseException) -> None:
        if not finish():
            return
        if on_error is not None:
            on_error(exc)
        elif not isinstance(exc, Cancelled):
            from app.ui.dialogs.errors import show_error

            show_error(parent, exc)

    signals.progressed.connect(on_progress)
    signals.succeeded.connect(succeeded)
    signals.failed.connect(failed)
    _running.add(signals)
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(_Job(fn, signals, progress)))
    return progress
