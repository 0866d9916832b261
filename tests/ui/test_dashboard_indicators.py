"""The SPASER indicators on the Tableau de bord: computed off the GUI thread, one tile per
indicator with its state written in words, the organisation or the whole file, and a tile opens the
contracts behind its number."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from app.rules.indicators import ALL_INDICATORS, STATUS_TEXT


@pytest.fixture
def screen(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.screens.dashboard import DashboardScreen

    context = AppContext(demo_db, demo_org)
    widget = DashboardScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.indicators.data is not None, timeout=20000)
    return widget


def test_every_indicator_has_a_tile_with_its_state_in_words(screen):
    panel = screen.indicators
    assert set(panel.tiles) == {i.id for i in ALL_INDICATORS}
    for result in panel.data.results:
        tile = panel.tiles[result.id]
        assert STATUS_TEXT[result.status] in tile.accessibleName()  # not colour alone
        assert result.explanation == tile.accessibleDescription()
    assert re.search(r"\d+ objectifs? atteints? sur \d+", panel.status.text())


def test_scope_switches_to_the_whole_file(qtbot, screen):
    panel = screen.indicators
    assert panel.scope.count() == 2  # the demo file holds two towns
    mine = panel.data.main.result("env_criterion").denominator
    panel.scope.setCurrentIndex(1)
    whole = panel.data.scopes[1].result("env_criterion").denominator
    assert whole > mine
    assert len(panel.data.scopes[1].result("env_criterion").denominator_refs) == whole
    assert panel.tiles["env_criterion"].result is panel.data.scopes[1].result("env_criterion")


def test_a_tile_opens_the_contracts_behind_its_number(qtbot, screen):
    panel = screen.indicators
    tile = panel.tiles["env_criterion"]
    opened = []
    panel.open_details = lambda result: opened.append(result)  # the dialog itself is checked below
    tile.activated.disconnect()
    tile.activated.connect(panel.open_details)
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    assert opened and opened[0].id == "env_criterion"
    from app.ui.widgets.indicators import DrillDownDialog

    dialog = DrillDownDialog(opened[0])
    qtbot.addWidget(dialog)
    counted = dialog.lists["numerator"]
    assert counted.count() == int(opened[0].numerator)
    assert {counted.item(i).data(Qt.ItemDataRole.UserRole) for i in range(counted.count())} == set(
        opened[0].numerator_refs
    )


def test_year_change_recomputes(qtbot, screen):
    panel = screen.indicators
    with qtbot.waitSignal(panel.computed, timeout=20000):
        panel.year.setValue(panel.year.value() - 1)
    assert panel.data.year == panel.year.value()


def test_a_contract_behind_a_number_opens_from_the_list(qtbot, screen):
    panel = screen.indicators
    result = panel.data.main.result("env_criterion")
    dialog = panel.open_details(result)
    qtbot.addWidget(dialog)
    counted = dialog.lists["numerator"]
    with qtbot.waitSignal(panel.contract_opened) as opened:
        counted.itemActivated.emit(counted.item(0))
    from app.services.clauses import find_contract

    reference = counted.item(0).data(Qt.ItemDataRole.UserRole)
    assert counted.item(0).text().startswith(f"{reference} — ")  # the object beside the reference
    assert opened.args[0] == find_contract(panel.context.db, panel.context.organisation_id, reference)
    assert not dialog.isVisible()
    # An organisation's name (behind « CAD réuni ») is not a contract: said in words, nothing opens.
    assert not panel.open_contract("Commune de Val-des-Saules")
    assert "Aucun marché" in panel.status.text()
