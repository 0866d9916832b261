"""What a town hall reads on its screens (issue 14): numbers in French, the register's first steps,
the dashboard's counts explained, the contract form's wording, and the À faire panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app import format as fmt


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_spreadsheet_cells_read_in_french():
    assert _plain(fmt.cell(6200.5)) == "6 200,5"
    assert _plain(fmt.cell(Decimal("135196.47"))) == "135 196,47"
    assert fmt.cell(dt.date(2026, 12, 1)) == "01/12/2026"
    assert fmt.cell(dt.datetime(2026, 12, 1)) == "01/12/2026"
    assert fmt.cell(True) == "Oui"
    assert fmt.cell(None) == ""
    assert fmt.cell("VDS-1") == "VDS-1"


def test_import_preview_shows_amounts_in_french(qtbot):
    from app.ui.dialogs.import_dialog import RowsModel

    model = RowsModel(["Montant"], [[6200.5]])
    assert _plain(model.index(0, 0).data()) == "6 200,5"


def test_an_empty_register_says_how_to_start(qtbot, new_db):
    from app.ui.context import AppContext
    from app.ui.screens.contracts import create

    screen = create(AppContext(new_db, new_db.organisation_id))
    qtbot.addWidget(screen)
    assert "importez votre tableau des marchés" in screen.register.count_label.text()
    assert "Ctrl+I" in screen.register.count_label.text()


def test_dashboard_explains_contracts_not_in_progress(qtbot, demo_db, demo_org):
    from app.services.contracts import list_contracts
    from app.ui.context import AppContext
    from app.ui.screens.dashboard import create

    screen = create(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    total = len(list_contracts(demo_db, demo_org))
    caption = screen.findChild(QLabel, "caption_active").text()
    assert f"sur {total} marchés au registre" in caption
    assert "les autres :" in caption and "terminé" in caption
    texts = {label.text() for label in screen.findChildren(QLabel)}
    assert "Clause obligatoire manquante" in texts and "Sans une clause obligatoire" not in texts


def test_contract_form_wording(qtbot, demo_db, demo_org):
    from app.services.contracts import list_contracts
    from app.ui.context import AppContext
    from app.ui.dialogs.contract_form import ContractDialog

    first = list_contracts(demo_db, demo_org)[0]
    dialog = ContractDialog(AppContext(demo_db, demo_org), first.id)
    qtbot.addWidget(dialog)
    buttons = {b.text() for b in dialog.findChildren(QPushButton)}
    assert "Retirer l'avenant sélectionné" in buttons
    assert not any("le avenant" in b for b in buttons)
    header = dialog.history_model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "Date et heure"


def test_the_todo_panel_steps_aside_on_the_dashboard(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    window = MainWindow(AppContext(demo_db, demo_org))
    qtbot.addWidget(window)
    window.show()
    window.show_todo(only_if_any=True)
    assert window.todo_dock.isVisible()
    window.open_screen("dashboard")
    assert not window.todo_dock.isVisible(), "the dashboard shows its own À faire list"
    window.open_screen("contracts")
    assert window.todo_dock.isVisible()


def test_acronyms_are_explained_where_they_first_appear(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.dialogs.wizard import FirstRunWizard
    from app.ui.main_window import MainWindow

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    first = next(label for label in wizard.findChildren(QLabel) if "SPASER" in label.text())
    assert "SPASER : Schéma de promotion des achats publics" in first.toolTip()
    window = MainWindow(AppContext(demo_db, demo_org))
    qtbot.addWidget(window)
    screen = window.open_screen("dashboard")
    tabs = screen.sections
    assert "SPASER" in tabs.tabBar().tabToolTip(0)
    # explained once per screen: the tab, not every later label that says SPASER again
    repeated = [w for w in screen.findChildren(QLabel) if "SPASER : Schéma" in w.toolTip()]
    assert repeated == []


def test_printing_the_register_opens_its_preview_with_the_commune(qtbot, demo_db, demo_org):
    from pypdf import PdfReader
    from PySide6.QtWidgets import QApplication

    from app.ui.context import AppContext
    from app.ui.dialogs.print_preview import PrintPreviewDialog
    from app.ui.screens.contracts import create

    screen = create(AppContext(demo_db, demo_org))
    qtbot.addWidget(screen)
    screen.show()
    screen.register.print_view()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PrintPreviewDialog))
    first = PdfReader(dialog.path).pages[0].extract_text()
    dialog.close()
    assert "Registre des marchés — Commune de Val-des-Saules" in first.replace("\n", " ")
    assert "Imprimé le" in first
