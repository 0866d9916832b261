"""Acronyms explained where they first appear: the first label, button, group or tab of a screen or
dialog that shows « SPASER », « DECP », « CPV »… gets a tooltip with its full name and meaning
(from ``resources/glossary.json``, the same text as the reports' glossary page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QTabWidget, QWidget

from app.glossary import used_in


def _plain(text: str) -> str:
    return QTextDocumentFragment.fromHtml(text).toPlainText() if "<" in text else text.replace("&", "")


def _add_tip(current: str, sentences: list[str]) -> str:
    new = [s for s in sentences if s not in current]
    return "\n\n".join([current, *new]) if current and new else current or "\n\n".join(new)


def explain_acronyms(root: QWidget) -> list[str]:
    """Add the tooltips in ``root``; returns the acronyms explained (already explained ones are kept)."""
    done: set[str] = set(root.property("glossary_done") or [])
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QTabWidget):
            bar = widget.tabBar()
            for i in range(widget.count()):
                fresh = [e for e in used_in(_plain(widget.tabText(i))) if e.acronym not in done]
                if fresh:
                    bar.setTabToolTip(i, _add_tip(bar.tabToolTip(i), [e.sentence() for e in fresh]))
                    done.update(e.acronym for e in fresh)
            continue
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                fresh = [e for e in used_in(widget.itemText(i)) if e.acronym not in done]
                if fresh:
                    tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole) or ""
                    widget.setItemData(
                        i, _add_tip(tip, [e.sentence() for e in fresh]), Qt.ItemDataRole.ToolTipRole
                    )
                    done.update(e.acronym for e in fresh)
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        fresh = [e for e in used_in(_plain(text)) if e.acronym not in done]
        if fresh:
            widget.setToolTip(_add_tip(widget.toolTip(), [e.sentence() for e in fresh]))
            done.update(e.acronym for e in fresh)
    root.setProperty("glossary_done", sorted(done))
    return sorted(done)
