"""The dashboard and the cotation screen point to « Données à compléter » on a town's own register,
explain an empty due list, default to the next CAD, and refresh when contracts change."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.services.cotation import next_cad_year
from app.services.imports import import_file
from app.ui.context import AppContext

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"


def window_on_saint_aubin(qtbot, db):
    from app.ui.main_window import MainWindow

    import_file(db, db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    context = AppContext(db, db.organisation_id)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window, context


def test_cotation_points_to_facts_and_refreshes_when_contracts_change(qtbot, new_db):
    window, context = window_on_saint_aubin(qtbot, new_db)
    cotation = window.open_screen("cotation")
    year = next_cad_year(new_db, new_db.organisation_id, context.today())
    assert cotation.year.value() == year
    pointer = cotation.facts_pointer
    qtbot.waitUntil(pointer.isVisible, timeout=10000)  # computed in the background
    assert "14 marchés sur 14 ont des données à compléter" in pointer.label.text()
    # Nothing recurrent is confirmed yet: the empty list says why, and how to fix it.
    assert cotation.present_model.rowCount() == 0
    assert cotation.empty_label.isVisible()
    assert "n'ont pas de récurrence confirmée" in cotation.empty_label.text()

    qtbot.mouseClick(pointer.button, Qt.MouseButton.LeftButton)
    facts = window.stack.currentWidget()
    assert window.nav.currentItem().text() == "Données à compléter"
    qtbot.waitUntil(lambda: facts.model.rowCount() == 14, timeout=10000)
    qtbot.mouseClick(facts.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "enregistrée" in facts.status.text(), timeout=10000)
    # The cotation screen heard the change: recurrent contracts ending in the presented year appear.
    qtbot.waitUntil(lambda: cotation.present_model.rowCount() > 0, timeout=10000)
    assert not cotation.empty_label.isVisible()
    qtbot.waitUntil(lambda: "avec une proposition" not in pointer.label.text(), timeout=10000)


def test_dashboard_pointer_opens_the_facts_screen(qtbot, new_db):
    window, _context = window_on_saint_aubin(qtbot, new_db)
    dashboard = window.open_screen("dashboard")
    qtbot.waitUntil(dashboard.facts_pointer.isVisible, timeout=10000)
    assert "avec une proposition à accepter" in dashboard.facts_pointer.label.text()
    qtbot.mouseClick(dashboard.facts_pointer.button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.open_screen("facts")


def test_demo_reports_default_to_the_next_cad(qtbot, demo_db, demo_org):
    from app.ui.screens.reports import create

    context = AppContext(demo_db, demo_org)
    screen = create(context)
    qtbot.addWidget(screen)
    assert screen.year.value() == next_cad_year(demo_db, demo_org, context.today())


def test_empty_cad_dossier_is_explained_in_the_error_dialog(qtbot, new_db, tmp_path, monkeypatch):
    from app.ui.screens.reports import create

    import_file(new_db, new_db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    shown: list = []
    monkeypatch.setattr("app.ui.dialogs.errors.show_error", lambda parent, exc, *a: shown.append(exc))
    screen = create(AppContext(new_db, new_db.organisation_id))
    qtbot.addWidget(screen)
    screen.path.setText(str(tmp_path / "cad.pdf"))
    qtbot.mouseClick(screen.cad_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    from app.services.cad_report import EmptyDossier

    assert isinstance(shown[0], EmptyDossier) and "aucun marché récurrent" in shown[0].message
    assert not (tmp_path / "cad.pdf").exists()


def test_menu_entry_opens_the_facts_screen(qtbot, new_db):
    window, _context = window_on_saint_aubin(qtbot, new_db)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Marchés")
    action = next(a for a in menu.actions() if a.text() == "&Données à compléter")
    action.trigger()
    assert window.nav.currentItem().text() == "Données à compléter"
    qtbot.waitUntil(lambda: window.stack.currentWidget().model.rowCount() == 14, timeout=10000)
