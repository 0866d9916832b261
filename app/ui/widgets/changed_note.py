"""Following another window's changes without losing the user's input.

When the change watcher reports that another window (another PC) changed the file
(``data_changed("external")``), a screen reloads what it shows. If the user is typing in one of
its forms (``dirty()``), reloading would wipe the input: the screen shows a non-modal note instead,
« Modifié par un autre poste — Recharger », and reloads only when asked. A hidden screen reloads
when it is shown again, so a change costs nothing to the screens nobody looks at."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui import messages

if TYPE_CHECKING:
    from app.ui.context import AppContext

EXTERNAL = "external"  # app.ui.ops.presence.EXTERNAL: the kind emitted for another window's change


class ChangedNote(QFrame):
    """The note: what happened, and a button to reload (the input typed here is then lost)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changed_note")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#changed_note { background: #e8f0fe; border: 1px solid #8ab4f8; }")
        self.label = QLabel(messages.CHANGED_ELSEWHERE)
        self.label.setWordWrap(True)
        self.reload_button = QPushButton("&Recharger")
        self.reload_button.setToolTip(messages.CHANGED_ELSEWHERE_RELOAD)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reload_button)
        self.hide()


class ExternalChanges(QObject):
    """Reload ``screen`` (``reload()``) on another window's change, unless ``dirty()``."""

    def __init__(
        self,
        screen: QWidget,
        context: AppContext,
        reload: Callable[[], None],
        *,
        dirty: Callable[[], bool] = lambda: False,
        position: int = 0,
    ) -> None:
        super().__init__(screen)
        self.screen = screen
        self.reload = reload
        self.dirty = dirty
        self.pending = False
        self.note = ChangedNote(screen)
        self.note.reload_button.clicked.connect(self._reload_now)
        layout = screen.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(position, self.note)
        context.data_changed.connect(self._changed)
        # Another file or organisation: the screen reloads itself, the note is moot.
        context.database_changed.connect(self.note.hide)
        context.organisation_changed.connect(self.note.hide)
        screen.installEventFilter(self)

    def _changed(self, kind: str) -> None:
        if kind != EXTERNAL:
            return
        if not self.screen.isVisible():
            self.pending = True  # reloaded when shown again
            return
        self._follow()

    def _follow(self) -> None:
        self.pending = False
        if self.dirty():
            self.note.show()
            return
        self._reload_now()

    def _reload_now(self) -> None:
        self.note.hide()
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.screen and event.type() == QEvent.Type.Show and self.pending:
            QTimer.singleShot(0, self._follow)
        return False
