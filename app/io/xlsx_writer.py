"""Safe Excel writer: real dates and euro amounts, frozen header, autofilter, column widths, and no
text cell that a spreadsheet would run as a formula (OWASP ASVS 1.2.10, CWE-1236, RELIABILITY R19).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.io.cells import FORMULA_TRIGGERS
from app.io.output import output_path

DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00\\ "€"'
DECIMAL_FORMAT = "#,##0.###"


# What XML 1.0 (so xlsx) cannot hold, openpyxl's ILLEGAL_CHARACTERS_RE plus lone surrogates. A
# NUL imported before the readers refused it, or typed through a DECP file, made the whole export
# fail with IllegalCharacterError; it is dropped from the copy written, never from the database.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def writable_text(text: str) -> str:
    """``text`` without the characters a spreadsheet file cannot carry."""
    return _UNWRITABLE.sub("", text) if _UNWRITABLE.search(text) else text


def escape_formula(text: str) -> str:
    """Drop unwritable characters, then prefix one apostrophe to text a spreadsheet would take for
    a formula or a DDE payload."""
    text = writable_text(text)
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


@dataclass(frozen=True)
class SheetSpec:
    title: str
    headers: Sequence[str]
    kinds: Sequence[str]  # per column: text, money, decimal, int, date, bool, list...
    widths: Sequence[int]
    rows: Iterable[Sequence[object]]


def _cell_value(value: object, kind: str) -> tuple[object, str | None]:
    """The value to write and its number format."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("oui" if value else "non"), None
    if isinstance(value, dt.datetime):
        return value, "DD/MM/YYYY HH:MM"
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal | int | float):
        if kind == "money":
            return value, EURO_FORMAT
        if kind == "decimal":
            return value, DECIMAL_FORMAT
        return value, None
    if isinstance(value, list | tuple):
        value = " ; ".join(str(v) for v in value)
    if hasattr(value, "value") and not isinstance(value, str):  # an enum: write its French label
        from app.enums import label

        value = label(value)  # type: ignore[arg-type]
    return escape_formula(str(value)), "@"


def write_xlsx(path: Path, sheets: Sequence[SheetSpec]) -> int:
    """Write the sheets to ``path`` atomically (``output_path``); returns rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    written = 0
    for spec in sheets:
        ws = workbook.create_sheet(spec.title[:31])
        for index, width in enumerate(spec.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for text in spec.headers:
            cell = WriteOnlyCell(ws, value=escape_formula(text))
            cell.data_type = "s"
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = wrap
            header.append(cell)
        ws.append(header)
        count = 0
        for row in spec.rows:
            out = []
            for value, kind in zip(row, spec.kinds, strict=False):
                shown, fmt = _cell_value(value, kind)
                if fmt is None:
                    out.append(shown)
                    continue
                cell = WriteOnlyCell(ws, value=shown)
                if fmt == "@":
                    cell.data_type = "s"  # text stays text, even if it looks like a formula
                else:
                    cell.number_format = fmt
                out.append(cell)
            ws.append(out)
            count += 1
        last = get_column_letter(max(len(spec.headers), 1))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        written += count
    with output_path(path) as part:
        workbook.save(part)
    return written


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """French CSV (';', UTF-8 with BOM so Excel reads accents), RFC 4180 quoting, escaped formulas."""
    path = Path(path)
    count = 0
    with output_path(path) as part, open(part, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([escape_formula(h) for h in headers])
        for row in rows:
            out = []
            for value in row:
                if value is None:
                    out.append("")
                elif isinstance(value, bool):
                    out.append("oui" if value else "non")
                elif isinstance(value, dt.date):
                    out.append(value.strftime("%d/%m/%Y"))
                elif isinstance(value, Decimal | int | float):
                    out.append(str(value).replace(".", ","))
                elif isinstance(value, list | tuple):
                    out.append(escape_formula(" ; ".join(str(v) for v in value)))
                else:
                    out.append(escape_formula(str(value)))
            writer.writerow(out)
            count += 1
    return count
