"""Read a spreadsheet (.xlsx through python-calamine) or a French CSV into rows of raw cells, and find
the header row (possibly below a title) by matching it against a template.

Every failure is an ``ImportRejected`` with a French message; no parser sees a file before
``safety`` checked it.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ImportRejected
from app.io import safety
from app.io.cells import is_blank, key_of, parse_text
from app.io.templates import Template, header_index

HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 2


@dataclass
class RawSheet:
    """Cells as read, row 0 being the file's row 1."""

    name: str
    rows: list[list[object]]


@dataclass
class Table:
    """A sheet with its header located: ``columns`` maps a cell index to a template column key."""

    path: Path
    sheet: str
    header_row: int  # 0-based index in ``rows``
    headers: list[str]
    columns: dict[int, str]
    unmatched: list[tuple[int, str]]  # headers that match no column (index, header text)
    missing_required: list[str]  # labels of required columns not found
    rows: list[list[object]] = field(repr=False)

    @property
    def data_rows(self) -> int:
        return max(0, len(self.rows) - self.header_row - 1)


def _fill_merged(rows: list[list[object]], ranges: list) -> None:
    """Give every cell of a merged range the value of its top-left cell (a service merged over rows)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and is_blank(row[c]):
                    row[c] = value


def read_xlsx(path: Path) -> list[RawSheet]:
    safety.check_zip(path)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ImportRejected(
            f"Le classeur « {path.name} » est endommagé ou n'est pas un vrai classeur Excel ({exc})."
        ) from exc
    except Exception as exc:  # calamine raises its own errors for broken parts
        raise ImportRejected(f"Le classeur « {path.name} » ne peut pas être lu ({exc}).") from exc
    sheets: list[RawSheet] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(getattr(meta, "typ", "")).endswith("ChartSheet"):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if max(sheet.height, sheet.total_height) > safety.MAX_ROWS + HEADER_SCAN_ROWS:
                raise ImportRejected(
                    f"La feuille « {meta.name} » compte plus de {safety.MAX_ROWS:,} lignes".replace(
                        ",", "\u202f"
                    )
                    + " : découpez le fichier en plusieurs fichiers plus petits."
                )
            rows = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
            if ranges:
                _fill_merged(rows, ranges)
            sheets.append(RawSheet(meta.name, rows))
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(f"Le classeur « {path.name} » ne peut pas être lu ({exc}).") from exc
    return sheets


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as French Excel writes CSV."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(sample: str) -> str:
    """';' (French Excel), ',' or tab: the one that splits the first lines most consistently."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    best, best_score = ";", -1.0
    for delimiter in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=delimiter))) - 1 for line in lines]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        # Many columns, the same on most lines.
        common = max(set(counts), key=counts.count)
        score = common * counts.count(common) / len(lines)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path) -> list[RawSheet]:
    text = decode_text(path.read_bytes())
    delimiter = sniff_delimiter(text[:20000])
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > safety.MAX_ROWS + HEADER_SCAN_ROWS:
                raise ImportRejected(
                    f"Le fichier « {path.name} » compte plus de {safety.MAX_ROWS:,} lignes".replace(
                        ",", "\u202f"
                    )
                    + " : découpez-le en plusieurs fichiers plus petits."
                )
    except csv.Error as exc:
        raise ImportRejected(f"Le fichier CSV « {path.name} » est mal formé ({exc}).") from exc
    return [RawSheet(path.stem, rows)]


def read_sheets(path: Path) -> list[RawSheet]:
    kind = safety.sniff_kind(path)
    if kind == "xlsx":
        return read_xlsx(path)
    if kind == "json":
        raise ImportRejected(
            f"Le fichier « {path.name} » est un fichier JSON : pour des données DECP, choisissez "
            "l'import « Données essentielles (DECP) »."
        )
    return read_csv(path)


def _header_text(value: object) -> str:
    try:
        return parse_text(value)
    except ValueError:
        return ""


def locate_header(
    sheet: RawSheet, tpl: Template, mapping: dict[str, str] | None = None
) -> tuple[int, dict[int, str]] | None:
    """The header row (0-based) and its matched columns, or None. ``mapping``: header key -> column key,
    chosen by the user for headers the template does not know ("" to ignore a column)."""
    index = header_index(tpl)
    extra = {k: v for k, v in (mapping or {}).items() if v}
    ignored = {k for k, v in (mapping or {}).items() if not v}  # « ne pas importer », even if known
    best: tuple[int, dict[int, str]] | None = None
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        matched: dict[int, str] = {}
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or not cell.strip():
                continue
            key = key_of(cell)
            column = extra.get(key) or (None if key in ignored else index.get(key))
            if column and column not in matched.values():
                matched[c] = column
        if len(matched) >= MIN_HEADER_MATCHES and (best is None or len(matched) > len(best[1])):
            best = (r, matched)
    return best


def open_table(
    path: Path,
    tpl: Template,
    mapping: dict[str, str] | None = None,
    *,
    reader: Callable[[Path], list[RawSheet]] = read_sheets,
) -> Table:
    """Read ``path`` and find the header of ``tpl`` in its first sheet that has one."""
    path = Path(path)
    sheets = reader(path)
    if not any(any(not is_blank(c) for c in row) for s in sheets for row in s.rows):
        raise ImportRejected(f"Le fichier « {path.name} » ne contient aucune donnée.")
    for sheet in sheets:
        found = locate_header(sheet, tpl, mapping)
        if found is None:
            continue
        header_row, columns = found
        headers = [_header_text(c) for c in sheet.rows[header_row]]
        ignored = {k for k, v in (mapping or {}).items() if not v}
        unmatched = [
            (c, h) for c, h in enumerate(headers) if h and c not in columns and key_of(h) not in ignored
        ]
        present = set(columns.values())
        missing = [col.label for col in tpl.columns if col.required and col.key not in present]
        return Table(path, sheet.name, header_row, headers, columns, unmatched, missing, sheet.rows)
    expected = ", ".join(f"« {c.label} »" for c in tpl.columns if c.required)
    raise ImportRejected(
        f"Aucune ligne d'en-tête reconnue dans « {path.name} » (30 premières lignes de chaque feuille). "
        f"Pour un fichier de {tpl.title.lower()}, il faut au moins les colonnes {expected}. "
        "Partez du fichier modèle (menu Fichier › Importer › Enregistrer le modèle)."
    )
