"""Editors for French input: money ("1 234,56 €"), whole numbers, optional dates."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLineEdit, QWidget

from app import format as fmt
from app.errors import ValidationError

NO_DATE = QDate(1900, 1, 1)


def parse_money(text: str, label: str) -> Decimal | None:
    cleaned = (
        text.strip()
        .replace("€", "")
        .replace("\u202f", "")
        .replace("\u00a0", "")
        .replace(" ", "")
        .replace(",", ".")
    )
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"« {text.strip()} » n'est pas un montant valable ({label}).") from None
    if not value.is_finite():
        raise ValidationError(f"« {text.strip()} » n'est pas un montant valable ({label}).")
    return value.quantize(Decimal("0.01"))


def parse_int(text: str, label: str) -> int | None:
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        raise ValidationError(f"« {text.strip()} » n'est pas un nombre entier ({label}).") from None


def parse_date(text: str, label: str) -> dt.date | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"« {cleaned} » n'est pas une date au format jj/mm/aaaa ({label}).")


class MoneyEdit(QLineEdit):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setPlaceholderText("0,00 €")
        self.setAccessibleName(label)
        self.editingFinished.connect(self._reformat)

    def value(self) -> Decimal | None:
        return parse_money(self.text(), self.label)

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else fmt.number(value, 2))

    def _reformat(self) -> None:
        with contextlib.suppress(ValidationError):  # left as typed; reported when saving
            self.set_value(self.value())


class IntEdit(QLineEdit):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setAccessibleName(label)
        self.setMaximumWidth(90)

    def value(self) -> int | None:
        return parse_int(self.text(), self.label)

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))


class OptionalDateEdit(QDateEdit):
    """A date that may be empty (shown « — »): the minimum date stands for « no date »."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(label)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("—")
        self.setDate(NO_DATE)

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))
