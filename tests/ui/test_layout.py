"""Nothing cut, nothing covered: every screen (each tab, before and after « Calculer ») and every
dialog rendered offscreen on the demo database at the town hall's 1366×768 laptop and at 1920×1080,
checked by ``layout_check`` (elided or clipped text, widgets overlapping or sticking out)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tests.ui.layout_check import layout_problems

SIZES = [(1366, 768), (1920, 1080)]
SHOTS = os.environ.get("LAYOUT_SHOTS")  # a folder: also save what was checked, as PNG


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def check(widget: QWidget, where: str, size: tuple[int, int]) -> list[str]:
    settle()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{where.replace('/', '_').replace(' ', '_')}-{size[0]}.png"))
    return [f"{where} : {problem}" for problem in layout_problems(widget)]


def every_tab(root: QWidget, where: str, size: tuple[int, int]) -> list[str]:
    problems = check(root, where, size)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            problems += check(root, f"{where}/{tabs.tabText(index).replace('&', '')}", size)
    return problems


@pytest.fixture
def window(qtbot, demo_db, demo_org):
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    win = MainWindow(AppContext(demo_db, demo_org))
    qtbot.addWidget(win)
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.show()
    return win


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_and_tab_shows_its_text_whole(qtbot, window, size):
    from app.ui.screens import SCREENS

    window.resize(*size)
    window.show_todo()
    problems: list[str] = []
    for row, spec in enumerate(SCREENS):
        window.nav.setCurrentRow(row)
        screen = window.stack.currentWidget()
        if spec.key == "orders":
            screen.year_combo.setCurrentIndex(screen.year_combo.findData(2025))
            problems += every_tab(window, "orders-avant-calcul", size)
            qtbot.mouseClick(screen.compute_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(
                lambda s=screen: s.proposal is not None and s.compute_button.isEnabled(), timeout=30000
            )
        problems += every_tab(window, spec.key, size)
    assert not problems, "\n".join(problems)


def _dialogs(context, window):  # noqa: ANN001, ANN202
    """(name, a shown dialog) for every dialog a user can open; each made as the app makes it."""
    from app.services.reference import KINDS
    from app.ui.dialogs.contract_form import ContractDialog
    from app.ui.dialogs.export_dialog import ExportDialog
    from app.ui.dialogs.guide import GuideDialog
    from app.ui.dialogs.import_dialog import ImportDialog
    from app.ui.dialogs.record_form import RecordDialog
    from app.ui.dialogs.wizard import FirstRunWizard

    wizard = FirstRunWizard(window)
    yield "assistant-accueil", wizard
    wizard.pages.setCurrentIndex(1)
    yield "assistant-creation", wizard
    wizard.close()
    for name, factory in (
        ("export", lambda: ExportDialog(context, window)),
        ("import", lambda: ImportDialog(context, window)),
        ("guide", lambda: GuideDialog(window)),
        ("marche-nouveau", lambda: ContractDialog(context, None, window)),
    ):
        dialog = factory()
        yield name, dialog
        dialog.close()
    from app.services.contracts import list_contracts

    first = list_contracts(context.db, context.organisation_id)[0]
    dialog = ContractDialog(context, first.id, window)
    tabs = dialog.findChild(QTabWidget)
    for index in range(tabs.count() if tabs else 1):
        if tabs:
            tabs.setCurrentIndex(index)
        yield f"marche-{tabs.tabText(index).replace('&', '') if tabs else 'fiche'}", dialog
    dialog.close()
    for key, kind in KINDS.items():
        dialog = RecordDialog(context, kind, None, window)
        yield f"fiche-{key}", dialog
        dialog.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_dialog_shows_its_text_whole(qtbot, window, size):
    window.resize(*size)
    problems: list[str] = []
    for name, dialog in _dialogs(window.context, window):
        qtbot.addWidget(dialog)
        dialog.show()
        settle()
        # a dialog opens at its own size hint, never larger than the screen it is on
        dialog.resize(min(dialog.width(), size[0]), min(dialog.height(), size[1] - 40))
        problems += check(dialog, name, size)
    assert not problems, "\n".join(problems)


def test_print_preview_fits(qtbot, demo_db, demo_org, tmp_path):
    from app.services.cad_report import write_cad_dossier
    from app.ui.dialogs.print_preview import PrintPreviewDialog

    out = tmp_path / "dossier.pdf"
    write_cad_dossier(demo_db, demo_org, 2026, out)
    dialog = PrintPreviewDialog(out, "Dossier du CAD")
    qtbot.addWidget(dialog)
    dialog.resize(1366, 728)
    dialog.show()
    assert not check(dialog, "apercu", (1366, 768))


# ---- the check itself finds what a user would see cut ---------------------------------------------
def test_the_check_finds_planted_cuts_and_overlaps(qtbot):
    from app.ui.models.table import Column, RowTableModel

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    cut_label = QLabel("Montant des marchés en cours au 31 décembre")
    cut_label.setFixedWidth(60)
    cut_button = QPushButton("Enregistrer sous…")
    cut_button.setFixedWidth(40)
    combo = QComboBox()
    combo.addItem("Commune de Montclair-sur-Loue")
    combo.setFixedWidth(90)
    wrapped = QLabel("Un texte assez long pour passer sur plusieurs lignes dans une étiquette étroite.")
    wrapped.setWordWrap(True)
    wrapped.setFixedSize(120, 20)
    table = QTableView()
    table.setModel(RowTableModel([Column("Objectif atteint", str)], root))
    table.horizontalHeader().resizeSection(0, 30)
    row = QHBoxLayout()
    row.addWidget(cut_label)
    row.addWidget(cut_button)
    row.addWidget(combo)
    row.addWidget(wrapped)
    layout.addLayout(row)
    layout.addWidget(table)
    free = QWidget()  # widgets placed by hand, as a layout squeezed below its minimum places them
    free.setFixedHeight(100)
    layout.addWidget(free)
    covered = QLabel("dessous", free)
    covering = QLabel("dessus", free)
    root.resize(600, 400)
    root.show()
    covered.setGeometry(10, 10, 80, 30)
    covering.setGeometry(200, 10, 80, 30)
    settle()
    assert not [p for p in layout_problems(root) if "dessus" in p or "dessous" in p]
    covering.move(40, 20)
    sticking_out = QLabel("dehors", free)
    sticking_out.setGeometry(free.width() - 40, 70, 100, 40)
    sticking_out.show()
    settle()
    found = "\n".join(layout_problems(root))
    assert "'Montant des marchés en cours au 31 décembre' : texte coupé à droite" in found
    assert "'Enregistrer sous…' : texte coupé" in found
    assert "'Commune de Montclair-sur-Loue' : choix affiché coupé" in found
    assert "texte coupé en bas" in found
    assert "en-tête de colonne « Objectif atteint » coupé" in found
    assert "'dessous' chevauche QLabel 'dessus'" in found
    assert "'dehors' dépasse" in found
    # the same widgets given room are not reported
    for widget in (cut_label, cut_button, combo):
        widget.setFixedWidth(400)
    wrapped.setFixedSize(400, 200)
    covering.move(200, 10)
    sticking_out.move(400, 10)
    table.resizeColumnsToContents()
    root.resize(1800, 600)
    settle()
    assert layout_problems(root) == []
