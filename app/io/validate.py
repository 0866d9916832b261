"""Row validation: a located table in, plain rows and problems out. Never raises for bad cells:
every cell that cannot be read is a ``Problem`` (row, column, value, what is wrong, what is expected).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass
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
_CELL_ERRORS = (CellError, InvalidValue, ValueError, OverflowError, TypeError)


@dataclass(frozen=True, slots=True)
class _Failure:
    """A cell that could not be read, in a parsed column."""

    shown: str
    message: str


def _parse_column(
    rows: list[list[object]], index: int, parse: Callable[[object], object], memo: bool
) -> list:
    """Column ``index`` of ``rows`` parsed: for each row its value, ``_BLANK`` or a ``_Failure``.
    With ``memo`` (columns that repeat their values: services, suppliers, dates), each distinct cell
    is parsed once."""
    out: list[object] = []
    append = out.append
    seen: dict[object, object] = {}
    for row in rows:
        cell = row[index] if index < len(row) else None
        if cell is None or cell == "" or (cell.__class__ is str and not cell.strip()):
            append(_BLANK)
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
                continue
        try:
            value = parse(cell)
        except _CELL_ERRORS as exc:
            value = _Failure(_shown(cell), str(exc))
        if memo and key is not None and len(seen) < 200_000:
            seen[key] = value
        append(value)
    return out


def validate(table: Table, tpl: Template) -> Validation:
    """Check every data row of ``table``; bad cells become problems, good rows plain dicts.

    Column by column first (each column's parser over its cells, each distinct cell of a repetitive
    column parsed once), then row by row, in the sheet's order, to gather each row's values and
    problems."""
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
    for i, key in columns:
        col = tpl.column(key)
        memo = key != tpl.key_column and col.kind in _CACHED_KINDS
        parsed.append((col, col.required, _parse_column(data, i, _raw_parser(col), memo)))
    width = max(indexes, default=-1) + 1
    padding = [None] * width
    cross = _CROSS_CHECKS.get(tpl.kind)
    for offset, row in enumerate(data):
        number = first + offset + 1
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
        values: dict[str, object] = {}
        row_problems: list[Problem] = []
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
            if value == "" or value == []:
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
