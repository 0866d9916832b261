"""Showing a form read-only: another organisation's record is consulted, not changed.

The decision (``app.rules.editing``) is taken by the caller; this only renders it: a banner that
says whose record it is, text fields that stay selectable (to copy a value) but not editable, and
every other input and action button disabled."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from app.rules.editing import Access

_ICONS: dict[int, QIcon] = {}


def lock_icon(size: int = 14) -> QIcon:
    """A small padlock drawn here (no emoji font is needed), for another organisation's rows."""
    icon = _ICONS.get(size)
    if icon is not None:
        return icon
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor("#5f6368")
    pen = QPen(colour, max(1.5, size / 9))
    painter.setPen(pen)
    shackle = QPainterPath()
    shackle.addRoundedRect(QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.6), size * 0.2, size * 0.2)
    painter.drawPath(shackle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(size * 0.14, size * 0.42, size * 0.72, size * 0.54), 1.5, 1.5)
    painter.end()
    icon = _ICONS[size] = QIcon(pixmap)
    return icon


BANNER_STYLE = (
    "background: #fff4d6; color: #4a3b00; border: 1px solid #d9b44a; padding: 6px; border-radius: 3px;"
)


def banner(parent: QWidget | None = None) -> QLabel:
    """The « Lecture seule » banner, hidden until ``show_read_only`` fills it."""
    label = QLabel(parent)
    label.setObjectName("read_only_banner")
    label.setWordWrap(True)
    label.setStyleSheet(BANNER_STYLE)
    label.setAccessibleName("Fiche en lecture seule")
    label.hide()
    return label


def show_read_only(root: QWidget, label: QLabel, access: Access, keep: tuple[QWidget, ...] = ()) -> None:
    """Fill the banner and make every input under ``root`` read-only, except ``keep`` (and the
    buttons that only close or navigate, which the caller lists in ``keep``)."""
    label.setText(access.explanation)
    label.show()
    kept = set(keep)
    for widget in root.findChildren(QWidget):
        if widget in kept or any(k.isAncestorOf(widget) for k in kept) or isinstance(widget, QTabBar):
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            widget.setReadOnly(True)
        elif isinstance(widget, QAbstractItemView):
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        elif isinstance(widget, QComboBox | QAbstractSpinBox | QAbstractButton):
            if isinstance(widget, QAbstractSpinBox):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
