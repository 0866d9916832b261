"""Combo boxes for facts that may be unknown: an enum's French labels or oui/non, each with
« — à préciser — » (unknown is not false), and value-based selection."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from app.enums import label

UNKNOWN_CHOICE = "— à préciser —"


def enum_combo(enum_cls, name: str, *, unknown: bool = False) -> QComboBox:  # noqa: ANN001
    combo = QComboBox()
    combo.setAccessibleName(name)
    if unknown:  # unknown is not false: the user can say « not known yet »
        combo.addItem(UNKNOWN_CHOICE, None)
    for member in enum_cls:
        combo.addItem(label(member), member)
    return combo


def yes_no_combo(name: str, yes: str = "oui", no: str = "non") -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(UNKNOWN_CHOICE, None)
    combo.addItem(yes, True)
    combo.addItem(no, False)
    return combo


def select_data(combo: QComboBox, value) -> None:  # noqa: ANN001
    """Select the item whose data equals ``value``. ``QComboBox.findData`` compares Python objects
    by identity, so a UUID read in another session was never found and the form showed « — »,
    then saved None over the contract's supplier: compare by value, and never drop a value the
    list does not hold (it gets its own item)."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            combo.setCurrentIndex(index)
            return
    if value is None:
        combo.setCurrentIndex(0)
        return
    combo.addItem(str(value), value)
    combo.setCurrentIndex(combo.count() - 1)
