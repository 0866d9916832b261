"""Rapports: the SPASER dashboard written from the GUI, as a PDF shown in the print preview and as
an Excel workbook whose numbers are the engine's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture
def screen(qtbot, demo_db, demo_org, tmp_path):
    from app.ui.context import AppContext
    from app.ui.screens.reports import ReportsScreen

    widget = ReportsScreen(AppContext(demo_db, demo_org))
    qtbot.addWidget(widget)
    widget.show()
    widget.path.setText(str(tmp_path / "rapports" / "cad.pdf"))
    return widget


def _previews():  # noqa: ANN202
    from app.ui.dialogs.print_preview import PrintPreviewDialog

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, PrintPreviewDialog) and w.isVisible()]


def test_dashboard_year_defaults_to_the_current_year(screen):
    assert screen.dashboard_year.value() == dt.date.today().year
    assert screen.dashboard_year.accessibleName() == "Année du tableau de bord SPASER"


def test_dashboard_pdf_button_writes_the_pdf_and_opens_the_preview(qtbot, screen, tmp_path):
    from app.rules.indicators import INDICATORS

    screen.dashboard_year.setValue(2026)
    qtbot.mouseClick(screen.dashboard_pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.last_file is not None, timeout=60000)
    written = screen.last_file
    assert written.parent == tmp_path / "rapports"
    assert written.name == "Tableau-de-bord-SPASER-2026-Commune-de-Val-des-Saules.pdf"
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(written).pages))
    for indicator in INDICATORS:
        assert re.sub(r"\s+", "", indicator.label) in text, indicator.id
    previews = _previews()
    assert len(previews) == 1
    assert len(previews[0].page_labels) == len(PdfReader(written).pages)
    assert "Tableau de bord SPASER 2026 écrit" in screen.status.text()
    assert screen.dashboard_xlsx_button.isEnabled() and screen.cad_button.isEnabled()
    previews[0].reject()


def test_dashboard_excel_button_writes_the_engine_numbers(qtbot, screen, demo_db, demo_org, tmp_path):
    from app.services.dashboard import dashboard_data

    screen.dashboard_year.setValue(2026)
    qtbot.mouseClick(screen.dashboard_xlsx_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.last_spreadsheet is not None, timeout=60000)
    written = screen.last_spreadsheet
    assert written == tmp_path / "rapports" / "Tableau-de-bord-SPASER-2026-Commune-de-Val-des-Saules.xlsx"
    assert screen.last_file is None and _previews() == []  # no print preview for a spreadsheet
    assert "Ouvrez-le avec votre tableur" in screen.status.text()
    book = load_workbook(written, read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    data = dashboard_data(demo_db, demo_org, 2026)
    for result in data.results:
        assert result.label in cells
