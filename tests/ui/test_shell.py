"""The desktop shell driven like a user: wizard, contract create/edit/delete/undo, search and
filters, the conflict dialog, reference data and dated settings."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.services import contracts as svc

HANDLER_ERRORS: list[BaseException] = []


@pytest.fixture(autouse=True)
def _handler_errors():
    """An assertion failing inside a dialog handler is reported after the test's action returns."""
    HANDLER_ERRORS.clear()
    yield
    if HANDLER_ERRORS:
        raise HANDLER_ERRORS[0]


def on_modal(qtbot, callback, name: str | None = None, tries: int = 100) -> None:
    """Run ``callback(dialog)`` once the next modal dialog named ``name`` (or a message box) is open."""

    def attempt(left: int) -> None:
        widget = QApplication.activeModalWidget()
        wanted = widget is not None and (
            widget.objectName() == name if name else isinstance(widget, QMessageBox)
        )
        if not wanted:
            if left:
                QTimer.singleShot(30, lambda: attempt(left - 1))
            else:
                HANDLER_ERRORS.append(AssertionError(f"no dialog {name or 'message box'} appeared"))
            return
        try:
            callback(widget)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the fixture
            HANDLER_ERRORS.append(exc)
            if widget.isVisible():
                widget.reject()

    QTimer.singleShot(30, lambda: attempt(tries))


def click_button(qtbot, box, text: str) -> None:
    button = next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def answer_yes(qtbot):
    def yes(box):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    on_modal(qtbot, yes)


@pytest.fixture
def window(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    context = AppContext(demo_db, demo_org)
    context.user_name = "Marie Testeuse"
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def register(window):
    return window.open_screen("contracts").register


def test_wizard_creates_my_commune_in_the_chosen_folder(qtbot, tmp_path):
    from app.services.organisations import list_organisations
    from app.services.reference import list_items
    from app.storage import open_database
    from app.ui.dialogs.wizard import FirstRunWizard

    wizard = FirstRunWizard(folder=tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == 1
    qtbot.keyClicks(wizard.name, "Commune de Testville")
    qtbot.keyClicks(wizard.siret, "21250056200014")
    assert "clé de contrôle" in wizard.siret_problem.text()
    wizard.siret.clear()
    qtbot.keyClicks(wizard.siret, "21250056200013")
    assert wizard.siret_problem.text() == ""
    qtbot.keyClicks(wizard.new_department, "Police municipale")
    qtbot.keyClick(wizard.new_department, Qt.Key.Key_Return)
    first = wizard.departments.item(0)
    rect = wizard.departments.visualItemRect(first)
    wizard.departments.scrollToItem(first)
    first.setCheckState(Qt.CheckState.Unchecked)  # the checkbox is a click target too small to aim offscreen
    on_modal(qtbot, lambda box: click_button(qtbot, box, "OK"))
    qtbot.mouseClick(wizard.create_db_button, Qt.MouseButton.LeftButton)
    assert rect.isValid()
    path = tmp_path / "achats-durables-commune-de-testville.sqlite"
    assert wizard.chosen_path == path and path.exists()
    db = open_database(path)
    try:
        (org,) = list_organisations(db)
        assert (org.name, org.siret) == ("Commune de Testville", "21250056200013")
        names = {i.values["name"] for i in list_items(db, "department", org.id)}
        assert "Police municipale" in names and "Administration générale" not in names
    finally:
        db.dispose()


def test_create_edit_delete_and_undo_a_contract(qtbot, window):
    view = register(window)
    total = len(view.all_rows)

    def fill(dialog):
        qtbot.keyClicks(dialog.reference, "VDS-2026-900")
        qtbot.keyClicks(dialog.object, "Location de velos cargos")
        dialog.tabs.setCurrentIndex(1)
        qtbot.keyClicks(dialog.notified, "12 500,50")
        dialog.start_date.set_value(__import__("datetime").date(2026, 1, 1))
        dialog.end_date.set_value(__import__("datetime").date(2025, 1, 1))
        on_modal(qtbot, lambda box: click_button(qtbot, box, "OK"))  # the validation message
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.tabs.currentIndex() == 1  # refused, end date shown
        dialog.end_date.set_value(__import__("datetime").date(2028, 12, 31))
        qtbot.keyClicks(dialog.notice, "4")
        assert dialog.deadline_label.text() == "31/08/2028"
        dialog.tabs.setCurrentIndex(2)
        qtbot.mouseClick(dialog.lots.add_button, Qt.MouseButton.LeftButton)
        index = dialog.lots.model.index(0, 1)
        dialog.lots.model.setData(index, "Vélos")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_modal(qtbot, fill, "contract_dialog")
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert len(view.all_rows) == total + 1
    created = next(r for r in view.all_rows if r.reference == "VDS-2026-900")
    assert created.amount == __import__("decimal").Decimal("12500.50")
    assert view.selected_row().id == created.id

    def edit(dialog):
        dialog.object.clear()
        qtbot.keyClicks(dialog.object, "Location longue duree de velos cargos")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_modal(qtbot, edit, "contract_dialog")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    detail = svc.get_contract(window.context.db, created.id)
    assert detail.data.object == "Location longue duree de velos cargos"
    assert [lot.title for lot in detail.data.lots] == ["Vélos"]

    answer_yes(qtbot)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert created.id not in {r.id for r in view.all_rows}
    assert window.undo_action.isEnabled() and "VDS-2026-900" in window.undo_action.text()
    window.activateWindow()
    window.menuBar().actions()[1].menu()  # Édition exists
    window.undo_action.trigger()
    assert created.id in {r.id for r in view.all_rows}
    assert not window.undo_action.isEnabled()


def test_search_and_filters(qtbot, window):
    view = register(window)
    today = window.context.today()
    qtbot.keyClicks(view.search, "electricite")
    shown = view.model.rows
    assert shown and all("électricité" in r.object.lower() for r in shown)
    assert "affiché" in view.count_label.text()
    view.search.clear()
    qtbot.mouseClick(view.next_year, Qt.MouseButton.LeftButton)
    expected = {r.id for r in view.all_rows if r.end_date and r.end_date.year == today.year + 1}
    assert {r.id for r in view.model.rows} == expected
    qtbot.mouseClick(view.next_year, Qt.MouseButton.LeftButton)
    view.department.setCurrentIndex(1)
    dep = view.department.currentData()
    assert view.model.rows and all(r.department_id == dep for r in view.model.rows)
    qtbot.mouseClick(
        next(b for b in view.findChildren(QPushButton) if b.text() == "Effacer les filtres"),
        Qt.MouseButton.LeftButton,
    )
    assert view.model.rowCount() == len(view.all_rows)
    # Sorting by amount through the header.
    view.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    amounts = [r.amount for r in view.model.rows if r.amount is not None]
    assert amounts == sorted(amounts, reverse=True)


@pytest.mark.parametrize("choice", ["Recharger", "Écraser"])
def test_conflict_dialog_reload_or_overwrite(qtbot, window, choice):
    view = register(window)
    row = view.model.rows[0]
    ctx = window.context

    def edit(dialog):
        theirs = svc.get_contract(ctx.db, row.id)  # someone else saves meanwhile
        svc.save_contract(
            ctx.db,
            ctx.organisation_id,
            dataclasses.replace(theirs.data, object="Version de Paul"),
            contract_id=row.id,
            expected_version=theirs.version,
            user_name="Paul",
        )
        dialog.object.clear()
        qtbot.keyClicks(dialog.object, "Ma version")

        def resolve(box):
            assert "Paul" in box.text()
            click_button(qtbot, box, choice)

        on_modal(qtbot, resolve, "conflict_dialog")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        if choice == "Recharger":
            assert dialog.isVisible() and dialog.object.toPlainText() == "Version de Paul"
            dialog.reject()

    view.table.selectRow(0)
    on_modal(qtbot, edit, "contract_dialog")
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    expected = "Version de Paul" if choice == "Recharger" else "Ma version"
    assert svc.get_contract(ctx.db, row.id).data.object == expected


def test_reference_form_refuses_a_bad_siret_then_saves(qtbot, window):
    settings = window.open_screen("settings")
    view = settings.references["supplier"]
    settings.tabs.setCurrentWidget(view)
    before = len(view.items)

    def fill(dialog):
        qtbot.keyClicks(dialog.widgets["name"], "Recyclerie du Val")
        qtbot.keyClicks(dialog.widgets["siret"], "12345678901234")
        on_modal(qtbot, lambda box: click_button(qtbot, box, "OK"))
        click_button(qtbot, dialog, "Enregistrer")
        assert dialog.isVisible()
        dialog.widgets["siret"].clear()
        qtbot.keyClicks(dialog.widgets["siret"], "73282932000074")
        dialog.widgets["social_economy"].setCurrentIndex(dialog.widgets["social_economy"].findData("ess"))
        click_button(qtbot, dialog, "Enregistrer")

    on_modal(qtbot, fill, "record_dialog")
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert len(view.items) == before + 1
    item = next(i for i in view.items if i.values["name"] == "Recyclerie du Val")
    assert item.values["social_economy"] == "ess"


def test_dated_setting_edit_changes_the_alert_delay(qtbot, window):
    from app.services.alerts import delays_for

    settings = window.open_screen("settings")
    tab = settings.settings
    settings.tabs.setCurrentWidget(tab)
    row = next(i for i, line in enumerate(tab.model.rows) if line.key == "alert.notice_days")
    tab.table.selectRow(row)

    def edit(dialog):
        dialog.value.clear()
        qtbot.keyClicks(dialog.value, "-5")
        on_modal(qtbot, lambda box: click_button(qtbot, box, "OK"))
        click_button(qtbot, dialog, "Enregistrer")
        assert dialog.isVisible()
        dialog.value.clear()
        qtbot.keyClicks(dialog.value, "120")
        click_button(qtbot, dialog, "Enregistrer")

    on_modal(qtbot, edit, "setting_dialog")
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    ctx = window.context
    assert delays_for(ctx.db, ctx.organisation_id, ctx.today()).notice_alert_days == 120


def test_dashboard_todo_timeline_and_placeholders(qtbot, window):
    from app.ui.screens import SCREENS

    for row in range(len(SCREENS)):
        window.nav.setCurrentRow(row)
        assert window.stack.currentIndex() == row
    dashboard = window.open_screen("dashboard")
    assert dashboard.values["active"].text().isdigit()
    window.show_todo()
    assert window.todo_dock.isVisible()
    assert window.todo_dock.widget().count() == dashboard.alerts.count()
    contracts = window.open_screen("contracts")
    contracts.show_timeline()
    assert contracts.timeline is not None and contracts.timeline.canvas.entries
    assert all(
        e.milestones.cotation_start < e.milestones.cotation_end < e.milestones.cad < e.milestones.end
        for e in contracts.timeline.canvas.entries
    )


def test_unexpected_error_shows_log_path_and_app_keeps_running(qtbot, window):
    from app.log import log_file
    from app.ui.application import install_excepthook

    install_excepthook(lambda: window)
    seen = []
    on_modal(qtbot, lambda box: (seen.append(box.text()), click_button(qtbot, box, "OK")))
    import sys

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert seen and str(log_file()) in seen[0]
    assert window.isVisible()
