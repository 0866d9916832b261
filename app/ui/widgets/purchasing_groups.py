"""The purchasing groups (groupements de commandes) the user's organisation belongs to.

A group's shared data (its state and notes) is changed by its coordinator's users; the other
members consult it, read-only, with a padlock and the coordinator's name. The decision is the rule
``app.rules.editing`` (carried by each row's ``access``); the service refuses the rest anyway."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import joint_purchasing as svc
from app.ui import ops
from app.ui.dialogs import read_only
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.tables import fit_columns

if TYPE_CHECKING:
    from app.ui.context import AppContext

MUTED = QColor("#5f6368")


def _muted(row: svc.GroupRow) -> QColor | None:
    return None if row.access.editable else MUTED


def _lock(row: svc.GroupRow):  # noqa: ANN202
    return None if row.access.editable else read_only.lock_icon()


COLUMNS = [
    Column("Groupement", lambda r: r.name, foreground=_muted, decoration=_lock),
    Column("Coordonnateur", lambda r: r.coordinator, foreground=_muted),
    Column("Membres", lambda r: ", ".join(r.members), foreground=_muted),
    Column("État", lambda r: r.status_label, foreground=_muted),
    Column(
        "Modifiable par vous",
        lambda r: "oui (vous coordonnez)" if r.access.editable else f"non — {r.access.marker.lower()}",
        foreground=_muted,
        tooltip=lambda r: r.access.explanation or "Votre collectivité coordonne ce groupement.",
    ),
]


class GroupDialog(QDialog):
    """A group's state and notes: editable for its coordinator, read-only for the other members."""

    def __init__(self, row: svc.GroupRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("purchasing_group_dialog")
        self.setWindowTitle(row.name)
        self.status = QComboBox()
        self.status.setAccessibleName("État du groupement")
        for code, text in svc.STATUS_LABELS.items():
            self.status.addItem(text, code)
        self.status.setCurrentIndex(max(self.status.findData(row.status), 0))
        self.notes = QPlainTextEdit(row.notes)
        self.notes.setAccessibleName("Notes du groupement")
        self.notes.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("Coordonnateur :", QLabel(row.coordinator))
        form.addRow("Membres :", QLabel(", ".join(row.members)))
        form.addRow("&État :", self.status)
        form.addRow("&Notes :", self.notes)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.banner = read_only.banner()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if not row.access.editable:
            read_only.show_read_only(self, self.banner, row.access, keep=(self.close_button,))
            self.save_button.hide()
            self.close_button.setText("Fermer")


class PurchasingGroupsView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Groupements de commandes enregistrés")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(self.fontMetrics().height() * 9)  # ~5 rows: the proposals come first
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_button())
        self.open_button = QPushButton("&Ouvrir le groupement")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        title = QLabel(
            "<b>Groupements enregistrés</b> — le coordonnateur en tient l'état ; les autres membres le consultent."
        )
        title.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(title, 1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        # A list with no input of its own: it follows every change, another window's included.
        context.data_changed.connect(lambda kind: kind in ("purchasing_group", "external") and self.reload())
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        if not ctx.ready:
            self.model.set_rows([])
            return
        db, org = ctx.db, ctx.organisation_id
        ops.query(self, lambda: svc.purchasing_groups(db, org), self._show)

    def _show(self, rows: list[svc.GroupRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        self._update_button()

    def selected(self) -> svc.GroupRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_button(self) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None)
        if row is not None:
            self.open_button.setText(
                "&Modifier le groupement" if row.access.editable else "&Consulter le groupement"
            )

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = GroupDialog(row, self)
        if not dialog.exec() or not row.access.editable:
            return
        ctx = self.context
        update = functools.partial(
            svc.update_purchasing_group,
            ctx.db,
            row.id,
            status=dialog.status.currentData(),
            notes=dialog.notes.toPlainText(),
            expected_version=row.version,
            organisation_id=ctx.organisation_id,
            user_name=ctx.user_name,
        )
        ops.mutate(self, update, lambda _result: self._saved(), on_conflict=self.reload)

    def _saved(self) -> None:
        self.context.data_changed.emit("purchasing_group")  # reloads this list too
