"""The in-app print preview: the CAD dossier's pages shown and printed, with no external viewer."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture
def cad_pdf(demo_db, demo_org, tmp_path):
    from app.services.cad_report import write_cad_dossier

    out = tmp_path / "dossier.pdf"
    result = write_cad_dossier(demo_db, demo_org, 2026, out)
    assert result.pages > 3
    return out


def _ink(image) -> int:  # noqa: ANN001
    """Dark pixels on a coarse grid: a blank (white) page has none."""
    step = 4
    return sum(
        1
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
        if image.pixelColor(x, y).lightness() < 128
    )


def test_preview_shows_every_page_of_the_dossier(qtbot, cad_pdf):
    from app.ui.dialogs.print_preview import PrintPreviewDialog

    dialog = PrintPreviewDialog(cad_pdf, "Dossier du CAD")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pages = len(PdfReader(cad_pdf).pages)
    assert len(dialog.page_labels) == pages
    assert f"Page 1 sur {pages}" in dialog.info.text()
    qtbot.waitUntil(
        lambda: dialog.page_labels[0].pixmap() is not None and not dialog.page_labels[0].pixmap().isNull()
    )
    first = dialog.page_labels[0].pixmap().toImage()
    assert _ink(first) > 50, "the first page rendered blank"
    # scrolling to the end renders the last page, which was not rendered before
    last = dialog.page_labels[-1]
    assert last.rendered_zoom == 0
    dialog.scroll.verticalScrollBar().setValue(dialog.scroll.verticalScrollBar().maximum())
    # up to 20 s: rendering waits its turn when the machine is loaded
    qtbot.waitUntil(lambda: last.rendered_zoom == dialog.zoom, timeout=20000)
    assert f"Page {pages} sur {pages}" in dialog.info.text() or f"Page {pages - 1} sur" in dialog.info.text()
    assert _ink(last.pixmap().toImage()) > 20
    # zooming resizes the pages
    width = last.width()
    dialog.larger.click()
    assert last.width() > width


def test_preview_prints_to_a_pdf_file_with_the_same_pages(qtbot, cad_pdf, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.dialogs.print_preview import PrintPreviewDialog

    dialog = PrintPreviewDialog(cad_pdf, "Dossier du CAD")
    qtbot.addWidget(dialog)
    printer = dialog.make_printer()
    printer.setResolution(100)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_file = tmp_path / "imprime.pdf"
    printer.setOutputFileName(str(printed_file))
    count = dialog.print_document(printer)
    expected = len(PdfReader(cad_pdf).pages)
    assert count == expected
    reader = PdfReader(printed_file)
    assert len(reader.pages) == expected
    assert "envoyées à l'impression" in dialog.info.text()


def test_preview_prints_a_page_range(qtbot, cad_pdf, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.dialogs.print_preview import PrintPreviewDialog

    dialog = PrintPreviewDialog(cad_pdf, "Dossier du CAD")
    qtbot.addWidget(dialog)
    printer = dialog.make_printer()
    printer.setResolution(72)
    printer.setOutputFileName(str(tmp_path / "pages-2-3.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert dialog.print_document(printer) == 2
    assert len(PdfReader(tmp_path / "pages-2-3.pdf").pages) == 2


def test_save_as_writes_a_copy(qtbot, cad_pdf, tmp_path):
    from app.ui.dialogs.print_preview import PrintPreviewDialog

    dialog = PrintPreviewDialog(cad_pdf, "Dossier du CAD")
    qtbot.addWidget(dialog)
    saved = dialog.save_as(tmp_path / "copie")
    assert saved == tmp_path / "copie.pdf"
    assert saved.read_bytes() == cad_pdf.read_bytes()
    assert not list(tmp_path.glob("*.tmp"))


def test_unreadable_pdf_is_a_french_message(qtbot, tmp_path):
    from app.ui.dialogs.print_preview import PdfUnreadable, PrintPreviewDialog

    bad = tmp_path / "abime.pdf"
    bad.write_bytes(b"%PDF-1.4 pas vraiment un PDF")
    with pytest.raises(PdfUnreadable, match="abime.pdf.*ne peut pas être lu"):
        PrintPreviewDialog(bad)


def test_reports_screen_opens_the_preview_after_writing_the_dossier(qtbot, demo_db, demo_org, tmp_path):
    from app.ui.context import AppContext
    from app.ui.dialogs.print_preview import PrintPreviewDialog
    from app.ui.screens.reports import ReportsScreen

    screen = ReportsScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    screen.show()
    screen.year.setValue(2026)
    screen.path.setText(str(tmp_path / "cad.pdf"))
    qtbot.mouseClick(screen.cad_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.last_file is not None, timeout=30000)
    previews = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, PrintPreviewDialog) and w.isVisible()
    ]
    assert len(previews) == 1
    assert len(previews[0].page_labels) == len(PdfReader(tmp_path / "cad.pdf").pages)
    assert screen.open_button.text() == "&Aperçu avant impression…"
    previews[0].reject()


def test_ctrl_p_on_the_reports_screen_prints_the_last_report(qtbot, demo_db, demo_org, cad_pdf, monkeypatch):
    from app.ui.context import AppContext
    from app.ui.dialogs.print_preview import PrintPreviewDialog
    from app.ui.screens import reports

    said = []
    monkeypatch.setattr(reports.QMessageBox, "information", lambda *args: said.append(args[2]))
    printed = []
    monkeypatch.setattr(
        PrintPreviewDialog, "print_document", lambda self, printer=None: printed.append(self.path) or 1
    )
    screen = reports.ReportsScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    screen.print_view()
    assert printed == [] and "Générez d'abord" in said[0]
    screen.last_file = cad_pdf
    screen.print_view()
    assert printed == [cad_pdf]
    assert screen.status.text() == "1 page envoyée à l'imprimante."
