"""Another town's contracts in the register: shown on request, marked with a lock and the town's name,
greyed, opened read-only (banner, no « Enregistrer », inputs locked), and not deletable; a stale
cotation names who saved it in the conflict dialog (issue 13, items 2 and 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QMessageBox

from app.services import contracts as svc

NEIGHBOUR = "Commune de Montclair-sur-Loue"


@pytest.fixture
def window(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    context = AppContext(demo_db, demo_org)
    context.user_name = "Marie Testeuse"
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.show()
    qtbot.waitExposed(win)
    win.resize(1366, 768)
    return win


def _shot(widget, name: str) -> None:
    folder = os.environ.get("LAYOUT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _foreign_row(view) -> int:
    return next(i for i, r in enumerate(view.model.rows) if not view.access_of(r).editable)


def test_other_towns_contracts_are_marked_and_read_only(qtbot, window, demo_db, monkeypatch):
    view = window.open_screen("contracts").register
    own = len(view.model.rows)
    assert all(view.access_of(r).editable for r in view.model.rows)
    assert "Collectivité" not in [c.header for c in view.model.columns]  # own contracts only

    qtbot.mouseClick(view.others, Qt.MouseButton.LeftButton)
    assert view.others.isChecked() and len(view.model.rows) > own
    owner_column = [c.header for c in view.model.columns].index("Collectivité")
    assert owner_column == 1
    assert "dont 40 d'autres collectivités (lecture seule)" in view.count_label.text()
    number = _foreign_row(view)
    row = view.model.rows[number]
    reference = view.model.index(number, 0)
    assert reference.data() == row.reference
    assert reference.data(Qt.ItemDataRole.DecorationRole) is not None  # the padlock
    assert reference.data(Qt.ItemDataRole.ToolTipRole).startswith(f"Lecture seule — {NEIGHBOUR}")
    assert view.model.index(number, owner_column).data() == f"{NEIGHBOUR} (lecture seule)"
    assert view.model.index(number, 3).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    mine = next(i for i, r in enumerate(view.model.rows) if view.access_of(r).editable)
    assert view.model.index(mine, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.model.index(mine, owner_column).data() == "Commune de Val-des-Saules"

    view.table.selectRow(number)
    assert not view.delete_button.isEnabled() and view.edit_button.text() == "Consulter la fiche"
    view.table.selectRow(mine)
    assert view.delete_button.isEnabled() and view.edit_button.text() == "Ouvrir la fiche"
    view.table.selectRow(number)
    view.table.scrollTo(view.model.index(number, 0))
    _shot(window, "registre-autre-collectivite")

    # Suppr on a foreign row explains instead of asking to confirm a deletion.
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert said and said[0].startswith(f"Lecture seule — {NEIGHBOUR}")
    assert svc.get_contract(demo_db, row.id).version == row.version

    from app.ui.dialogs.contract_form import ContractDialog

    dialog = ContractDialog(window.context, row.id, window)
    qtbot.addWidget(dialog)
    dialog.resize(900, 640)
    dialog.show()
    assert dialog.read_only
    assert dialog.read_only_banner.isVisible()
    assert f"Lecture seule — {NEIGHBOUR}" in dialog.read_only_banner.text()
    assert not dialog.save_button.isVisible() and dialog.cancel_button.text() == "Fermer"
    assert not dialog.hours.save_button.isVisible()
    assert dialog.reference.isReadOnly() and dialog.reference.text() == row.reference
    assert not dialog.department.isEnabled() and dialog.department.currentText() == row.department
    assert all(not combo.isEnabled() for combo in dialog.tabs.widget(0).findChildren(QComboBox))
    assert NEIGHBOUR in dialog.windowTitle()
    _shot(dialog, "fiche-autre-collectivite")
    assert dialog.save() is False  # Ctrl+S does nothing either
    dialog.reject()
    assert svc.get_contract(demo_db, row.id).version == row.version


def test_own_contract_form_stays_editable(qtbot, window):
    view = window.open_screen("contracts").register
    row = view.model.rows[0]
    from app.ui.dialogs.contract_form import ContractDialog

    dialog = ContractDialog(window.context, row.id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.read_only and not dialog.read_only_banner.isVisible()
    assert dialog.save_button.isVisible() and not dialog.reference.isReadOnly()
    dialog.reject()


def test_a_stale_cotation_names_who_saved_it_in_the_conflict_dialog(qtbot, demo_db, demo_org):
    from app.services.cotation import load_assessment, save_assessment
    from app.ui.context import AppContext
    from app.ui.screens.cotation import create

    context = AppContext(demo_db, demo_org)
    context.user_name = "Marie Testeuse"
    screen = create(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.show()
    row = next(i for i, r in enumerate(screen.present_model.rows) if not r.assessed)
    contract_id = screen.present_model.rows[row].contract_id
    rect = screen.present_table.visualRect(screen.present_model.index(row, 0))
    qtbot.mouseClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.view.contract_id == contract_id and not screen.view.saved
    # Paul saves the same cotation on another PC meanwhile.
    theirs = load_assessment(demo_db, contract_id, 2026)
    save_assessment(
        demo_db,
        contract_id,
        2026,
        theirs.ratings,
        notes="Vu avec le service",
        expected_version=None,
        organisation_id=demo_org,
        user_name="Paul Durand",
    )
    shown = []

    def answer(box):
        shown.append(box.text())
        box.accept()

    from tests.ui.test_shell import on_modal

    on_modal(qtbot, answer, "conflict_dialog")
    qtbot.keyClicks(screen.notes, "Mes notes")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    assert "supprimée" not in shown[0]
    assert "a été modifiée entre-temps par Paul Durand (" in shown[0], shown
    assert load_assessment(demo_db, contract_id, 2026).notes == "Vu avec le service"
    QApplication.processEvents()


def test_a_group_is_edited_by_its_coordinator_and_consulted_by_members(qtbot, demo_db, demo_org, monkeypatch):
    from app.model import PurchasingGroup, PurchasingGroupMember
    from app.services.organisations import find_organisation
    from app.ui.context import AppContext
    from app.ui.widgets.purchasing_groups import GroupDialog, PurchasingGroupsView

    neighbour = find_organisation(demo_db, NEIGHBOUR).id
    with demo_db.session() as s:
        group = PurchasingGroup(name="Groupement « Fournitures scolaires » 2027", coordinator_id=neighbour)
        s.add(group)
        s.flush()
        s.add_all(PurchasingGroupMember(group_id=group.id, organisation_id=o) for o in (neighbour, demo_org))
        group_id = group.id

    member = AppContext(demo_db, demo_org)
    view = PurchasingGroupsView(member)
    qtbot.addWidget(view)
    view.show()
    (row,) = view.model.rows
    assert view.model.index(0, 4).data() == f"non — lecture seule — {NEIGHBOUR.lower()}"
    assert view.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    view.table.selectRow(0)
    assert view.open_button.text().replace("&", "") == "Consulter le groupement"
    dialog = GroupDialog(row, view)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isVisibleTo(dialog) and not dialog.status.isEnabled()
    assert dialog.notes.isReadOnly() and NEIGHBOUR in dialog.banner.text()

    coordinator = AppContext(demo_db, neighbour)
    coordinator.user_name = "Paul Durand"
    mine = PurchasingGroupsView(coordinator)
    qtbot.addWidget(mine)
    mine.show()
    mine.table.selectRow(0)
    assert mine.open_button.text().replace("&", "") == "Modifier le groupement"

    def agree(dialog):
        dialog.status.setCurrentIndex(dialog.status.findData("agreed"))
        dialog.notes.setPlainText("Convention signée")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GroupDialog, "exec", lambda self: agree(self))
    mine.open_selected()
    (after,) = PurchasingGroupsView(member).model.rows
    assert (
        after.id == group_id
        and after.status_label == "Convention signée"
        and after.notes == "Convention signée"
    )
