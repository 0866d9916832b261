"""Read a spreadsheet (.xlsx through python-calamine) or a French CSV into rows of raw cells, and find
the header row (possibly below a title) by matching it against a template.

Every failure is an ``ImportRejected`` with a French message; no parser sees a file before
``safety`` checked it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ImportRejected
from app.io import safety
from app.io.cells import is_blank, key_of, parse_text
from app.io.templates import Template, header_index

log = logging.getLogger(__name__)

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


# python-calamine's errors are English sentences from Rust crates; the user gets a French reason
# (first match wins) and the original goes to the log.
_CALAMINE_REASONS = (
    (("password", "encrypt"), "il est protégé par un mot de passe"),
    (("zip", "archive", "central directory"), "l'archive .xlsx est endommagée"),
    (("unrecognized entity", "entity"), "une cellule contient un code XML inconnu (« &…; »)"),
    (("decode", "utf", "encoding"), "un texte du classeur est dans un encodage illisible"),
    (("eof", "unexpected end", "truncat"), "le fichier est incomplet (copie interrompue ?)"),
    (("xml", "tag", "attribute"), "le contenu d'une feuille est mal formé"),
    (("cannot find", "not found", "missing", "no such"), "une partie du classeur est manquante"),
)


def _unreadable_workbook(path: Path, exc: BaseException) -> ImportRejected:
    text = str(exc).lower()
    reason = next(
        (french for needles, french in _CALAMINE_REASONS if any(n in text for n in needles)),
        "une partie du classeur est illisible",
    )
    log.warning("calamine could not read %s: %s: %s", path.name, type(exc).__name__, exc)
    return ImportRejected(
        f"Le classeur « {path.name} » ne peut pas être lu : {reason}. Ouvrez-le dans votre tableur, "
        "enregistrez-le de nouveau (Fichier › Enregistrer sous › Classeur Excel .xlsx) puis importez-le."
    )


def read_xlsx(path: Path) -> list[RawSheet]:
    safety.check_zip(path)
    biggest = max(safety.worksheet_rows(path).values(), default=0)
    if biggest > safety.MAX_ROWS + HEADER_SCAN_ROWS:  # counted in the compressed XML: nothing loaded yet
        raise _too_many_rows(path)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, PasswordError, ZipError, XmlError, ValueError, OSError…
        raise _unreadable_workbook(path, exc) from exc
    sheets: list[RawSheet] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(getattr(meta, "typ", "")).endswith("ChartSheet"):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            # A sparse sheet (one cell in row 1 048 576) has few <row> elements but a huge height.
            if max(sheet.height, sheet.total_height) > safety.MAX_ROWS + HEADER_SCAN_ROWS:
                raise _too_many_rows(path, meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
            if ranges:
                _fill_merged(rows, ranges)
            sheets.append(RawSheet(meta.name, rows))
    except ImportRejected:
        raise
    except Exception as exc:
        raise _unreadable_workbook(path, exc) from exc
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


SCAN_CHUNK = 1 << 20
# Characters a French office file holds beyond ASCII: Latin-1 and Latin Extended-A letters, the
# typographic quotes, dashes, ellipsis, narrow spaces and the euro sign. A cp1252 line that
# happens to be valid UTF-8 decodes to other characters ("É\xa0" gives "ɠ"), so it is not
# taken as evidence of UTF-8.
_FRENCH_TEXT = re.compile("[\x00-\u017f\u2010-\u2026\u202f\u20ac\u2122]*")
_FRENCH_LETTER = re.compile("[\xa0-\u017f\u2010-\u2026\u202f\u20ac\u2122]")


@dataclass
class TextScan:
    """What one streaming pass over a text file found (RELIABILITY R18: never the whole file in memory)."""

    encoding: str  # codec name for ``open()``
    lines: int  # newline count (+1 for an unterminated last line): an upper bound of CSV rows
    utf8_line: int | None = None  # first line (1-based) that is UTF-8 beyond ASCII
    cp1252_line: int | None = None  # first line that is not valid UTF-8


def _classify_lines(block: bytes, first_line: int, scan: TextScan) -> None:
    """Note the first UTF-8 and the first non-UTF-8 line of ``block`` (only what is still unknown)."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the whole block is UTF-8: its first accented line is the evidence
        if scan.utf8_line is None:
            match = _FRENCH_LETTER.search(text)
            if match:
                scan.utf8_line = first_line + text.count("\n", 0, match.start())
        return
    for offset, line in enumerate(block.split(b"\n")):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            if scan.cp1252_line is None:
                scan.cp1252_line = first_line + offset
        else:
            if scan.utf8_line is None and _FRENCH_TEXT.fullmatch(text):
                scan.utf8_line = first_line + offset
        if scan.utf8_line is not None and scan.cp1252_line is not None:
            return


def scan_text_file(path: Path) -> TextScan:
    """Encoding and line count in one pass of 1 MiB chunks; a file mixing UTF-8 and Windows-1252
    lines (two exports pasted together) is refused here, naming a line of each."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return TextScan("utf-16", lines=0)  # counted while parsing
        scan = TextScan("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", lines=0)
        fh.seek(0)
        pending = b""
        while True:
            chunk = fh.read(SCAN_CHUNK)
            data = pending + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            block, pending = data[:cut], data[cut:]
            if block and not block.isascii() and (scan.utf8_line is None or scan.cp1252_line is None):
                _classify_lines(block, scan.lines + 1, scan)
            scan.lines += block.count(b"\n")
            if not chunk:
                if block and not block.endswith(b"\n"):
                    scan.lines += 1
                break
    if scan.cp1252_line is not None:
        if scan.utf8_line is not None:
            raise ImportRejected(
                f"Le fichier « {path.name} » mélange deux encodages de caractères : la ligne "
                f"{scan.utf8_line} est en UTF-8 et la ligne {scan.cp1252_line} en Windows-1252 (ANSI). "
                "Les accents seraient mal lus. Ouvrez-le dans votre tableur, corrigez les lettres "
                "accentuées mal affichées puis enregistrez-le au format « CSV UTF-8 »."
            )
        scan.encoding = "cp1252"
    return scan


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


def _too_many_rows(path: Path, sheet: str | None = None) -> ImportRejected:
    limit = f"{safety.MAX_ROWS:,}".replace(",", "\u202f")
    where = f"La feuille « {sheet} » du classeur « {path.name} »" if sheet else f"Le fichier « {path.name} »"
    return ImportRejected(
        f"{where} compte plus de {limit} lignes : découpez-le en plusieurs fichiers plus petits."
    )


def _csv_problem(path: Path, exc: csv.Error, line: int) -> ImportRejected:
    """The csv module's English (« field larger than field limit »…) as a French sentence."""
    text = str(exc)
    if "field larger" in text:
        reason = 'une cellule est démesurée, souvent un guillemet (") ouvert et jamais refermé'
    elif "new-line character" in text or "unquoted" in text:
        reason = "un retour à la ligne se trouve au milieu d'une cellule sans guillemets"
    else:
        reason = 'un guillemet (") est mal placé'
    return ImportRejected(
        f"Le fichier CSV « {path.name} » est mal formé vers la ligne {line} : {reason}. "
        "Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format CSV."
    )


def read_csv(path: Path) -> list[RawSheet]:
    """Stream the CSV: one pass to learn the encoding and count lines, then the parse, row by row,
    stopping at the row limit. A 200 MB file never sits in memory as one string."""
    scan = scan_text_file(path)
    limit = safety.MAX_ROWS + HEADER_SCAN_ROWS
    errors = "replace" if scan.encoding == "cp1252" else "strict"  # cp1252 leaves 5 bytes undefined
    reader = None
    try:
        with open(path, encoding=scan.encoding, errors=errors, newline="") as fh:
            delimiter = sniff_delimiter(fh.read(20000))
            reader = csv.reader(fh, delimiter=delimiter)
            if scan.lines > limit:  # lines bound the rows from above; quoted line breaks may lower them
                fh.seek(0)
                if sum(1 for _row in itertools.islice(reader, limit + 1)) > limit:  # stops past the limit
                    raise _too_many_rows(path)
                fh.seek(0)
                reader = csv.reader(fh, delimiter=delimiter)
            fh.seek(0)
            rows: list[list[object]] = []
            for row in reader:
                rows.append(row)
                if len(rows) > limit:
                    raise _too_many_rows(path)
    except csv.Error as exc:
        raise _csv_problem(path, exc, reader.line_num if reader is not None else 1) from exc
    except UnicodeDecodeError as exc:  # UTF-16 with a broken pair, or a race with the scan
        raise ImportRejected(
            f"Le fichier « {path.name} » contient des caractères illisibles dans l'encodage "
            f"{scan.encoding.upper()} : enregistrez-le de nouveau au format « CSV UTF-8 »."
        ) from exc
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
