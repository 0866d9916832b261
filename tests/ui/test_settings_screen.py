"""The Paramètres screen shows the catalogue: value in force, source, law or the town's choice, and
lets the town change only its own choices."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.rules.settings_catalogue import K, catalogue


@pytest.fixture
def tab(qtbot, new_db):
    from app.ui.context import AppContext
    from app.ui.screens.settings import SettingsTab

    context = AppContext(new_db, new_db.organisation_id)
    context.today = lambda: dt.date(2026, 6, 1)
    widget = SettingsTab(context)
    qtbot.addWidget(widget)
    return widget


def cell(tab, key: str, column: str) -> str:
    row = next(i for i, line in enumerate(tab.model.rows) if line.key == key)
    col = next(
        i
        for i in range(tab.model.columnCount())
        if tab.model.headerData(i, Qt.Orientation.Horizontal) == column
    )
    return tab.model.data(tab.model.index(row, col))


def select(tab, key: str) -> None:
    row = next(i for i, line in enumerate(tab.model.rows) if line.key == key)
    tab.table.setCurrentIndex(tab.model.index(row, 0))


def test_every_setting_of_the_catalogue_is_shown_with_its_nature_and_source(tab):
    assert len(tab.model.rows) == len(catalogue().declarations)
    assert cell(tab, K.NO_PUBLICITY_SUPPLIES_SERVICES.key, "Nature") == "Obligation légale"
    assert "60\u202f000" in cell(tab, K.NO_PUBLICITY_SUPPLIES_SERVICES.key, "Valeur en vigueur")
    assert "2025-1386" in cell(tab, K.NO_PUBLICITY_SUPPLIES_SERVICES.key, "Source")
    assert cell(tab, K.SPASER_ADVANCE.key, "Nature") == "Choix de la collectivité"
    assert cell(tab, K.SPASER_ADVANCE.key, "Origine") == "Valeur livrée"
    assert cell(tab, "agec.reuse.papier", "Valeur en vigueur") == "non vérifiée"
    assert cell(tab, "agec.reuse.papier", "À vérifier") == "à vérifier"


def test_the_law_cannot_be_edited_a_local_choice_can(tab, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    select(tab, K.EU_WORKS.key)
    assert not tab.edit_button.isEnabled()
    tab.edit_selected()
    assert shown and "fixé par un texte" in shown[0]
    select(tab, K.SPASER_ADVANCE.key)
    assert tab.edit_button.isEnabled()


def test_reset_button_follows_the_towns_own_values(tab, monkeypatch):
    from app.services import identity_and_settings

    ctx = tab.context
    identity_and_settings.save_setting(
        ctx.db,
        ctx.organisation_id,
        K.SPASER_ADVANCE.key,
        "100000",
        dt.date(2026, 1, 1),
        expected=None,
    )
    tab.reload()
    select(tab, K.SPASER_ADVANCE.key)
    assert tab.reset_button.isEnabled()
    assert cell(tab, K.SPASER_ADVANCE.key, "Origine") == "Choix de la collectivité"
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    tab.reset_selected()
    assert cell(tab, K.SPASER_ADVANCE.key, "Origine") == "Valeur livrée"
    select(tab, K.EU_WORKS.key)
    assert not tab.reset_button.isEnabled()
