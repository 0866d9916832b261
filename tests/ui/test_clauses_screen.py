"""Clauses screen and checklist widget, driven with real clicks and keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.enums import ChecklistStatus, Procedure, PurchaseNature


@pytest.fixture
def context(new_db):
    from app.model import Contract
    from app.ui.context import AppContext

    with new_db.session() as session:
        contract = Contract(
            organisation_id=new_db.organisation_id,
            reference="M-2026-010",
            object="Nettoyage des bâtiments communaux",
            nature=PurchaseNature.SERVICES,
            procedure=Procedure.ADAPTED,
            estimated_amount=Decimal("95000"),
            duration_months=36,
            publication_date=dt.date(2026, 9, 15),
        )
        session.add(contract)
        session.flush()
        new_db.contract_id = contract.id
    ctx = AppContext(new_db, new_db.organisation_id)
    ctx.user_name = "Léa Martin"
    return ctx


def select_code(widget, code):
    rows = widget.model.rows
    index = next(n for n, r in enumerate(rows) if r.code == code)
    widget.table.selectRow(index)
    return rows[index]


def test_checklist_widget_sets_status_and_requires_justification(qtbot, context):
    from app.services.clauses import checklist
    from app.ui.widgets.checklist import ChecklistWidget

    widget = ChecklistWidget(context, context.db.contract_id)
    qtbot.addWidget(widget)
    widget.show()
    assert "2026-010" in widget.summary.text() and "obligatoire" in widget.summary.text()
    # Mandatory clauses come first.
    assert widget.model.rows[0].applicability.value == "mandatory"

    select_code(widget, "price-revision")
    widget.status.setCurrentIndex(widget.status.findData(ChecklistStatus.DISMISSED.value))
    widget.justification.clear()
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    assert "justification est obligatoire" in widget.message.text()
    item = next(i for i in checklist(context.db, context.db.contract_id).items if i.code == "price-revision")
    assert item.status is ChecklistStatus.TO_STUDY  # nothing saved

    # QTest types ASCII only (accented keys abort offscreen Qt).
    qtbot.keyClicks(widget.justification, "Tarif reglemente")
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    assert widget.message.text() == "Décision enregistrée."
    item = next(i for i in checklist(context.db, context.db.contract_id).items if i.code == "price-revision")
    assert item.status is ChecklistStatus.DISMISSED
    assert item.justification == "Tarif reglemente" and item.decided_by == "Léa Martin"

    select_code(widget, "insertion-clause")
    widget.status.setCurrentIndex(widget.status.findData(ChecklistStatus.IN_TENDER.value))
    widget.text.setPlainText("Texte adapté : 300 heures d'insertion.")
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    item = next(
        i for i in checklist(context.db, context.db.contract_id).items if i.code == "insertion-clause"
    )
    assert item.status is ChecklistStatus.IN_TENDER and item.text == "Texte adapté : 300 heures d'insertion."

    qtbot.mouseClick(widget.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "Texte adapté : 300 heures d'insertion."


def test_checklist_hides_not_applicable_unless_asked(qtbot, context):
    from app.ui.widgets.checklist import ChecklistWidget

    widget = ChecklistWidget(context, context.db.contract_id)
    qtbot.addWidget(widget)
    shown = len(widget.model.rows)
    assert all(r.applicability.value != "not_applicable" for r in widget.model.rows)
    widget.show_all.click()
    assert len(widget.model.rows) > shown


def test_checklist_exports(qtbot, context, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from app.ui.widgets.checklist import ChecklistWidget

    widget = ChecklistWidget(context, context.db.contract_id)
    qtbot.addWidget(widget)
    target = tmp_path / "liste"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(widget.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Fichier écrit" in widget.message.text(), timeout=20000)
    assert (tmp_path / "liste.pdf").read_bytes().startswith(b"%PDF")


def test_library_search_filter_view_and_copy_text(qtbot, context):
    from app.ui.screens.clauses import ClausesScreen

    screen = ClausesScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    library = screen.library
    total = len(library.model.rows)
    assert total >= 24
    qtbot.keyClicks(library.search, "revision")  # accents ignored by the search
    assert 0 < len(library.model.rows) < total
    assert any(r.code == "price-revision" for r in library.model.rows)
    library.search.clear()
    library.action.setCurrentIndex(library.action.findData(11))
    assert {r.code for r in library.model.rows} == {
        "reservation-ea-esat",
        "reservation-siae",
        "reservation-ess",
    }
    library.action.setCurrentIndex(0)
    row = select_code(library, "transport-ghg-info")
    assert "L1431-3" in library.detail.toPlainText()
    assert not library.edit_button.isEnabled()  # built-in clauses are read-only
    qtbot.mouseClick(library.copy_text_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == row.model_text


def test_copy_then_edit_then_add_clause(qtbot, context, monkeypatch):
    from app.ui.screens import clauses as module

    screen = module.ClausesScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    library = screen.library
    select_code(library, "price-revision")
    qtbot.mouseClick(library.copy_clause_button, Qt.MouseButton.LeftButton)
    copy = library.current_row()
    assert copy.copied_from == "price-revision" and library.edit_button.isEnabled()

    def fill_and_accept(dialog):
        dialog.title.setText("Révision des prix — modèle communal")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(module.ClauseDialog, "exec", fill_and_accept)
    qtbot.mouseClick(library.edit_button, Qt.MouseButton.LeftButton)
    assert library.current_row().title == "Révision des prix — modèle communal"

    def new_clause(dialog):
        dialog.title.setText("Clause de circuits courts")
        dialog.actions.setText("24")
        dialog.legal_basis.setText("CCP, art. L2112-2")
        dialog.applies_when.setPlainText("Denrées")
        dialog.guidance.setPlainText("Vérifier l'offre locale.")
        dialog.accept()  # refused: the model text is missing
        assert "texte type" in dialog.error.text()
        dialog.model_text.setPlainText("Le titulaire privilégie les produits de saison.")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(module.ClauseDialog, "exec", new_clause)
    qtbot.mouseClick(library.add_button, Qt.MouseButton.LeftButton)
    assert library.current_row().title == "Clause de circuits courts"
    assert "ajoutée" in library.message.text()


def test_import_export_buttons(qtbot, context, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from app.services.clauses import ClauseInput, add_clause
    from app.ui.screens.clauses import ClausesScreen

    add_clause(
        context.db,
        context.organisation_id,
        ClauseInput(
            "Ma clause", __import__("app.enums").enums.ClauseKind.EXECUTION_CLAUSE, (25,), "a", "b", "c", "d"
        ),
    )
    screen = ClausesScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    library = screen.library
    target = tmp_path / "partage.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(library.export_button, Qt.MouseButton.LeftButton)
    assert "1 clause exportée dans" in library.message.text() and target.exists()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(library.import_button, Qt.MouseButton.LeftButton)
    assert "0 clause importée, 1 déjà présente" in library.message.text()
    bad = tmp_path / "mauvais.toml"
    bad.write_text("ceci n'est pas [[[ du toml", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    qtbot.mouseClick(library.import_button, Qt.MouseButton.LeftButton)
    assert "rien n'a été importé" in library.message.text()


def test_contract_tab_flags_missing_and_opens_checklist(qtbot, context):
    from app.ui.screens.clauses import ClausesScreen

    screen = ClausesScreen(context)
    qtbot.addWidget(screen)
    view = screen.contracts
    screen.tabs.setCurrentIndex(1)
    assert view.contract.count() == 1 and "manquante" in view.contract.itemText(0)
    view.missing_only.click()
    assert view.contract.count() == 1
    assert view.checklist.data.reference == "M-2026-010"


def test_main_window_navigates_to_clauses(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.screens import SCREENS

    window = MainWindow(AppContext(demo_db, demo_org))
    qtbot.addWidget(window)
    row = next(n for n, spec in enumerate(SCREENS) if spec.key == "clauses")
    window.nav.setCurrentRow(row)
    screen = window.stack.currentWidget()
    assert type(screen).__name__ == "ClausesScreen"
    assert len(screen.library.model.rows) >= 24


def test_contract_list_is_read_only_when_its_tab_is_shown(qtbot, context):
    """The screen opens on the library: the contracts' list (their facts, for the « manquante »
    flags) is read when its tab is shown, not before the library's first paint."""
    from app.ui.screens.clauses import ClausesScreen

    screen = ClausesScreen(context)
    qtbot.addWidget(screen)
    assert screen.contracts.stale and screen.contracts.contract.count() == 0
    screen.tabs.setCurrentIndex(1)
    assert not screen.contracts.stale and screen.contracts.contract.count() == 1
    context.database_changed.emit()  # a reload while the tab is shown reads it again at once
    assert not screen.contracts.stale and screen.contracts.contract.count() == 1
