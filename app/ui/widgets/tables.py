"""Columns that fit the window: every header shown whole, every column inside the view.

A table of long texts (objects, remarks) would otherwise be as wide as its longest cell and push its
last columns out of sight on the town hall's 1366×768 laptop. ``fit_columns`` gives each column its
content's width, then narrows the widest ones (their cells end with « … » and keep their tooltip)
until all fit, never below the width of the column's title. It runs again when the table is resized
or refilled, after the screen's own ``resizeColumnsToContents``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionViewItem, QTableView

# Rows measured for a column's natural width: Qt's default measures 1,000, each cell through Python
# (``data()`` for several roles), which froze the window for 2 s on a 10,000-contract register.
FIT_ROWS = 60


def header_text_width(header: QHeaderView, logical: int) -> int:
    """The width a section needs to show its title whole (with the sort arrow if sorted on it)."""
    text = header.model().headerData(logical, header.orientation(), Qt.ItemDataRole.DisplayRole) or ""
    style = header.style()
    width = header.fontMetrics().horizontalAdvance(str(text)) + 2 * style.pixelMetric(
        QStyle.PixelMetric.PM_HeaderMargin, None, header
    )
    if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
        width += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + 4
    return width + 4


def shares(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Widths summing to at most ``room``: the narrow columns keep their natural width, the widest are
    cut to one common level, none below its floor (then the sum may exceed ``room``)."""
    if sum(natural) <= room:
        return list(natural)
    low, high = 0, max(natural)
    while low < high:  # the highest level at which everything fits
        level = (low + high + 1) // 2
        if sum(max(f, min(n, level)) for n, f in zip(natural, floor, strict=True)) <= room:
            low = level
        else:
            high = level - 1
    return [max(f, min(n, low)) for n, f in zip(natural, floor, strict=True)]


class ColumnFitter(QObject):
    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._natural: list[int] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._fit)
        self._remeasure = True
        view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sortIndicatorChanged.connect(self._timer.start)
        self._watch(view.model())

    def _watch(self, model) -> None:  # noqa: ANN001
        if model is None:
            return
        for signal in (model.modelReset, model.rowsInserted, model.headerDataChanged):
            signal.connect(self.refit)
        # A sort only reorders the rows: the widths measured still hold.
        model.layoutChanged.connect(self._timer.start)

    def refit(self, *_args) -> None:  # noqa: ANN002
        self._remeasure = True
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return super().eventFilter(obj, event)

    def _fit(self) -> None:
        view = self._view
        header = view.horizontalHeader()
        model = view.model()
        if model is None:
            return
        columns = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        if self._remeasure or len(self._natural) != header.count():
            self._natural = [0] * header.count()
            for i in columns:
                self._natural[i] = max(self._content_width(i), header_text_width(header, i))
            self._remeasure = False
        natural = [self._natural[i] for i in columns]
        floor = [header_text_width(header, i) for i in columns]
        widths = shares(natural, floor, view.viewport().width())
        for i, width in zip(columns, widths, strict=True):
            if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Interactive:
                header.resizeSection(i, width)

    def _content_width(self, column: int) -> int:
        """``sizeHintForColumn`` over the same ``FIT_ROWS`` rows; for a model that gives its texts
        (``column_texts``), measured from them directly: Qt asks ``data()`` for ten roles per cell,
        each a call into Python, 40 ms per fit of a 10-column table."""
        view = self._view
        model = view.model()
        texts = getattr(model, "column_texts", None)
        count = model.rowCount()
        if texts is None or count == 0 or view.itemDelegateForColumn(column) is not None:
            return view.sizeHintForColumn(column)
        first = max(0, view.rowAt(0))
        rows = range(max(0, min(first, count - FIT_ROWS)), min(count, max(first, 0) + FIT_ROWS))
        values = texts(column, rows)
        metrics = view.fontMetrics()
        widest = max(range(len(values)), key=lambda i: metrics.horizontalAdvance(values[i]))
        option = QStyleOptionViewItem()  # the widest text measured as Qt does: padding, grid
        view.initViewItemOption(option)
        hint = view.itemDelegate().sizeHint(option, model.index(rows[widest], column)).width()
        return hint + (1 if view.showGrid() else 0)


def fit_columns(view: QTableView) -> ColumnFitter:
    """Keep ``view``'s columns fitted (call once, after its model is set)."""
    fitter = view.findChild(ColumnFitter)
    if fitter is None:
        fitter = ColumnFitter(view)
    fitter.refit()
    return fitter
