"""Printing: a table model or a widget to the printer (or a PDF through the print dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QWidget

MAX_PRINTED_ROWS = 5000


def _printer_dialog(parent: QWidget, title: str):  # noqa: ANN202
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    from PySide6.QtGui import QPageLayout

    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Imprimer : {title}")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def print_table(
    parent: QWidget, title: str, model: QAbstractItemModel, subtitle: str = "", organisation: str = ""
):  # noqa: ANN201
    """The list as the town hall files it (commune's name and date on every page, no row cut between
    two pages), shown in the print preview with « Imprimer… » and « Enregistrer sous… »."""
    import tempfile

    from app.reports.table import build_table_report

    rows = min(model.rowCount(), MAX_PRINTED_ROWS)
    columns = range(model.columnCount())
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]
    right = Qt.AlignmentFlag.AlignRight
    numeric = [
        c
        for c in columns
        if rows and int(model.index(0, c).data(Qt.ItemDataRole.TextAlignmentRole) or 0) & right.value
    ]
    cells = [[str(model.index(r, c).data() or "") for c in columns] for r in range(rows)]
    if model.rowCount() > rows:
        subtitle += f" (les {MAX_PRINTED_ROWS} premières lignes : filtrez la liste pour imprimer les autres)"
    out = Path(tempfile.mkdtemp(prefix="impression-")) / f"{title}.pdf"
    build_table_report(
        out, organisation=organisation, title=title, headers=headers, rows=cells, subtitle=subtitle,
        numeric_columns=numeric,
    )  # fmt: skip
    return preview_pdf(parent, out, title)


def print_widget(parent: QWidget, title: str, widget: QWidget) -> None:
    """Print a painted widget (the échéancier) scaled to the page width."""
    printer = _printer_dialog(parent, title)
    if printer is None:
        return
    painter = QPainter(printer)
    page = printer.pageRect(printer.Unit.DevicePixel)
    scale = min(page.width() / max(widget.width(), 1), page.height() / max(widget.height(), 1))
    painter.scale(scale, scale)
    widget.render(painter)
    painter.end()


# ---- PDFs shared by every screen ----------------------------------------------------------------
def preview_pdf(parent: QWidget | None, path: str | Path, title: str = ""):  # noqa: ANN201
    """Show a PDF the app wrote in the in-app print preview (pages, « Imprimer… »,
    « Enregistrer sous… »): the one place to call instead of ``QDesktopServices.openUrl``.
    Returns the open dialog (None if the file could not be read)."""
    from app.ui.dialogs.print_preview import preview_pdf as show

    return show(parent, path, title)
