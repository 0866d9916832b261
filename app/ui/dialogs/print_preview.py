"""Print preview: the PDFs the app writes, shown page by page and printed through Qt, with no
external PDF viewer (a town hall PC often has none configured, or one that opens behind the app).

Pages are rasterised with pypdfium2 (PDFium, the renderer of Chrome): small, wheels for every
platform, and it spares the bundle Qt's PDF module. Preview pages render when they scroll into
view, so a 200-page dossier opens at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.io.output import output_path
from app.ui.messages import count

PREVIEW_DPI = 72  # one PDF point per pixel at 100 %
PRINT_DPI_MAX = 300  # enough for text; a 600 dpi A4 page would be a 140 MB bitmap
PAGE_GAP = 12


class PdfUnreadable(UserError):
    pass


class PdfPages:
    """One open PDF: its page sizes in points and each page rendered to a ``QImage``."""

    def __init__(self, path: Path) -> None:
        import pypdfium2

        self.path = Path(path)
        try:
            self._pdf = pypdfium2.PdfDocument(str(self.path))
        except (pypdfium2.PdfiumError, OSError) as exc:
            raise PdfUnreadable(
                f"Le fichier PDF « {self.path.name} » ne peut pas être lu ({exc}). "
                "Écrivez-le de nouveau depuis l'application."
            ) from exc
        self.sizes = [self._pdf.get_page_size(i) for i in range(len(self._pdf))]

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, dpi: float) -> QImage:
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=dpi / 72, prefer_bgrx=True, draw_annots=True)
            # BGRx in memory is QImage's RGB32 on little-endian machines (all of ours);
            # copy() because the buffer belongs to the bitmap, freed when it goes.
            image = QImage(
                bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB32
            ).copy()
        finally:
            page.close()
        return image

    def close(self) -> None:
        self._pdf.close()


def print_pdf(pages: PdfPages, printer, first: int = 1, last: int = 0) -> int:  # noqa: ANN001
    """Paint pages ``first``..``last`` (1-based, 0 = to the end) on ``printer``, each scaled to fit
    the printable area and centred; returns the number of pages printed."""
    last = last or len(pages)
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("L'imprimante n'a pas pu être ouverte. Vérifiez qu'elle est allumée et connectée.")
    printed = 0
    try:
        for number in range(first, last + 1):
            if printed:
                printer.newPage()
            image = pages.render(number - 1, dpi)
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


def save_copy(source: Path, target: Path) -> Path:
    """Copy the PDF beside the target, flush it to disk, then replace: never a half-written file."""
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    if target.resolve() == source.resolve():
        return target
    with output_path(target) as part:  # written aside, synced, then renamed
        shutil.copyfile(source, part)
    return target


class _Page(QLabel):
    def __init__(self, number: int, size: QSize) -> None:
        super().__init__()
        self.number = number
        self.rendered_zoom = 0.0
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(size)
        self.setStyleSheet("background: white; border: 1px solid #999;")
        self.setAccessibleName(f"Page {number}")
        self.setText(f"Page {number}")


class PrintPreviewDialog(QDialog):
    """« Aperçu avant impression » of one PDF: pages, zoom, « Imprimer… », « Enregistrer sous… »."""

    def __init__(self, path: Path, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.title = title or self.path.stem
        self.pages = PdfPages(self.path)
        self.zoom = 1.0
        self.saved_to: Path | None = None
        self.closed = False
        self.setWindowTitle(f"Aperçu avant impression : {self.title}")

        self.print_button = QPushButton("&Imprimer…")
        self.print_button.setDefault(True)
        self.print_button.setToolTip("Choisir l'imprimante et les pages, puis imprimer (Ctrl+P)")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("&Enregistrer sous…")
        self.save_button.setToolTip("Enregistrer une copie du PDF (Ctrl+S)")
        self.save_button.clicked.connect(self.save_as)
        self.smaller = QPushButton("Zoom &arrière")
        self.smaller.clicked.connect(lambda: self.set_zoom(self.zoom / 1.25))
        self.larger = QPushButton("&Zoom avant")
        self.larger.clicked.connect(lambda: self.set_zoom(self.zoom * 1.25))
        self.fit = QPushButton("&Pleine largeur")
        self.fit.clicked.connect(self.fit_width)
        self.info = QLabel()
        self.info.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        bar = QHBoxLayout()
        for widget in (self.print_button, self.save_button, self.smaller, self.larger, self.fit):
            bar.addWidget(widget)
        bar.addWidget(self.info, 1)

        self.container = QWidget()
        self.container.setStyleSheet("background: #808080;")
        column = QVBoxLayout(self.container)
        column.setSpacing(PAGE_GAP)
        column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels = [_Page(i + 1, self._page_size(i)) for i in range(len(self.pages))]
        for label in self.page_labels:
            column.addWidget(label)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.container)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAccessibleName("Pages du document")
        self.scroll.verticalScrollBar().valueChanged.connect(self._schedule_render)
        self.scroll.verticalScrollBar().valueChanged.connect(self._update_info)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(close)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, self.larger.click)
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, self.smaller.click)
        self._render_timer = QTimer(self, singleShot=True, interval=30)
        self._render_timer.timeout.connect(self.render_visible)
        self._update_info()
        self.resize(900, 700)

    # ---- display ------------------------------------------------------------------------------
    def _page_size(self, index: int) -> QSize:
        width, height = self.pages.sizes[index]
        factor = self.zoom * PREVIEW_DPI / 72  # logical pixels; rendering multiplies by the screen ratio
        return QSize(round(width * factor), round(height * factor))

    def current_page(self) -> int:
        """The page at the top of the view (1-based)."""
        visible = self.visible_pages()
        return visible[0].number if visible else 1

    def _update_info(self) -> None:
        total = len(self.pages)
        where = f"Page {self.current_page()} sur {total}" if total > 1 else "1 page"
        self.info.setText(f"{where} · zoom {round(self.zoom * 100)} %")

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.25, min(zoom, 4.0))
        for index, label in enumerate(self.page_labels):
            label.setFixedSize(self._page_size(index))
        self._update_info()
        self._schedule_render()

    def fit_width(self) -> None:
        if not self.pages.sizes:
            return
        widest = max(w for w, _h in self.pages.sizes)
        available = self.scroll.viewport().width() - 2 * PAGE_GAP - 2
        self.set_zoom(available / widest)

    def _schedule_render(self) -> None:
        self._render_timer.start()

    def visible_pages(self) -> list[_Page]:
        top = self.scroll.verticalScrollBar().value()
        bottom = top + self.scroll.viewport().height()
        return [p for p in self.page_labels if p.y() + p.height() >= top and p.y() <= bottom]

    def render_visible(self) -> int:
        """Render the pages in view (and not yet at this zoom); returns how many were rendered."""
        rendered = 0
        if self.closed:
            return rendered
        ratio = self.devicePixelRatioF()
        for label in self.visible_pages():
            if label.rendered_zoom == self.zoom:
                continue
            image = self.pages.render(label.number - 1, PREVIEW_DPI * self.zoom * ratio)
            image.setDevicePixelRatio(ratio)
            label.setPixmap(QPixmap.fromImage(image))
            label.rendered_zoom = self.zoom
            rendered += 1
        return rendered

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        QTimer.singleShot(0, self, self.fit_width)  # not after the dialog is gone

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._schedule_render()

    # ---- actions ------------------------------------------------------------------------------
    def make_printer(self):  # noqa: ANN201
        from PySide6.QtGui import QPageLayout
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setFullPage(False)
        if self.pages.sizes and self.pages.sizes[0][0] > self.pages.sizes[0][1]:
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setFromTo(1, len(self.pages))
        return printer

    def print_document(self, printer=None) -> int:  # noqa: ANN001
        """Print through the print dialog (or straight on ``printer``); returns pages printed."""
        if self.closed:
            return 0
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if printer is None:
            printer = self.make_printer()
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(f"Imprimer : {self.title}")
            dialog.setMinMax(1, len(self.pages))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        first, last = 1, len(self.pages)
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        try:
            printed = print_pdf(self.pages, printer, first, last)
        except UserError as exc:
            QMessageBox.warning(self, "Impression", exc.message)
            return 0
        self.info.setText(f"{count(printed, 'page envoyée', 'pages envoyées')} à l'impression.")
        return printed

    def save_as(self, target: str | Path | None = None) -> Path | None:
        from app.ui.dialogs.file_choosers import choose_save_file

        if not target:
            target = choose_save_file(self, "Enregistrer le PDF sous", self.path.name, "Document PDF (*.pdf)")
            if not target:
                return None
        try:
            self.saved_to = save_copy(self.path, Path(target))
        except UserError as exc:
            QMessageBox.warning(self, "Enregistrer sous", exc.message)
            return None
        self.info.setText(f"Copie enregistrée : {self.saved_to}")
        return self.saved_to

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self._render_timer.stop()
        self.closed = True
        super().done(result)
        self.pages.close()


def preview_pdf(parent: QWidget | None, path: str | Path, title: str = "") -> PrintPreviewDialog | None:
    """Open the print preview of ``path`` over ``parent`` (window-modal, returns at once); a PDF
    that cannot be read says so in French."""
    try:
        dialog = PrintPreviewDialog(Path(path), title, parent)
    except UserError as exc:
        QMessageBox.warning(parent, "Aperçu avant impression", exc.message)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
