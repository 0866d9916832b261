"""What a user would see cut or covered in a shown window: text elided or clipped (labels, buttons,
check boxes, combo boxes, tab titles, table header sections) and widgets overlapping a sibling or
sticking out of their parent. Used by ``test_layout.py``; works on any shown widget tree."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QSplitter,
    QSplitterHandle,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolButton,
    QWidget,
)

SLACK = 2  # pixels of rounding a user cannot see


def _name(widget: QWidget) -> str:
    text = ""
    for attr in ("text", "currentText", "title", "windowTitle"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            try:
                text = getter()
            except TypeError:
                continue
            if text:
                break
    label = widget.objectName() or widget.accessibleName()
    kind = type(widget).__name__
    parts = [kind]
    if label:
        parts.append(f"#{label}")
    if text:
        parts.append(repr(text[:60]))
    return " ".join(parts)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _shown(widget: QWidget, root: QWidget) -> bool:
    return (
        widget.isVisible() and widget.width() > 0 and widget.height() > 0 and widget.window() is root.window()
    )


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if label.wordWrap():
        width = label.contentsRect().width()
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK:
            return f"texte coupé en bas ({needed} px nécessaires, {label.height()} px donnés)"
        if GuiQt.mightBeRichText(text):
            doc = QTextDocument()
            doc.setDefaultFont(label.font())
            doc.setHtml(text)
            doc.setDocumentMargin(0)
            doc.setTextWidth(width)
            if doc.idealWidth() > width + SLACK:  # an unbreakable word wider than the label
                return f"mot plus large que l'étiquette ({doc.idealWidth():.0f} px pour {width} px)"
        else:
            longest = max((label.fontMetrics().horizontalAdvance(w) for w in text.split()), default=0)
            if longest > width + SLACK:
                return f"mot plus large que l'étiquette ({longest} px pour {width} px)"
        return None
    hint = label.sizeHint()
    if hint.width() > label.width() + SLACK:
        return f"texte coupé à droite ({hint.width()} px nécessaires, {label.width()} px donnés)"
    if hint.height() > label.height() + SLACK:
        return f"texte coupé en bas ({hint.height()} px nécessaires, {label.height()} px donnés)"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    if isinstance(button, (QCheckBox, QRadioButton)):
        needed = button.sizeHint().width()
    else:
        fm = button.fontMetrics()
        margin = button.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
        icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
        if (
            isinstance(button, QToolButton)
            and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        ):
            return None
        if isinstance(button, QPushButton) and button.menu() is not None:
            icon += 16
        needed = max(fm.horizontalAdvance(line) for line in text.split("\n")) + margin + icon
    if needed > button.width() + SLACK:
        return f"texte coupé ({needed} px nécessaires, {button.width()} px donnés)"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text:
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = combo.fontMetrics().horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    if needed > field.width() + SLACK:
        return f"choix affiché coupé ({needed} px nécessaires, {field.width()} px donnés)"
    return None


def _header_problems(header: QHeaderView) -> list[str]:
    if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
        return []
    problems = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = header.model().headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        style = header.style()
        needed = header.fontMetrics().horizontalAdvance(str(text)) + 2 * style.pixelMetric(
            QStyle.PixelMetric.PM_HeaderMargin, None, header
        )
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            needed += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + 4
        given = header.sectionSize(logical)
        if needed > given + SLACK:
            problems.append(
                f"en-tête de colonne « {text} » coupé ({needed} px nécessaires, {given} px donnés)"
            )
    return problems


def _table_problems(view: QTableView) -> list[str]:
    """A table squeezed to a row or two, or whose last columns lie outside the view (a table made
    wide on purpose says so with the ``wide_table`` property and keeps its horizontal scrollbar)."""
    model = view.model()
    if model is None or view.height() <= 0:
        return []
    problems = []
    rows = model.rowCount()
    row_height = max(view.verticalHeader().defaultSectionSize(), 1)
    shown = view.viewport().height() // row_height
    if shown < min(rows, 3):
        problems.append(f"tableau écrasé : {shown} ligne(s) visible(s) sur {rows}")
    header = view.horizontalHeader()
    if not view.property("wide_table") and header.length() > view.viewport().width() + SLACK:
        last = model.headerData(
            model.columnCount() - 1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
        )
        problems.append(
            f"colonnes hors de la vue ({header.length()} px pour {view.viewport().width()} px, "
            f"dernière : « {last} »)"
        )
    return problems


def _tabbar_problem(bar: QTabBar) -> str | None:
    for index in range(bar.count()):
        needed = bar.tabSizeHint(index).width()
        given = bar.tabRect(index).width()
        if needed > given + SLACK:
            return f"onglet « {_plain(bar.tabText(index))} » coupé ({needed} px pour {given} px)"
    total = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    if total > bar.width() + SLACK:
        return f"onglets plus larges que la barre ({total} px pour {bar.width()} px) : flèches de défilement"
    return None


def _free_layout_parent(widget: QWidget) -> bool:
    """Containers whose children legitimately share or exceed their rectangle."""
    if isinstance(widget, (QStackedWidget, QTabBar, QComboBox, QScrollBar, QMainWindow, QDockWidget)):
        return True
    parent = widget.parentWidget()
    # a scroll area's viewport holds content larger than itself by design
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _overlap_problems(parent: QWidget, root: QWidget) -> list[str]:
    if _free_layout_parent(parent) or isinstance(parent, QAbstractScrollArea):
        return []
    children = [
        c
        for c in parent.children()
        if isinstance(c, QWidget)
        and not c.isWindow()
        and _shown(c, root)
        and not isinstance(c, QSplitterHandle)
    ]
    problems = []
    bounds = parent.rect()
    for child in children:
        geometry = child.geometry()
        if not bounds.contains(geometry) and not isinstance(parent, QSplitter):
            outside = geometry.intersected(bounds)
            if outside.width() < geometry.width() - SLACK or outside.height() < geometry.height() - SLACK:
                problems.append(
                    f"{_name(child)} dépasse de {_name(parent)} ({_rect(geometry)} dans {_rect(bounds)})"
                )
    for i, first in enumerate(children):
        for second in children[i + 1 :]:
            common = first.geometry().intersected(second.geometry())
            if common.width() > SLACK and common.height() > SLACK:
                problems.append(f"{_name(first)} chevauche {_name(second)} ({_rect(common)})")
    return problems


def _rect(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()} à ({rect.x()},{rect.y()})"


def layout_problems(root: QWidget) -> list[str]:
    """Every cut text or overlap in the shown part of ``root``'s window, one French line each."""
    problems: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _shown(widget, root):
            continue
        found: list[str] = []
        if isinstance(widget, QLabel):
            found.append(_label_problem(widget))
        elif isinstance(widget, QAbstractButton) and not isinstance(
            widget.parentWidget(), (QTabBar, QScrollBar)
        ):
            found.append(_button_problem(widget))
        elif isinstance(widget, QComboBox):
            found.append(_combo_problem(widget))
        elif isinstance(widget, QHeaderView):
            found.extend(_header_problems(widget))
        elif isinstance(widget, QTableView):
            found.extend(_table_problems(widget))
        elif isinstance(widget, QTabBar):
            found.append(_tabbar_problem(widget))
        problems.extend(f"{_name(widget)} : {p}" for p in found if p)
        problems.extend(_overlap_problems(widget, root))
    return sorted(set(problems))


def tab_widgets(root: QWidget) -> list[QTabWidget]:
    return [t for t in root.findChildren(QTabWidget) if t.isVisible()]
