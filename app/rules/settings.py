"""Dated settings: which value of a threshold or target is in force on a given date.

Thresholds change with the law (EU thresholds every two years, the no-publicity threshold on
2026-04-01...). They are never literals in code: rules ask a ``Settings`` snapshot for the value in
force on the date that matters (notification, launch of the consultation, CAD year...).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DatedValue:
    key: str
    value: str
    valid_from: dt.date
    kind: str = "text"
    unit: str | None = None
    label: str = ""
    source: str = ""
    to_verify: bool = False
    organisation_specific: bool = False


class MissingSetting(KeyError):
    def __str__(self) -> str:
        return f"Réglage « {self.args[0]} » introuvable à la date demandée."


class Settings:
    """An immutable view of the settings of one organisation (its own values over the defaults)."""

    def __init__(self, values: Iterable[DatedValue]) -> None:
        by_key: dict[str, list[DatedValue]] = defaultdict(list)
        for value in values:
            by_key[value.key].append(value)
        # Latest date wins; on the same date the organisation's own value wins over the default.
        self._by_key = {
            key: sorted(items, key=lambda v: (v.valid_from, v.organisation_specific))
            for key, items in by_key.items()
        }

    def entry(self, key: str, on: dt.date) -> DatedValue:
        candidates = [v for v in self._by_key.get(key, ()) if v.valid_from <= on]
        if not candidates:
            raise MissingSetting(key)
        return candidates[-1]

    def history(self, key: str) -> list[DatedValue]:
        return list(self._by_key.get(key, ()))

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def raw(self, key: str, on: dt.date) -> str:
        return self.entry(key, on).value

    def amount(self, key: str, on: dt.date) -> Decimal:
        return Decimal(self.raw(key, on))

    def rate(self, key: str, on: dt.date) -> Decimal:
        return Decimal(self.raw(key, on))

    def integer(self, key: str, on: dt.date) -> int:
        return int(Decimal(self.raw(key, on)))

    def date(self, key: str, on: dt.date) -> dt.date:
        return dt.date.fromisoformat(self.raw(key, on))


def validate_setting_value(kind: str, value: str) -> str | None:
    """French explanation of why ``value`` is not acceptable for a setting of ``kind``, or None."""
    from decimal import InvalidOperation

    text = value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    try:
        if kind == "amount":
            if Decimal(text) < 0:
                return "Un montant ne peut pas être négatif."
        elif kind == "rate":
            rate = Decimal(text)
            if not Decimal(0) <= rate <= Decimal(1):
                return "Un taux doit être compris entre 0 et 1 (par exemple 0,40 pour 40 %)."
        elif kind in ("integer", "duration"):
            number = Decimal(text)
            if number != number.to_integral_value() or number < 0:
                return "La valeur doit être un nombre entier positif."
        elif kind == "date":
            dt.date.fromisoformat(value.strip())
    except (InvalidOperation, ValueError):
        expected = {"date": "une date AAAA-MM-JJ", "rate": "un taux entre 0 et 1"}.get(kind, "un nombre")
        return f"« {value} » n'est pas valable : attendu {expected}."
    return None
