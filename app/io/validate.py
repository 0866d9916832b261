"""Row validation: a located table in, plain rows and problems out. Never raises for bad cells:
every cell that cannot be read is a ``Problem`` (row, column, value, what is wrong, what is expected).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from app.io import cells
from app.io.cells import CellError, is_blank, key_of
from app.io.readers import Table
from app.io.templates import Column, Template
from app.rules.values import InvalidValue, normalize_cpv, normalize_siret, siret_problem

_TOTAL = re.compile(r"^(sous |grand )?totau?[lx]\b|^montant total\b|^cumul\b")


@dataclass(frozen=True)
class Problem:
    row: int  # row number as the spreadsheet shows it (1-based); 0 for the whole file
    column: str  # French column label, "" for the whole row
    value: str
    message: str  # what is wrong
    expected: str = ""  # what is expected
    unit: str = "ligne"  # "ligne" for spreadsheets, "marché n°" for DECP records

    def __str__(self) -> str:
        where = f"{self.unit} {self.row}" if self.row else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        shown = f" (« {self.value} »)" if self.value else ""
        tail = f" ; attendu : {self.expected}" if self.expected else ""
        return f"{where}{shown} : {self.message}{tail}"


@dataclass(slots=True)  # one per row of the file: no per-instance __dict__
class ValidRow:
    row: int
    values: dict[str, object]


@dataclass
class Validation:
    rows: list[ValidRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid_rows: int = 0
    blank_rows: int = 0
    total_rows: int = 0  # "Total" lines skipped

    @property
    def ok(self) -> bool:
        return not self.problems


def _shown(value: object) -> str:
    try:
        text = cells.parse_text(value)
    except CellError:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _list_parser(col: Column) -> Callable[[object], list[str]]:
    def parse(value: object) -> list[str]:
        text = cells.parse_text(value)
        out: list[str] = []
        for part in re.split(r"[;\n|]", text):
            if not part.strip():
                continue
            found = col.choices.get(key_of(part))
            if found is None:
                raise CellError(f"« {part.strip()} » n'est pas une valeur reconnue")
            if found not in out:
                out.append(str(found))
        return out

    return parse


# Kinds whose columns repeat their values: each distinct cell is parsed once.
_CACHED_KINDS = ("text", "enum", "list", "siret", "cpv", "bool", "date")


def parse_cell(col: Column, value: object) -> object:
    """One cell read as the import reads it (``CellError`` when it cannot be)."""
    return _raw_parser(col)(value)


def _raw_parser(col: Column) -> Callable[[object], object]:
    kind = col.kind
    if kind == "text":
        limit = col.max_length

        def parse_text(value: object) -> str:
            text = cells.parse_text(value)
            if limit and len(text) > limit:
                raise CellError(f"le texte dépasse {limit} caractères ({len(text)})")
            return text

        return parse_text
    if kind == "place":

        def parse_place(value: object) -> str:
            # "Château-Renault (37110)", "37063", "2A004": the code; a plain name ("Territoire
            # communautaire") gives no code, and the place stays unknown rather than invented.
            text = cells.parse_text(value).strip()
            found = re.search(r"\b(\d{5}|2[AB]\d{3}|\d{2,3})\b", text.upper())
            return found.group(1) if found else ""

        return parse_place
    if kind == "money":

        def parse_money(value: object) -> object:
            amount = cells.parse_money(value)
            if amount < 0:
                raise CellError("le montant est négatif")
            return amount

        return parse_money
    if kind == "decimal":

        def parse_positive(value: object) -> object:
            number = cells.parse_decimal(value)
            if number < 0 or abs(number) >= 10**9:
                raise CellError("la valeur doit être positive ou nulle et raisonnable")
            return number.quantize(cells.Decimal("0.001"))

        return parse_positive
    if kind == "int":

        def parse_int(value: object) -> int:
            number = cells.parse_int(value)
            if number < 0:
                raise CellError("le nombre est négatif")
            return number

        return parse_int
    if kind == "date":
        return cells.parse_date
    if kind == "bool":
        return cells.parse_bool
    if kind == "rate":
        return cells.parse_rate
    if kind == "siret":

        def parse_siret(value: object) -> str:
            text = cells.parse_text(value)
            problem = siret_problem(text)
            if problem:
                raise CellError(problem.rstrip("."))
            return normalize_siret(text)

        return parse_siret
    if kind == "cpv":

        def parse_cpv(value: object) -> str:
            text = cells.parse_text(value).replace(" ", "")
            try:
                return normalize_cpv(text)
            except InvalidValue as exc:
                raise CellError("ce n'est pas un code CPV") from exc

        return parse_cpv
    if kind == "enum":
        choices = col.choices
        codes = {m.value: m for m in col.enum_cls} if col.enum_cls else {}

        def parse_enum(value: object) -> object:
            text = cells.parse_text(value)
            found = choices.get(key_of(text)) or codes.get(text)  # a label, or the stored code
            if found is None:
                raise CellError("valeur non reconnue")
            return found

        return parse_enum
    if kind == "list":
        return _list_parser(col)
    raise ValueError(f"unknown column kind {kind}")  # pragma: no cover - templates are ours


def _looks_total(cell: object) -> bool:
    if not isinstance(cell, str):
        return False
    head = cell.lstrip()[:1].lower()
    return head in ("t", "s", "c", "m", "g") and bool(_TOTAL.match(key_of(cell)))


def _is_total(row: list[object], key_index: int | None) -> bool:
    """A 'Total' line: its key cell is blank or says total, and one of its first cells says total."""
    if key_index is not None and key_index < len(row):
        key_cell = row[key_index]
        if not is_blank(key_cell) and not _looks_total(key_cell):
            return False
    return any(_looks_total(cell) for cell in row[:6])


_BLANK = object()  # an empty cell, in a parsed column
_EMPTY = object()  # a cell that reads as nothing ("" or no list item): missing, but not a blank cell
_CELL_ERRORS = (CellError, InvalidValue, ValueError, OverflowError, TypeError)


@dataclass(frozen=True, slots=True)
class _Failure:
    """A cell that could not be read, in a parsed column."""

    shown: str
    message: str


@dataclass(slots=True)
class _Parsed:
    """One column's outcome for every data row: its value, ``_BLANK``, ``_EMPTY`` or a ``_Failure``;
    ``irregular`` lists the rows whose outcome is not a value (most columns have none)."""

    outcomes: list
    irregular: list[int]

    def blank(self, offset: int) -> None:
        self.outcomes.append(_BLANK)
        self.irregular.append(offset)

    def parse(self, offset: int, parse: Callable[[object], object], cell: object) -> None:
        """The cell read by the column's parser: the general path, and every problem's message."""
        value = _outcome(parse, cell)
        self.outcomes.append(value)
        if value is _EMPTY or value.__class__ is _Failure:
            self.irregular.append(offset)


def _outcome(parse: Callable[[object], object], cell: object) -> object:
    try:
        value = parse(cell)
    except _CELL_ERRORS as exc:
        return _Failure(_shown(cell), str(exc))
    if value == "" or value == []:
        return _EMPTY
    return value


def _parse_column(
    rows: list[list[object]], index: int, parse: Callable[[object], object], memo: bool
) -> _Parsed:
    """Column ``index`` of ``rows`` parsed. With ``memo`` (columns that repeat their values: services,
    suppliers, dates), each distinct cell is parsed once."""
    out: list[object] = []
    irregular: list[int] = []
    append = out.append
    seen: dict[object, object] = {}
    for offset, row in enumerate(rows):
        cell = row[index] if index < len(row) else None
        if cell is None or cell == "" or (cell.__class__ is str and not cell.strip()):
            append(_BLANK)
            irregular.append(offset)
            continue
        # 1 == 1.0 == True: a number is remembered with its type; a text never equals a tuple.
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        if memo:
            try:
                hit = seen.get(key, seen)
            except TypeError:  # unhashable: parsed every time
                hit, key = seen, None
            if hit is not seen:
                append(hit)
                if hit is _EMPTY or hit.__class__ is _Failure:
                    irregular.append(offset)
                continue
        value = _outcome(parse, cell)
        if memo and key is not None and len(seen) < 200_000:
            seen[key] = value
        append(value)
        if value is _EMPTY or value.__class__ is _Failure:
            irregular.append(offset)
    return _Parsed(out, irregular)


# Fast paths: the cells most files hold (real dates, amounts as numbers or "1234,56", plain texts)
# are read inline, giving exactly what the column's parser gives; every other cell goes to that
# parser (``_outcome``), so each problem keeps its message.
_THOUSANDTH = Decimal("0.001")


def _number_column(
    rows: list[list[object]],
    index: int,
    parse: Callable[[object], object],
    quantum: Decimal,
    rounding: str | None,
    limit: int,
) -> _Parsed:
    """A ``money`` or ``decimal`` column: non-negative floats and ints, and plain « 1234,56 » texts,
    below ``limit``, quantized inline as the column's parser does (``rounding`` None: the context's)."""
    fullmatch = cells.PLAIN_NUMBER.fullmatch
    float_limit = limit / 10  # the float's shortest repr stays below the limit
    column = _Parsed([], [])
    append = column.outcomes.append
    for offset, row in enumerate(rows):
        cell = row[index] if index < len(row) else None
        kind = cell.__class__
        number = None
        if kind is float:
            if 0 <= cell < float_limit:  # finite: Decimal(repr()) as cells.parse_decimal does
                number = Decimal(repr(cell))
        elif kind is str:
            if fullmatch(cell):
                number = Decimal(cell.replace(",", "."))
                if number >= limit:
                    number = None
            elif not cell.strip():
                column.blank(offset)
                continue
        elif kind is int:
            if 0 <= cell < limit:
                number = Decimal(cell)
        elif cell is None:
            column.blank(offset)
            continue
        if number is not None:
            append(number.quantize(quantum, rounding) if rounding else number.quantize(quantum))
        else:
            column.parse(offset, parse, cell)
    return column


_NONE_TYPE = type(None)


def _repeated_column(rows: list[list[object]], index: int, parse: Callable[[object], object]) -> _Parsed:
    """A column of texts that repeat (services, suppliers, families…): each distinct text is parsed
    once, then every cell takes its text's outcome. Other cells (numbers, dates): cell by cell."""
    column = [row[index] if index < len(row) else None for row in rows]
    if not set(map(type, column)) <= {str, _NONE_TYPE}:
        return _parse_column(rows, index, parse, memo=True)
    outcome: dict[object, object] = {}
    irregular_cells = set()
    for cell in dict.fromkeys(column):
        value = _BLANK if cell is None or not cell.strip() else _outcome(parse, cell)
        outcome[cell] = value
        if value is _BLANK or value is _EMPTY or value.__class__ is _Failure:
            irregular_cells.add(cell)
    out = list(map(outcome.__getitem__, column))
    if not irregular_cells:
        return _Parsed(out, [])
    return _Parsed(out, [n for n, cell in enumerate(column) if cell in irregular_cells])


def _date_column(rows: list[list[object]], index: int, parse: Callable[[object], object]) -> _Parsed:
    """A ``date`` column: real dates inline; texts and numbers parsed once per distinct cell."""
    date_type, datetime_type = dt.date, dt.datetime
    column = _Parsed([], [])
    append = column.outcomes.append
    seen: dict[object, object] = {}
    for offset, row in enumerate(rows):
        cell = row[index] if index < len(row) else None
        kind = cell.__class__
        if kind is date_type:
            append(cell)
            continue
        if kind is datetime_type:
            append(cell.date())
            continue
        if cell is None or cell == "" or (kind is str and not cell.strip()):
            column.blank(offset)
            continue
        key = cell if kind is str else (kind, cell)
        try:
            value = seen[key]
        except KeyError:
            value = seen[key] = _outcome(parse, cell)
        except TypeError:  # unhashable: parsed every time
            value = _outcome(parse, cell)
        append(value)
        if value is _EMPTY or value.__class__ is _Failure:
            column.irregular.append(offset)
    return column


def _text_column(
    rows: list[list[object]], index: int, parse: Callable[[object], object], limit: int | None
) -> _Parsed:
    """A ``text`` column whose values do not repeat (the key column): texts without a character
    ``cells.parse_text`` refuses (checked once over the whole column), without a leading apostrophe
    and within the length limit, are their stripped selves."""
    column = [row[index] if index < len(row) else None for row in rows]
    texts = [cell for cell in column if cell.__class__ is str]
    if cells.forbidden_problem("\n".join(texts)) is not None:  # some cell is refused: cell by cell
        return _parse_column(rows, index, parse, memo=False)
    limit = limit or 1 << 62
    parsed = _Parsed([], [])
    append = parsed.outcomes.append
    for offset, cell in enumerate(column):
        if cell.__class__ is str:
            text = cell.strip()
            if not text:
                parsed.blank(offset)
                continue
            if text[0] != "'" and len(text) <= limit:
                append(text)
                continue
        elif cell is None:
            parsed.blank(offset)
            continue
        parsed.parse(offset, parse, cell)
    return parsed


def _parsed_column(
    col: Column, rows: list[list[object]], index: int, parse: Callable[[object], object], memo: bool
) -> _Parsed:
    if col.kind == "money":
        return _number_column(rows, index, parse, cells.CENT, ROUND_HALF_UP, 10**12)
    if col.kind == "decimal":
        return _number_column(rows, index, parse, _THOUSANDTH, None, 10**9)
    if col.kind == "date":
        return _date_column(rows, index, parse)
    if col.kind == "text" and not memo:
        return _text_column(rows, index, parse, col.max_length)
    if memo:
        return _repeated_column(rows, index, parse)
    return _parse_column(rows, index, parse, memo)


def validate(table: Table, tpl: Template) -> Validation:
    """Check every data row of ``table``; bad cells become problems, good rows plain dicts.

    Column by column first (each column's parser over its cells, each distinct cell of a repetitive
    column parsed once), then row by row, in the sheet's order, to gather each row's values and
    problems. A row whose every cell was read and whose required cells are all there takes a short
    path; the others go through every check."""
    result = Validation()
    columns = sorted(table.columns.items())
    indexes = [i for i, _key in columns]
    key_index = next((i for i, key in columns if key == tpl.key_column), None)
    absent_required = [c for c in tpl.columns if c.required and c.key not in table.columns.values()]
    for col_label in table.missing_required:
        result.problems.append(
            Problem(
                table.header_row + 1,
                col_label,
                "",
                "colonne obligatoire absente",
                f"une colonne « {col_label} » dans la ligne d'en-tête",
            )
        )
    first = table.header_row + 1
    data = table.rows[first:]
    parsed = []
    checked: set[int] = set()  # rows that need every check: a failure, or a required cell missing
    dense: list[tuple[str, list]] = []  # columns with a value on every row
    sparse: list[tuple[str, list]] = []  # columns with a value on some rows only
    for i, key in columns:
        col = tpl.column(key)
        memo = key != tpl.key_column and col.kind in _CACHED_KINDS
        column = _parsed_column(col, data, i, _raw_parser(col), memo)
        outcomes = column.outcomes
        parsed.append((col, col.required, outcomes))
        if not column.irregular:
            dense.append((key, outcomes))
            continue
        if col.required:
            checked.update(column.irregular)
        else:
            checked.update(n for n in column.irregular if outcomes[n].__class__ is _Failure)
        if len(column.irregular) < len(data):
            sparse.append((key, outcomes))
    key_required = key_index is not None and tpl.column(tpl.key_column).required
    if absent_required or not key_required:
        checked = set(range(len(data)))  # no short path: a row may be blank, or its key cell empty
    dense_keys = [key for key, _outcomes in dense]
    width = max(indexes, default=-1) + 1
    padding = [None] * width
    cross = _CROSS_CHECKS.get(tpl.kind)
    by_row = zip(*(o for _k, o in dense), strict=True) if dense else [()] * len(data)
    for offset, (row, dense_values) in enumerate(zip(data, by_row, strict=True)):
        number = first + offset + 1
        if offset not in checked:  # every cell read, the required ones there: its key cell is a value
            key_cell = row[key_index]
            if key_cell.__class__ is str and key_cell[0] in _TOTAL_HEADS and _is_total(row, key_index):
                result.total_rows += 1
                continue
            values = dict(zip(dense_keys, dense_values, strict=True))
            for key, outcomes in sparse:
                value = outcomes[offset]
                if value is not _BLANK and value is not _EMPTY:
                    values[key] = value
            row_problems = cross(number, values) if cross is not None else None
            if row_problems:
                result.invalid_rows += 1
                result.problems.extend(row_problems)
            else:
                result.rows.append(ValidRow(number, values))
            continue
        if len(row) < width:
            row = [*row, *padding[: width - len(row)]]
        if key_index is not None:
            key_cell = row[key_index]
            if (
                key_cell.__class__ is str
                and key_cell
                and key_cell[0] in _TOTAL_HEADS
                and _is_total(row, key_index)
            ):
                result.total_rows += 1
                continue
        values = {}
        row_problems = []
        blanks = 0
        for col, required, outcomes in parsed:
            value = outcomes[offset]
            if value is _BLANK:
                blanks += 1
                if required:
                    row_problems.append(Problem(number, col.label, "", "valeur manquante", col.expected))
                continue
            if value.__class__ is _Failure:
                row_problems.append(Problem(number, col.label, value.shown, value.message, col.expected))
                continue
            if value is _EMPTY:
                if required:
                    row_problems.append(Problem(number, col.label, "", "valeur manquante", col.expected))
                continue
            values[col.key] = value
        if blanks == len(parsed):
            result.blank_rows += 1
            continue
        if (key_index is None or is_blank(row[key_index])) and _is_total(row, key_index):
            result.total_rows += 1
            continue
        for col in absent_required:
            values.pop(col.key, None)
        if cross is not None:
            row_problems.extend(cross(number, values))
        if row_problems:
            result.invalid_rows += 1
            result.problems.extend(row_problems)
        else:
            result.rows.append(ValidRow(number, values))
    _duplicates(tpl, result)
    return result


_TOTAL_HEADS = frozenset("tTsScCmMgG")


def _cross_checks(kind: str, number: int, values: dict[str, object]) -> list[Problem]:
    problems: list[Problem] = []
    if kind == "contracts":
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:  # type: ignore[operator]
            problems.append(
                Problem(
                    number,
                    "Date de fin",
                    cells.parse_text(end),
                    "la fin est avant le début",
                    "une date de fin postérieure à la date de début",
                )
            )
    elif kind == "orders":
        ordered, latest = values.get("order_date"), values.get("latest_delivery_date")
        if ordered and latest and latest < ordered:  # type: ignore[operator]
            problems.append(
                Problem(
                    number,
                    "Livraison au plus tard",
                    cells.parse_text(latest),
                    "la livraison est avant la commande",
                    "une date postérieure à la date de commande",
                )
            )
    return problems


_CROSS_CHECKS: dict[str, Callable[[int, dict[str, object]], list[Problem]]] = {
    "contracts": lambda number, values: _cross_checks("contracts", number, values),
    "orders": lambda number, values: (
        _cross_checks("orders", number, values) if "latest_delivery_date" in values else []
    ),
}


def _duplicates(tpl: Template, result: Validation) -> None:
    """The same order number or contract reference twice in one file is ambiguous."""
    key = tpl.key_column
    label = tpl.column(key).label
    seen: dict[str, int] = {}
    kept: list[ValidRow] = []
    for row in result.rows:
        value = row.values.get(key)
        if value in (None, ""):
            kept.append(row)
            continue
        folded = str(value).casefold()
        if folded in seen:
            result.problems.append(
                Problem(
                    row.row,
                    label,
                    str(value),
                    f"déjà présent à la ligne {seen[folded]}",
                    "une valeur unique dans le fichier",
                )
            )
            result.invalid_rows += 1
            continue
        seen[folded] = row.row
        kept.append(row)
    result.rows = kept
