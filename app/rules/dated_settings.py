"""Dated settings: which value of a threshold or target is in force on a given date.

Thresholds change with the law (EU thresholds every two years, the no-publicity threshold on
2026-04-01...). They are never literals in code: rules ask a ``Settings`` snapshot for the value in
force on the date that matters (notification, launch of the consultation, CAD year...). The values
come from the catalogue (``app.rules.settings_catalogue``) and the organisation's own choices,
resolved when read (``app.queries.organisation_settings``); code reads them through typed keys (``SettingKey``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


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
    # Whether the first value also applies before its date. True for most local choices (the town
    # reviews its older contracts by its SPASER); never for a legal value (before it, unknown).
    reaches_back: bool = False


class MissingSetting(KeyError):
    def __str__(self) -> str:
        return f"Réglage « {self.args[0]} » introuvable à la date demandée."


class UnverifiedSetting(MissingSetting):
    """The text sets a value on that date, but the catalogue does not know it (no verified source)."""

    def __str__(self) -> str:
        return f"Réglage « {self.args[0]} » : valeur fixée par le texte mais non vérifiée (à vérifier)."


def _parse_decimal(raw: str) -> Decimal:
    return Decimal(raw)


def _parse_int(raw: str) -> int:
    return int(Decimal(raw))


_PARSERS = {
    "amount": _parse_decimal,
    "rate": _parse_decimal,
    "integer": _parse_int,
    "duration": _parse_int,
    "date": dt.date.fromisoformat,
    "text": str,
}


@dataclass(frozen=True)
class SettingKey(Generic[T]):
    """A typed handle on one declared setting: code reads ``settings.get(KEY, on)``, never a string."""

    key: str
    kind: str

    def parse(self, raw: str) -> T:
        return _PARSERS[self.kind](raw)


_UNREAD = object()


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
        self._dates = {key: [v.valid_from for v in items] for key, items in self._by_key.items()}
        # Typed values already read, by (key, date): the rules read the same few settings on the same
        # dates for every contract of a file (the view is immutable, so a value read stays true).
        self._read: dict[tuple[str, dt.date], object] = {}

    def entry(self, key: str, on: dt.date) -> DatedValue:
        history = self._by_key.get(key, ())
        found = bisect_right(self._dates.get(key, ()), on)  # values in force from ``on`` or before
        if not found:
            if history and history[0].reaches_back:
                return history[0]
            raise MissingSetting(key)
        return history[found - 1]

    def get(self, key: SettingKey[T], on: dt.date) -> T:
        """The typed value of ``key`` in force on ``on`` (MissingSetting before a legal value's first
        date, UnverifiedSetting where the text's figure is not known)."""
        found = self._read.get((key.key, on), _UNREAD)
        if found is not _UNREAD:
            return found  # type: ignore[return-value]
        raw = self.entry(key.key, on).value
        if raw == "":
            raise UnverifiedSetting(key.key)
        value = self._read[(key.key, on)] = key.parse(raw)
        return value

    def history(self, key: str) -> list[DatedValue]:
        return list(self._by_key.get(key, ()))

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def raw(self, key: str, on: dt.date) -> str:
        raw = self.entry(key, on).value
        if raw == "":
            raise UnverifiedSetting(key)
        return raw

    def amount(self, key: str, on: dt.date) -> Decimal:
        return Decimal(self.raw(key, on))

    def rate(self, key: str, on: dt.date) -> Decimal:
        return Decimal(self.raw(key, on))

    def integer(self, key: str, on: dt.date) -> int:
        return int(Decimal(self.raw(key, on)))

    def date(self, key: str, on: dt.date) -> dt.date:
        return dt.date.fromisoformat(self.raw(key, on))


def decimal_in_force(settings: Settings, key: SettingKey, on: dt.date) -> Decimal:
    """The value of ``key`` in force on ``on``, as a Decimal (the catalogue declares every key asked)."""
    return Decimal(settings.get(key, on))


def year_end(year: int) -> dt.date:
    """The day a year's settings are read on (31 December): targets and delays of the year."""
    return dt.date(year, 12, 31)


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
