"""Cell values as French offices type them: "1 234,56 €", "05/03/2024", "oui", "'=texte".

Each ``parse_*`` function takes a raw cell (str, float, int, bool, date, datetime or None as the
readers return them) and returns a typed value, or raises ``CellError`` with a French explanation of
what is wrong; the validator turns that into a reported problem.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|eur(os?)?|ht|ttc)$", re.IGNORECASE)
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_YMD = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:[+-]\d{2}:\d{2}|Z)?$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Digits with at most one decimal comma or point: read as the general path below reads them (the
# column readers of ``validate`` take the same shortcut).
PLAIN_NUMBER = re.compile(r"\d{1,15}(?:[.,]\d{1,12})?")
# Characters that no office text holds and that break what comes after (an xlsx export refuses
# them, a CSV export carries them on): C0 controls but tab and line breaks, and lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_TRUE = {"oui", "o", "vrai", "x", "1", "yes", "y", "true", "ok"}
_FALSE = {"non", "n", "faux", "0", "no", "false", ""}


class CellError(ValueError):
    """A cell that cannot be read as the expected type; ``str()`` is a French sentence."""


def fold(text: str) -> str:
    """Lower case without accents nor extra spaces: ' Numéro  BC ' -> 'numero bc'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.replace("œ", "oe").replace("’", "'").replace("°", "o")
    return " ".join(bare.split())


def key_of(text: str) -> str:
    """Matching key of a header or label: folded, punctuation removed ('N° de commande' -> 'no de commande')."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def unescape_text(text: str) -> str:
    """Undo our export's formula escaping: exactly one leading apostrophe before a trigger character."""
    if len(text) >= 2 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def parse_text(value: object) -> str:
    """Any cell as text; integral floats lose their '.0' (a SIRET read as a number stays 14 digits)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("la cellule contient une valeur numérique invalide")
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    problem = forbidden_problem(text)
    if problem:
        raise CellError(problem)
    return unescape_text(text.strip())


def forbidden_problem(text: str) -> str | None:
    """French explanation if ``text`` holds a character no office text holds (NUL, a control
    character, a lone surrogate), else None. For every reader of user files, DECP included."""
    bad = _FORBIDDEN.search(text)
    return forbidden_character(bad.group()) if bad else None


def forbidden_character(char: str) -> str:
    """French explanation of a character refused in a cell."""
    code = ord(char)
    if code == 0:
        what = "un caractère nul (code 0), signe d'un fichier abîmé ou mal converti"
    elif 0xD800 <= code <= 0xDFFF:
        what = "un caractère Unicode incomplet (moitié de paire de substitution), signe d'un texte abîmé"
    else:
        what = f"un caractère de contrôle invisible (code {code})"
    return f"la cellule contient {what} : retirez-le dans votre tableur puis importez de nouveau"


def parse_decimal(value: object) -> Decimal:
    """'1 234,56 €', '1.234,56', '1,234.56', 1234.56 -> Decimal('1234.56') (not rounded)."""
    if isinstance(value, bool):
        raise CellError("un montant est attendu, pas oui/non")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("la cellule contient une valeur numérique invalide")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError("la cellule contient une valeur numérique invalide")
        return value
    if isinstance(value, dt.date):
        raise CellError("une date a été trouvée là où un nombre est attendu")
    if value.__class__ is str and PLAIN_NUMBER.fullmatch(value):  # "1234,56": most CSV cells
        return Decimal(value.replace(",", "."))
    text = _SPACES.sub("", str(value))
    text = _CURRENCY.sub("", text)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")  # 1.234,56
        else:
            text = text.replace(",", "")  # 1,234.56
    elif "," in text:
        if text.count(",") > 1:
            raise CellError("le nombre contient plusieurs virgules")
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.234.567
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise CellError("ce n'est pas un nombre")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex above guards it
        raise CellError("ce n'est pas un nombre") from exc
    return -number if negative else number


def parse_money(value: object) -> Decimal:
    amount = parse_decimal(value)
    if abs(amount) >= Decimal("1e12"):
        raise CellError("le montant est démesuré")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_int(value: object) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError("un nombre entier est attendu")
    if abs(number) >= 10**9:
        raise CellError("le nombre est démesuré")
    return int(number)


def parse_date(value: object) -> dt.date:
    """Real dates, 'dd/mm/yyyy' (or dd/mm/yy, dd-mm-yyyy, dd.mm.yyyy), ISO 'yyyy-mm-dd', Excel serials."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("une date est attendue, pas oui/non")
    if isinstance(value, int | float):
        if value != value or not 1 <= value < 2958466:
            raise CellError("ce nombre n'est pas une date")
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    match = _DATE_DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            return dt.date(year, month, day)
        match = _DATE_YMD.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError("cette date n'existe pas") from exc
    raise CellError("ce n'est pas une date")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = fold(str(value)) if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("oui ou non est attendu")


def quantize_rate(value: Decimal) -> Decimal:
    """A rate typed as '30 %' or 30 or 0,3 -> Decimal('0.3000')."""
    if value > 1:
        value = value / 100
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def parse_rate(value: object) -> Decimal:
    if isinstance(value, str):
        value = value.replace("%", "")
    rate = quantize_rate(parse_decimal(value))
    if not 0 <= rate <= 1:
        raise CellError("un taux entre 0 et 100 % est attendu")
    return rate
