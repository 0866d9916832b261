"""« Fusionner la copie d'une autre mairie… » (menu Fichier): bring another town's copy of the
register (sent by e-mail, on a USB stick) into the open file.

The user picks the other file; a trial run on the database worker says what the merge would do,
kind by kind (records added, taken from the other copy, deleted), and lists the conflicts (a record
changed on both sides) with what differs and who changed each side; the user chooses, for each
conflict, to keep this file's version or take the other's (or all at once); the merge then runs
after a backup of this file, and its result says where the backup is. The other file is never
modified. Every screen reloads afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.ui import ops
from app.ui.context import AppContext
from app.ui.dialogs.file_choosers import FILE_FILTER, choose_open_file
from app.ui.ops.presence import EXTERNAL  # the change of another window: every screen reloads

if TYPE_CHECKING:
    from app.services.merge import MergeConflict, MergeReport

TITLE = "Fusionner la copie d'une autre mairie"
KIND_HEADERS = ("Type de fiche", "Ajoutées", "Reprises de l'autre copie", "Supprimées")
CONFLICT_HEADERS = ("Fiche", "Ce qui diffère", "Dans ce fichier", "Dans l'autre copie", "Votre choix")
UNDECIDED, MINE, THEIRS = "", "mine", "theirs"
CHOICES = (
    (UNDECIDED, "À décider plus tard"),
    (MINE, "Garder la mienne"),
    (THEIRS, "Prendre la leur"),
)


def open_merge_dialog(context: AppContext, parent: QWidget | None = None) -> None:
    MergeDialog(context, parent).exec()


def record_counts(report: MergeReport) -> tuple[int, int, int, int]:
    """(added, taken, deleted) records, the audit trail's entries left out, and those entries."""
    trail = report.by_kind.get("audit_entry", {})
    history = trail.get("added", 0)
    return (
        report.added - history,
        report.updated - trail.get("updated", 0),
        report.deleted - trail.get("deleted", 0),
        history,
    )


def _side_text(conflict: MergeConflict, mine: bool) -> str:
    values = [d.here if mine else d.there for d in conflict.differences]
    return "\n".join([*values, f"({conflict.side(mine)})"])


class MergeDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("merge_dialog")
        self.setWindowTitle(TITLE)
        self.resize(1040, 680)
        self.path: Path | None = None
        self.preview: MergeReport | None = None
        self.result: MergeReport | None = None
        self.choice_boxes: dict[Any, QComboBox] = {}

        intro = QLabel(
            "Choisissez la copie du registre reçue d'une autre mairie (par courriel, sur une clé USB). "
            "Les fiches qu'elle est seule à avoir sont ajoutées, celles modifiées d'un seul côté prennent "
            "la version la plus récente, ses suppressions sont appliquées. Une fiche modifiée des deux "
            "côtés est un conflit : vous choisissez laquelle garder. L'autre fichier n'est jamais modifié, "
            "et une sauvegarde de ce fichier est faite avant la fusion."
        )
        intro.setWordWrap(True)

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Aucun fichier choisi")
        self.file_edit.setAccessibleName("Copie à fusionner")
        self.choose_button = QPushButton("&Choisir la copie…")
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_label = QLabel("&Copie de l'autre mairie :")
        file_label.setBuddy(self.choose_button)
        file_row.addWidget(file_label)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)

        self.summary_label = QLabel("")
        self.summary_label.setObjectName("merge_summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kinds_table = QTableWidget(0, len(KIND_HEADERS))
        self.kinds_table.setObjectName("merge_kinds")
        self.kinds_table.setHorizontalHeaderLabels(KIND_HEADERS)
        self.kinds_table.setAccessibleName("Ce que la fusion change, par type de fiche")
        self._read_only(self.kinds_table)
        self.kinds_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary_box = summary_box = QGroupBox("Ce que la fusion ferait")
        summary_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary_label)
        summary_layout.addWidget(self.kinds_table)

        self.conflicts_table = QTableWidget(0, len(CONFLICT_HEADERS))
        self.conflicts_table.setObjectName("merge_conflicts")
        self.conflicts_table.setHorizontalHeaderLabels(CONFLICT_HEADERS)
        self.conflicts_table.setAccessibleName("Conflits : fiches modifiées des deux côtés")
        self._read_only(self.conflicts_table)
        self.conflicts_table.setWordWrap(True)
        header = self.conflicts_table.horizontalHeader()
        for column in range(len(CONFLICT_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(CONFLICT_HEADERS) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self.keep_all_button = QPushButton("Tout &garder (la mienne)")
        self.take_all_button = QPushButton("Tout &prendre (la leur)")
        self.keep_all_button.clicked.connect(lambda: self.choose_all(MINE))
        self.take_all_button.clicked.connect(lambda: self.choose_all(THEIRS))
        all_row = QHBoxLayout()
        self.conflicts_label = QLabel("")
        self.conflicts_label.setWordWrap(True)
        all_row.addWidget(self.conflicts_label, 1)
        all_row.addWidget(self.keep_all_button)
        all_row.addWidget(self.take_all_button)
        self.conflicts_box = QGroupBox("Conflits")
        conflicts_layout = QVBoxLayout(self.conflicts_box)
        conflicts_layout.addLayout(all_row)
        conflicts_layout.addWidget(self.conflicts_table, 1)

        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton("&Fusionner", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("merge_button")
        self.merge_button.clicked.disconnect()
        self.merge_button.clicked.connect(self.merge)
        self.close_button = self.buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(summary_box)
        layout.addWidget(self.conflicts_box, 1)
        layout.addStretch(0)  # takes the room when there is no conflict to show
        layout.addWidget(self.buttons)
        self._show_state()

    @staticmethod
    def _read_only(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()

    # --- choosing the file and the trial run -----------------------------------------------------------
    def choose_file(self) -> None:
        path = choose_open_file(self, "Copie d'une autre mairie à fusionner", FILE_FILTER)
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        """Take ``path`` as the other copy and run the trial merge on the database worker."""
        from app.services.merge import preview_merge

        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.preview = self.result = None
        self.summary_label.setText("Comparaison des deux copies…")
        self._show_state()
        db, other = self.context.db, self.path
        ops.run_op(
            self,
            "Comparaison avec l'autre copie…",
            lambda progress: preview_merge(db, other, progress=progress.update),
            self._show_preview,
            self._refused,
            cancellable=False,
        )

    def _refused(self, exc: BaseException) -> None:
        self.preview = None
        self.summary_label.setText("Cette copie ne peut pas être fusionnée : voir le message.")
        self._show_state()
        ops.show_op_error(self, exc)

    def _show_preview(self, report: MergeReport) -> None:
        self.preview = report
        name = Path(report.source).name
        if report.changed == 0 and not report.conflicts:
            text = f"Ce fichier et « {name} » sont déjà d'accord : la fusion ne changerait rien."
        else:
            added, updated, deleted, history = record_counts(report)
            text = (
                f"Fusionner « {name} » ajouterait {fmt.count(added, 'fiche', 'fiches')}, "
                f"en reprendrait {updated} de l'autre copie et en supprimerait {deleted}."
            )
            if history:
                text += (
                    f" L'historique des modifications recevrait "
                    f"{fmt.count(history, 'entrée', 'entrées')} de l'autre copie."
                )
        self.summary_label.setText(text)
        self._fill_kinds(report)
        self._fill_conflicts(report.conflicts)
        self._show_state()

    def _fill_kinds(self, report: MergeReport) -> None:
        from app.services.merge import ENTITY_NAMES, kinds_in_order

        rows = [
            (ENTITY_NAMES.get(kind, kind), report.by_kind[kind])
            for kind in kinds_in_order()
            if kind in report.by_kind and any(report.by_kind[kind].values())
        ]
        self.kinds_table.setRowCount(len(rows))
        for r, (label, counts) in enumerate(rows):
            cells = (label[:1].upper() + label[1:], counts["added"], counts["updated"], counts["deleted"])
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.kinds_table.setItem(r, c, item)
        self.kinds_table.resizeColumnsToContents()
        self.kinds_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        shown = min(len(rows), 6)  # a longer list scrolls
        self.kinds_table.setFixedHeight(
            self.kinds_table.horizontalHeader().sizeHint().height()
            + sum(self.kinds_table.rowHeight(r) for r in range(shown))
            + 2 * self.kinds_table.frameWidth()
            + 6
        )

    def _fill_conflicts(self, conflicts: list[MergeConflict]) -> None:
        self.choice_boxes.clear()
        table = self.conflicts_table
        table.setRowCount(len(conflicts))
        for r, conflict in enumerate(conflicts):
            fields = [d.label for d in conflict.differences] or [conflict.reason]
            cells = (
                f"{conflict.kind[:1].upper()}{conflict.kind[1:]} « {conflict.label} »",
                "\n".join(fields),
                _side_text(conflict, True),
                _side_text(conflict, False),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                table.setItem(r, c, item)
            if conflict.resolvable:
                box = QComboBox()
                box.setAccessibleName(f"Choix pour « {conflict.label} »")
                for value, label in CHOICES:
                    box.addItem(label, value)
                box.setEnabled(self.result is None)
                self.choice_boxes[conflict.row_id] = box
                table.setCellWidget(r, len(CONFLICT_HEADERS) - 1, box)
            else:
                item = QTableWidgetItem("À corriger à la main, puis fusionner de nouveau")
                item.setToolTip(item.text())
                table.setItem(r, len(CONFLICT_HEADERS) - 1, item)
        table.resizeRowsToContents()

    def choose_all(self, side: str) -> None:
        for box in self.choice_boxes.values():
            box.setCurrentIndex(box.findData(side))

    def choices(self) -> dict[Any, str]:
        """Row id -> ``mine`` / ``theirs`` for every conflict the user decided."""
        return {row_id: box.currentData() for row_id, box in self.choice_boxes.items() if box.currentData()}

    def _show_state(self) -> None:
        report = self.result or self.preview
        conflicts = report.conflicts if report is not None else []
        self.conflicts_box.setVisible(bool(conflicts))
        self.kinds_table.setVisible(report is not None and self.kinds_table.rowCount() > 0)
        deciding = self.result is None and bool(self.choice_boxes)
        self.keep_all_button.setVisible(deciding)
        self.take_all_button.setVisible(deciding)
        self.conflicts_label.setText(
            f"{fmt.count(len(conflicts), 'fiche a été modifiée', 'fiches ont été modifiées')} des deux côtés "
            "(ou supprimée d'un côté et modifiée de l'autre). Choisissez pour chacune la version à garder ; "
            "un conflit laissé « à décider plus tard » reste tel quel ici et sera de nouveau listé."
            if self.result is None
            else f"{fmt.count(len(conflicts), 'conflit laissé', 'conflits laissés')} tel(s) quel(s) ici."
        )
        self.merge_button.setEnabled(
            self.preview is not None
            and self.result is None
            and (self.preview.changed > 0 or bool(self.preview.conflicts))
        )
        self.choose_button.setEnabled(self.result is None)

    # --- the merge -------------------------------------------------------------------------------------
    def merge(self) -> None:
        from app.services.merge import merge_copy

        if self.preview is None or self.path is None:
            return
        chosen = self.choices()
        keep = [str(row_id) for row_id, side in chosen.items() if side == MINE]
        take = [str(row_id) for row_id, side in chosen.items() if side == THEIRS]
        db, other, user = self.context.db, self.path, self.context.user_name
        self.merge_button.setEnabled(False)
        ops.run_op(
            self,
            "Fusion en cours…",
            lambda progress: merge_copy(
                db, other, keep_mine=keep, take_theirs=take, user_name=user, progress=progress.update
            ),
            self._merged,
            self._merge_failed,
            cancellable=False,
        )

    def _merge_failed(self, exc: BaseException) -> None:
        self._show_state()
        ops.show_op_error(self, exc)

    def _merged(self, report: MergeReport) -> None:
        self.result = report
        added, updated, deleted, _history = record_counts(report)
        lines = [
            f"Fusion faite : {fmt.count(added, 'fiche ajoutée', 'fiches ajoutées')}, "
            f"{fmt.count(updated, 'reprise', 'reprises')} de l'autre copie, "
            f"{fmt.count(deleted, 'supprimée', 'supprimées')}."
        ]
        if report.changed == 0:
            lines = ["La fusion n'a rien changé : les deux copies étaient déjà d'accord."]
        if report.backup:
            lines.append(f"Une sauvegarde de ce fichier a été faite avant la fusion : {report.backup}")
        if report.conflicts:
            lines.append(
                f"{fmt.count(len(report.conflicts), 'conflit reste', 'conflits restent')} à régler : "
                "ces fiches sont restées telles quelles ici."
            )
        self.summary_box.setTitle("Résultat de la fusion")
        self.summary_label.setText("\n".join(lines))
        self._fill_kinds(report)
        self._fill_conflicts(report.conflicts)
        self._show_state()
        self.context.data_changed.emit(EXTERNAL)  # every screen reloads what it shows
        self.context.data_changed.emit("contract")
