"""Shared report furniture: embedded DejaVu fonts (French accents, euro sign, narrow no-break
spaces), A4 document with the organisation's name on every page and "page x / y", styles and a
table helper whose header repeats when a table breaks across pages."""

from __future__ import annotations

import functools
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
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from app.io.output import output_path
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


_styles: dict[str, ParagraphStyle] | None = None


def styles() -> dict[str, ParagraphStyle]:
    """The report styles, built once (a report asks for them for every table). Shared: do not
    modify them, derive a new ``ParagraphStyle(parent=...)`` instead."""
    global _styles
    if _styles is None:
        _styles = _make_styles()
    return _styles


def _make_styles() -> dict[str, ParagraphStyle]:
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
        width, height = self._pagesize
        self.setFont(FONT, 8)
        self.setFillColor(colors.grey)
        self.drawString(15 * mm, height - 10 * mm, self.header_text)
        self.drawString(15 * mm, 8 * mm, self.footer_text)
        self.drawRightString(width - 15 * mm, 8 * mm, f"page {self._pageNumber} / {total}")


def build_document(
    out_path: Path, story: list, *, organisation: str, title: str, footer: str = "", pagesize: tuple = A4
) -> int:
    """Write ``story`` to an A4 PDF with the organisation's name on every page; returns the page count."""
    register_fonts()
    out_path = Path(out_path)
    canvas_class = type(
        "ReportCanvas", (_NumberedCanvas,), {"header_text": organisation, "footer_text": footer}
    )
    with output_path(out_path) as part:
        doc = SimpleDocTemplate(
            str(part),
            pagesize=pagesize,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=16 * mm,
            bottomMargin=15 * mm,
            title=title,
            author=organisation,
            creator="Achats Durables",
        )
        doc.build([*story, *glossary_pages(story, title)], canvasmaker=canvas_class)
    return doc.page


def story_texts(flowables: Sequence[Any]) -> list[str]:
    """Every text a reader sees in ``flowables``: paragraphs, table cells, chart labels."""
    found: list[str] = []
    for item in flowables:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Paragraph):
            found.append(item.getPlainText())
        elif isinstance(item, Table):
            found += story_texts([cell for row in item._cellvalues for cell in row])  # noqa: SLF001
        elif isinstance(item, list | tuple):
            found += story_texts(item)
        elif isinstance(getattr(item, "text", None), str):  # a chart's label (reportlab String)
            found.append(item.text)
        for inner in ("_content", "contents"):  # KeepTogether, drawings and their groups
            if isinstance(getattr(item, inner, None), list):
                found += story_texts(getattr(item, inner))
    return found


def glossary_pages(story: Sequence[Any], title: str = "") -> list[Any]:
    """A last page « Glossaire » with the acronyms the report uses, each with its meaning; nothing when
    it uses none."""
    from app.glossary import used_in

    entries = used_in(title, *story_texts(story))
    if not entries:
        return []
    st = styles()
    rows = [[f"<b>{e.acronym}</b>", f"<b>{e.term}</b><br/>{e.definition}"] for e in entries]
    return [
        PageBreak(),
        Paragraph("Glossaire", st["h1"]),
        Paragraph("Les sigles employés dans ce document.", st["body"]),
        data_table(["Sigle", "Signification"], rows, [28 * mm, 152 * mm]),
    ]


CELL_SIZE, CELL_LEADING = 8, 9.5  # the "cell" styles
DEFAULT_PADDING = 6  # reportlab's cell padding
_SPACE_SHRINKAGE = ParagraphStyle("probe").spaceShrinkage  # how much a Paragraph may shrink a space


@functools.lru_cache(maxsize=4096)  # a dossier repeats its texts (lever titles) on every contract
def _plain_lines(text: str, width: float | None, font: str) -> str | None:
    """``text`` broken into the lines a Paragraph of the "cell" styles would make in ``width``
    (joined by newlines), or None when only a Paragraph can draw it: markup or entities, spaces
    that are not plain spaces (no-break spaces, runs to collapse), or a word wider than the column.
    A table draws such a pre-broken string in the same place, and a tenth of the time.

    The breaking is Paragraph's own greedy rule: a word joins the line while the widths of the
    line's words and of one space between each fit in ``width``, give or take the spaces' allowed
    shrinkage. A line that only fits by shrinking its spaces is drawn shrunk by a Paragraph, which
    a string cannot do: such a text stays a Paragraph."""
    if width is None or "<" in text or "&" in text:
        return None
    words = text.split()
    if text != " ".join(words):
        return None
    measure = pdfmetrics.stringWidth
    space = measure(" ", font, CELL_SIZE)
    shrink = space * _SPACE_SHRINKAGE
    lines: list[str] = []
    line: list[str] = []
    used = -space
    for word in words:
        word_width = measure(word, font, CELL_SIZE)
        if word_width > width:
            return None  # a Paragraph would cut the word itself
        if used + space + word_width <= width + shrink * len(line) or not line:
            line.append(word)
            used += space + word_width
            if used > width:
                return None  # fits only with shrunk spaces
        else:
            lines.append(" ".join(line))
            line, used = [word], word_width
    lines.append(" ".join(line))
    return "\n".join(lines)


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float] | None = None,
    *,
    numeric_columns: Sequence[int] = (),
    padding: float = DEFAULT_PADDING,
) -> Table:
    """A table that wraps its cells, bands its rows and repeats its header on every page.

    Text cells are Paragraphs (markup allowed, escaped by the caller), or, when they hold plain
    words only, the same lines pre-broken as a string in the same font, size and alignment.
    ``padding``: left and right padding of every cell."""
    st = styles()
    # The width a Paragraph would wrap to in each column, padding on both sides taken off.
    widths = [None if w is None else w - 2 * padding for w in col_widths or [None] * len(header)]

    def cell(text: str, column: int, font: str, style: str) -> Any:
        plain = _plain_lines(text, widths[column], font)
        return plain if plain is not None else Paragraph(text, st[style])

    head = [cell(str(h), i, FONT_BOLD, "cell_head") for i, h in enumerate(header)]
    body = [
        [
            value
            if value is not None and not isinstance(value, str | int | float)  # a flowable
            else cell(
                "" if value is None else str(value),
                i,
                FONT,
                "cell_right" if i in numeric_columns else "cell",
            )
            for i, value in enumerate(row)
        ]
        for row in rows
    ]
    table = Table([head, *body], colWidths=col_widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c9c1")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        # Plain-string cells, styled as the Paragraph styles "cell", "cell_right" and "cell_head".
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric_columns]
    table.setStyle(TableStyle(commands))
    return table
