"""Shared report furniture: embedded DejaVu fonts (French accents, euro sign, narrow no-break
spaces), A4 document with the organisation's name on every page and "page x / y", styles and a
table helper whose header repeats when a table breaks across pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from app.paths import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
ACCENT = colors.HexColor("#1f5f4a")
LIGHT = colors.HexColor("#e8f1ed")

_fonts_registered = False


def register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_registered = True


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = getSampleStyleSheet()
    out = {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName=FONT_BOLD, fontSize=22, leading=28, textColor=ACCENT
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base["Heading1"],
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            textColor=ACCENT,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceAfter=4
        ),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=FONT, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=9.5),
        "cell_right": ParagraphStyle(
            "cell_right", fontName=FONT, fontSize=8, leading=9.5, alignment=TA_RIGHT
        ),
        "cell_head": ParagraphStyle(
            "cell_head", fontName=FONT_BOLD, fontSize=8, leading=9.5, textColor=colors.white
        ),
    }
    return out


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws "page x / y" and the organisation's name once the page count is known."""

    header_text = ""
    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = A4
        self.setFont(FONT, 8)
        self.setFillColor(colors.grey)
        self.drawString(15 * mm, height - 10 * mm, self.header_text)
        self.drawString(15 * mm, 8 * mm, self.footer_text)
        self.drawRightString(width - 15 * mm, 8 * mm, f"page {self._pageNumber} / {total}")


def build_document(out_path: Path, story: list, *, organisation: str, title: str, footer: str = "") -> int:
    """Write ``story`` to an A4 PDF with the organisation's name on every page; returns the page count."""
    register_fonts()
    out_path = Path(out_path)
    canvas_class = type(
        "ReportCanvas", (_NumberedCanvas,), {"header_text": organisation, "footer_text": footer}
    )
    doc = SimpleDocTemplate(
        str(out_path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=organisation,
        creator="Achats Durables",
    )
    doc.build(story, canvasmaker=canvas_class)
    return doc.page


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float] | None = None,
    *,
    numeric_columns: Sequence[int] = (),
) -> Table:
    """A table that wraps its cells, bands its rows and repeats its header on every page."""
    st = styles()
    head = [Paragraph(str(h), st["cell_head"]) for h in header]
    body = [
        [
            cell
            if not isinstance(cell, str | int | float) and cell is not None
            else Paragraph(
                "" if cell is None else str(cell), st["cell_right" if i in numeric_columns else "cell"]
            )
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]
    table = Table([head, *body], colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c9c1")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
