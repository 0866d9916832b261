"""The generic form of a reference record, built from the service's field specifications."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.errors import ValidationError
from app.services.reference import FieldSpec, ReferenceItem, ReferenceKind, save_item
from app.ui.context import AppContext


def display_value(spec: FieldSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind == "bool":
        return "Oui" if value else "Non"
    if spec.kind == "choice":
        return dict(spec.choices).get(value, str(value))
    if spec.kind == "cpv_list":
        return ", ".join(value)
    if spec.kind == "decimal":
        return fmt.number(value, 1)
    return str(value)


class RecordDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        kind: ReferenceKind,
        item: ReferenceItem | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("record_dialog")
        self.context = context
        self.kind = kind
        self.item = item
        self.saved: ReferenceItem | None = None
        self.setWindowTitle(kind.new_label if item is None else f"{kind.singular.capitalize()} : modifier")
        self.setMinimumWidth(520)
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout()
        for spec in kind.fields:
            widget = self._widget(spec)
            widget.setAccessibleName(spec.label)
            if spec.help:
                widget.setToolTip(spec.help)
            self.widgets[spec.name] = widget
            caption = f"{spec.label}{' *' if spec.required else ''} :"
            if spec.kind == "bool":
                form.addRow("", widget)
            else:
                form.addRow(caption, widget)
            if spec.help and spec.kind != "bool":
                hint = QLabel(spec.help)
                hint.setWordWrap(True)
                hint.setStyleSheet("color: palette(mid);")
                form.addRow("", hint)
        if item is not None:
            self.set_values(item.values)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _widget(self, spec: FieldSpec) -> QWidget:
        if spec.kind == "bool":
            box = QCheckBox(spec.label)
            if spec.name == "grouping_eligible":
                box.setChecked(True)
            return box
        if spec.kind == "choice":
            combo = QComboBox()
            for code, text in spec.choices:
                combo.addItem(text, code)
            if spec.name == "size":
                combo.setCurrentIndex(combo.findData("unknown"))
            return combo
        edit = QLineEdit()
        if spec.kind == "integer" and spec.name == "max_delay_days":
            edit.setText("14")
        return edit

    def set_values(self, values: dict[str, Any]) -> None:
        for spec in self.kind.fields:
            widget = self.widgets[spec.name]
            value = values.get(spec.name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText("" if value is None else display_value(spec, value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.kind.fields:
            widget = self.widgets[spec.name]
            if isinstance(widget, QCheckBox):
                out[spec.name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                out[spec.name] = widget.currentData()
            else:
                out[spec.name] = widget.text()
        return out

    def save(self) -> None:
        from app.ui import ops

        ctx = self.context
        try:
            values = self.values()
        except ValidationError as exc:
            self._focus(exc)
            QMessageBox.warning(self, "Saisie à corriger", exc.message)
            return
        item_id = self.item.id if self.item else None
        version = self.item.version if self.item else None
        db, key, org, user = ctx.db, self.kind.key, ctx.organisation_id, ctx.user_name
        ops.mutate(
            self,
            lambda: save_item(
                db, key, org, values, item_id=item_id, expected_version=version, user_name=user
            ),
            self._saved,
            on_error=ops.warn_invalid(self, self._focus),
        )

    def _focus(self, exc: BaseException) -> None:
        if getattr(exc, "field", None) in self.widgets:
            self.widgets[exc.field].setFocus()

    def _saved(self, saved: ReferenceItem) -> None:
        self.saved = saved
        self.accept()

    @property
    def saved_id(self) -> uuid.UUID | None:
        return self.saved.id if self.saved else None
