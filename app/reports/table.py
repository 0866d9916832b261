"""A list printed as the town hall files it (the register of contracts, or any table of a screen):
landscape A4, the commune's name on every page, the date it was printed, the column titles
repeated on each page, and no row ever cut in two between pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from app import format as fmt
from app.reports.base import build_document, data_table, styles

USABLE_WIDTH = landscape(A4)[0] - 30 * mm


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], total: float = USABLE_WIDTH
) -> list[float]:
    """Each column at least as wide as its longest unbreakable word (a reference, an amount, a date,
    a title word: never cut), the rest of the page shared by what the columns typically hold."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.reports.base import DEFAULT_PADDING, FONT, FONT_BOLD, register_fonts

    register_fonts()
    sample = rows[:500]
    floors, wants = [], []
    for i, header in enumerate(headers):
        cells = [str(r[i]) for r in sample if i < len(r)]
        words = [(w, FONT) for c in cells for w in c.split(" ")] + [
            (w, FONT_BOLD) for w in str(header).split()
        ]
        floor = max((stringWidth(w, font, 8) for w, font in words), default=0) + 2 * DEFAULT_PADDING + 2
        lengths = sorted(stringWidth(c, FONT, 8) for c in cells) or [0]
        floors.append(floor)
        wants.append(max(min(lengths[int(len(lengths) * 0.9)], 60 * mm) + 2 * DEFAULT_PADDING, floor))
    spare = total - sum(floors)
    if spare <= 0:
        return [total * f / sum(floors) for f in floors]
    extra = [w - f for w, f in zip(wants, floors, strict=True)]
    share = min(1.0, spare / (sum(extra) or 1))
    widths = [f + e * share for f, e in zip(floors, extra, strict=True)]
    left = total - sum(widths)  # room still free: to the columns that wrap the most
    return [
        w + left * e / (sum(extra) or 1) if sum(extra) else w + left / len(widths)
        for w, e in zip(widths, extra, strict=True)
    ]


def build_table_report(
    out_path: Path,
    *,
    organisation: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    subtitle: str = "",
    printed_on: dt.date | None = None,
    numeric_columns: Sequence[int] = (),
) -> int:
    """Write the list as a PDF ready to print; returns the page count."""
    st = styles()
    printed_on = printed_on or dt.date.today()
    story = [
        Paragraph(escape(f"{title} — {organisation}"), st["h1"]),
        Paragraph(
            escape(
                f"Imprimé le {fmt.date(printed_on)} ; {len(rows)} ligne{'s' if len(rows) > 1 else ''}"
                + (f" ; {subtitle}" if subtitle else "")
                + "."
            ),
            st["body"],
        ),
        Spacer(1, 3 * mm),
        data_table(
            list(headers),
            [[escape(str(c)) for c in r] for r in rows],
            column_widths(headers, rows),
            numeric_columns=numeric_columns,
        ),
    ]
    return build_document(
        out_path,
        story,
        organisation=organisation,
        title=title,
        footer=f"{title} — imprimé le {fmt.date(printed_on)}",
        pagesize=landscape(A4),
    )
