"""French display of numbers, money and dates (Babel fr_FR data, identical on every OS); used by the UI, reports and exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "fr_FR"


def money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return format_currency(value, "EUR", locale=LOCALE)


def number(value: Decimal | float | int | None, digits: int = 0) -> str:
    if value is None:
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=LOCALE)


def percent(value: Decimal | float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    return format_percent(value, format=fmt, locale=LOCALE)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word agreeing with n, without the number: « a » / « ont », « lue » / « lues »
    (French keeps the singular below 2: « 0 marché », « 1,5 jour »)."""
    return singular if abs(n) < 2 else plural_form or singular + "s"


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 marché », « 1 marché », « 2 marchés », « 1 200 lignes lues »: the number in French
    digits and the noun (with its adjectives, given whole in plural_form when adding an s is wrong)."""
    return f"{number(n)} {plural(n, singular, plural_form)}"


def date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def long_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return format_date(value, format="long", locale=LOCALE)


def cell(value: object) -> str:
    """A spreadsheet cell as a French reader expects it: « 6 200,5 », « 01/12/2026 », « Oui »."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, format="#,##0.##########", locale=LOCALE)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def contract_amounts(threshold: Decimal | None, total: Decimal | None) -> str:
    """Which amount is shown, said in words: the clause sheet reads the amount the thresholds compare
    (estimated, or a framework's maximum) while the register and the CAD dossier show what the
    contract costs (notified, avenants included); when they differ, both are given and named."""
    if threshold is None and total is None:
        return "montant non renseigné"
    if total is None or threshold == total:
        return f"{money(threshold)} HT"
    if threshold is None:
        return f"{money(total)} HT, avenants compris"
    return (
        f"{money(threshold)} HT pour les seuils (montant estimé, ou maximum de l'accord-cadre) ; "
        f"{money(total)} HT au registre (montant notifié, avenants compris)"
    )
