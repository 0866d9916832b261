"""Every screen follows another window's change (``data_changed("external")``, emitted by the change
watcher) without wiping what the user is typing: it reloads when nothing is being edited, and
shows a non-modal « Modifié par un autre poste » note with « Recharger » when something is
(issue 13, item 3). Hidden screens reload when shown again."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from app.services import clauses
from app.services.identity_and_settings import get_identity, save_identity
from app.ui.context import AppContext

EXTERNAL = "external"


@pytest.fixture
def context(demo_db, demo_org):
    ctx = AppContext(demo_db, demo_org)
    ctx.user_name = "Marie Testeuse"
    return ctx


def _show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _rename_elsewhere(ctx, name: str) -> None:
    identity = get_identity(ctx.db, ctx.organisation_id)
    save_identity(
        ctx.db,
        dataclasses.replace(identity, name=name),
        organisation_id=ctx.organisation_id,
        user_name="Paul Durand",
    )


def test_settings_reload_or_keep_the_typed_identity(qtbot, context):
    from app.ui.screens.settings import SettingsScreen

    screen = _show(qtbot, SettingsScreen(context))
    note = screen.external.note
    _rename_elsewhere(context, "Val-des-Saules (renommée ailleurs)")
    context.data_changed.emit(EXTERNAL)
    assert screen.identity.name.text() == "Val-des-Saules (renommée ailleurs)"
    assert not note.isVisible()

    # The user is typing: an external change must not wipe it.
    screen.identity.name.selectAll()
    qtbot.keyClicks(screen.identity.name, "Ma saisie")
    _rename_elsewhere(context, "Nom choisi sur l'autre poste")
    context.data_changed.emit(EXTERNAL)
    assert screen.identity.name.text() == "Ma saisie"
    assert note.isVisible() and "Modifié par un autre poste" in note.label.text()
    qtbot.mouseClick(note.reload_button, Qt.MouseButton.LeftButton)
    assert screen.identity.name.text() == "Nom choisi sur l'autre poste"
    assert not note.isVisible()


def test_clauses_library_and_checklist(qtbot, context):
    from app.ui.screens.clauses import ClausesScreen

    screen = _show(qtbot, ClausesScreen(context))
    before = screen.library.model.rowCount()
    clauses.copy_clause(context.db, context.organisation_id, clauses.clause_id("allotment"))
    context.data_changed.emit(EXTERNAL)
    assert screen.library.model.rowCount() == before + 1

    # A checklist decision being typed stays, with the note.
    screen.tabs.setCurrentIndex(1)
    checklist = screen.contracts.checklist
    checklist.table.selectRow(0)
    assert checklist.current_item() is not None
    qtbot.keyClicks(checklist.justification, "Justification en cours")
    assert checklist.has_unsaved_input()
    context.data_changed.emit(EXTERNAL)
    assert checklist.justification.text().endswith("Justification en cours")
    assert screen.external.note.isVisible()


def test_cotation_keeps_the_notes_being_typed(qtbot, context):
    from app.ui.screens.cotation import create

    screen = _show(qtbot, create(context))
    screen.year.setValue(2026)
    row = next(i for i, r in enumerate(screen.present_model.rows) if not r.assessed)
    rect = screen.present_table.visualRect(screen.present_model.index(row, 0))
    qtbot.mouseClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.present_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.view is not None and not screen.has_unsaved_input()
    context.data_changed.emit(EXTERNAL)
    assert not screen.external.note.isVisible()
    qtbot.keyClicks(screen.notes, "Sourcing en cours")
    context.data_changed.emit(EXTERNAL)
    assert "Sourcing en cours" in screen.notes.toPlainText() and screen.external.note.isVisible()


@pytest.mark.parametrize(
    ("module", "cls", "method"),
    [
        ("app.ui.screens.orders", "OrdersScreen", "reload"),
        ("app.ui.screens.reports", "ReportsScreen", "_load_organisation_name"),
    ],
)
def test_orders_and_reports_reload_and_hidden_screens_wait_to_be_shown(
    qtbot, context, monkeypatch, module, cls, method
):
    import importlib

    screen_class = getattr(importlib.import_module(module), cls)
    calls = []
    original = getattr(screen_class, method)

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(screen_class, method, counted)
    screen = _show(qtbot, screen_class(context))
    loaded = len(calls)
    context.data_changed.emit(EXTERNAL)
    assert len(calls) == loaded + 1
    screen.hide()
    context.data_changed.emit(EXTERNAL)
    assert len(calls) == loaded + 1  # nobody looks at it: it waits
    screen.show()
    qtbot.waitUntil(lambda: len(calls) == loaded + 2)
