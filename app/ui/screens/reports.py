"""Rapports: the CAD dossier, the SPASER dashboard (PDF and Excel) and the order-grouping report
(when installed) written in the background; PDFs are then shown in the app's own print preview
(no PDF reader needed) to print or save."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui import ops
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.tasks import Cancelled, run_op
from app.ui.widgets.changed_note import ExternalChanges


def grouping_writer():  # noqa: ANN201
    from app.services.grouping_outputs import write_grouping_report  # late: the screen paints first

    return write_grouping_report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "collectivite"


class ReportsScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.last_file: Path | None = None
        self.last_spreadsheet: Path | None = None
        self.year = QSpinBox()
        self.year.setRange(2020, 2100)
        today = context.today() if callable(getattr(context, "today", None)) else dt.date.today()
        from app.ui.widgets.facts_pointer import default_cad_year

        self.year.setValue(default_cad_year(context, today))  # the next CAD still ahead
        self.year.setAccessibleName("Année du rapport")
        self.year.valueChanged.connect(self._suggest_path)
        self.path = QLineEdit()
        self.path.setAccessibleName("Fichier PDF à écrire")
        browse = QPushButton("&Parcourir…")
        browse.clicked.connect(self._browse)
        self.cad_button = QPushButton("Générer le &dossier du CAD")
        self.cad_button.clicked.connect(self.generate_cad)
        self.grouping_button = QPushButton("Générer le rapport de &mutualisation des commandes")
        self.grouping_button.clicked.connect(self.generate_grouping)
        self.grouping_button.setVisible(grouping_writer() is not None)
        # The dashboard reports on a year already lived (as `report dashboard --year N`): today's.
        self.dashboard_year = QSpinBox()
        self.dashboard_year.setRange(2020, 2100)
        self.dashboard_year.setValue(today.year)
        self.dashboard_year.setAccessibleName("Année du tableau de bord SPASER")
        self.dashboard_pdf_button = QPushButton("&Tableau de bord SPASER (PDF)")
        self.dashboard_pdf_button.setToolTip(
            "Une page de synthèse pour les élus, une page par axe avec graphiques, puis la méthode"
        )
        self.dashboard_pdf_button.clicked.connect(self.generate_dashboard_pdf)
        self.dashboard_xlsx_button = QPushButton("Tableau de bord SPASER (&Excel)")
        self.dashboard_xlsx_button.setToolTip(
            "Une feuille de synthèse, une par axe et la liste des marchés et commandes derrière chaque chiffre"
        )
        self.dashboard_xlsx_button.clicked.connect(self.generate_dashboard_xlsx)
        self._writers = (
            self.cad_button,
            self.grouping_button,
            self.dashboard_pdf_button,
            self.dashboard_xlsx_button,
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.open_button = QPushButton("&Aperçu avant impression…")
        self.open_button.setToolTip("Voir les pages du rapport, l'imprimer ou en enregistrer une copie")
        self.open_button.clicked.connect(self.open_last)
        self.print_button = QPushButton("&Imprimer…")
        self.print_button.setToolTip("Choisir l'imprimante et imprimer le rapport")
        self.print_button.clicked.connect(self.print_last)
        for b in (self.open_button, self.print_button):
            b.setEnabled(False)

        box = QGroupBox("Rapport à imprimer")
        form = QFormLayout(box)
        form.addRow("Année :", self.year)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form.addRow("Fichier :", file_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cad_button)
        buttons.addWidget(self.grouping_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        spaser = QGroupBox("Tableau de bord SPASER")
        spaser_form = QFormLayout(spaser)
        spaser_note = QLabel(
            "Chaque indicateur du schéma de l'année comparé à son objectif, pour la collectivité, ses "
            "groupements et tout le fichier. Le fichier est écrit dans le même dossier que ci-dessus."
        )
        spaser_note.setWordWrap(True)
        spaser_form.addRow(spaser_note)
        spaser_form.addRow("Année du tableau de bord :", self.dashboard_year)
        spaser_buttons = QHBoxLayout()
        spaser_buttons.addWidget(self.dashboard_pdf_button)
        spaser_buttons.addWidget(self.dashboard_xlsx_button)
        spaser_buttons.addStretch(1)
        spaser_form.addRow(spaser_buttons)
        after = QHBoxLayout()
        after.addWidget(self.status, 1)
        after.addWidget(self.open_button)
        after.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Rapports</h2>"))
        layout.addWidget(
            QLabel(
                "Le dossier du Comité annuel des Achats Durables (CAD) réunit la couverture, l'ordre du jour, "
                "les objectifs de cotation, le bilan de l'année précédente, le tableau des marchés présentés, "
                "une fiche par marché et le relevé de décisions à signer."
            )
        )
        layout.itemAt(1).widget().setWordWrap(True)
        layout.addWidget(box)
        layout.addWidget(spaser)
        layout.addLayout(after)
        layout.addStretch(1)
        context.organisation_changed.connect(self._load_organisation_name)
        context.database_changed.connect(self._load_organisation_name)
        self.external = ExternalChanges(self, context, self._load_organisation_name, position=1)
        self.organisation_name = ""
        self._load_organisation_name()

    def _load_organisation_name(self) -> None:
        from app.services.organisations import list_organisations

        ctx = self.context
        if ctx.db is None:
            self._organisation_loaded("")
            return
        db, org = ctx.db, ctx.organisation_id
        ops.query(
            self,
            lambda: next((o.name for o in list_organisations(db) if o.id == org), ""),
            self._organisation_loaded,
        )

    def _organisation_loaded(self, name: str) -> None:
        self.organisation_name = name
        self._suggest_path()

    def _organisation_name(self) -> str:
        return self.organisation_name

    def _suggest_path(self) -> None:
        from app.paths import documents_dir

        name = _slug(self._organisation_name())
        self.path.setText(str(documents_dir() / f"Dossier-CAD-{self.year.value()}-{name}.pdf"))

    def _browse(self) -> None:
        from app.ui.dialogs.file_choosers import choose_save_file

        path = choose_save_file(self, "Enregistrer le rapport", self.path.text(), "Document PDF (*.pdf)")
        if path:
            self.path.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def _target(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            QMessageBox.information(self, "Rapports", "Indiquez le fichier PDF à écrire.")
            return None
        target = Path(text)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def generate_cad(self) -> None:
        from app.services.cad_report import write_cad_dossier

        ctx = self.context
        target = self._target()
        if target is None or ctx.db is None:
            return
        db, org, year = ctx.db, ctx.organisation_id, self.year.value()

        def work(progress):  # noqa: ANN001, ANN202
            def report(done: int, total: int, text: str) -> None:
                progress.update(done, total, text)
                progress.check()

            return write_cad_dossier(db, org, year, target, progress=report)

        self._start(
            "Dossier du CAD",
            work,
            lambda r: (
                f"Dossier du CAD {year} écrit ({count(r.pages, 'page')}, {count(r.contracts, 'marché')})."
            ),
        )

    def generate_grouping(self) -> None:
        writer = grouping_writer()
        ctx = self.context
        if writer is None:
            QMessageBox.warning(
                self, "Rapports", "Le rapport de mutualisation n'est pas disponible dans cette version."
            )
            return
        target = self._target()
        if target is None:
            return
        db, org, year = ctx.db, ctx.organisation_id, self.year.value()
        target = target.with_name(target.name.replace("Dossier-CAD", "Mutualisation"))

        def work(_progress):  # noqa: ANN001, ANN202
            writer(db, org, year, target)
            return target

        self._start("Rapport de mutualisation", work, lambda _r: f"Rapport de mutualisation {year} écrit.")

    def _dashboard_target(self, suffix: str) -> Path | None:
        """The dashboard file, beside the one chosen above, named after the year and the town."""
        target = self._target()
        if target is None:
            return None
        name = _slug(self._organisation_name())
        return target.with_name(f"Tableau-de-bord-SPASER-{self.dashboard_year.value()}-{name}{suffix}")

    def generate_dashboard_pdf(self) -> None:
        self._generate_dashboard(".pdf")

    def generate_dashboard_xlsx(self) -> None:
        self._generate_dashboard(".xlsx")

    def _generate_dashboard(self, suffix: str) -> None:
        from app.services.dashboard import write_dashboard_pdf, write_dashboard_xlsx

        ctx = self.context
        target = self._dashboard_target(suffix)
        if target is None or ctx.db is None:
            return
        writer = write_dashboard_pdf if suffix == ".pdf" else write_dashboard_xlsx
        db, org, year = ctx.db, ctx.organisation_id, self.dashboard_year.value()

        def work(_progress):  # noqa: ANN001, ANN202
            return writer(db, org, year, target)

        if suffix == ".pdf":
            self._start(
                "Tableau de bord SPASER",
                work,
                lambda r: f"Tableau de bord SPASER {year} écrit ({count(r.pages, 'page')}).",
            )
            return
        self._start(
            "Tableau de bord SPASER (Excel)",
            work,
            lambda r: f"Tableau de bord SPASER {year} écrit pour le tableur ({count(r.sheets, 'feuille')}).",
            preview=False,
        )

    def _start(self, title: str, work, describe, *, preview: bool = True) -> None:  # noqa: ANN001
        for button in self._writers:
            button.setEnabled(False)
        self.status.setText(f"{title} en cours d'écriture…")

        def done(result) -> None:  # noqa: ANN001
            self._finished()
            path = Path(getattr(result, "path", result))
            if not preview:  # a spreadsheet: the print preview shows PDFs only
                self.last_spreadsheet = path
                self.status.setText(
                    f"{describe(result)} Fichier : {path}. Ouvrez-le avec votre tableur (Excel, LibreOffice)."
                )
                return
            self.last_file = path
            self.open_button.setEnabled(True)
            self.print_button.setEnabled(True)
            self.status.setText(
                f"{describe(result)} Fichier : {path}. Pour le relire ou l'imprimer, cliquez sur "
                "« Aperçu avant impression » ou « Imprimer »."
            )
            self.open_last()

        def failed(exc: BaseException) -> None:
            self._finished()
            if isinstance(exc, Cancelled):
                self.status.setText("Écriture annulée.")
                return
            from app.ui.dialogs.errors import show_error

            self.status.setText("Le rapport n'a pas pu être écrit.")
            show_error(self, exc)

        run_op(self, f"{title}…", work, done, failed)

    def _finished(self) -> None:
        for button in self._writers:
            button.setEnabled(True)

    def open_last(self):  # noqa: ANN201
        """The last report in the print preview; returns the dialog (tests drive it)."""
        from app.ui.dialogs.printing import preview_pdf

        if self.last_file is None:
            return None
        self.preview = preview_pdf(self, self.last_file, self.last_file.stem)
        return self.preview

    def print_view(self) -> None:
        """Fichier › Imprimer (Ctrl+P) on this screen: the report just written, else say how to get one."""
        if self.last_file is None:
            QMessageBox.information(
                self,
                "Rapports",
                "Générez d'abord le dossier du CAD, le tableau de bord SPASER (PDF) ou le rapport de "
                "mutualisation, puis imprimez-le.",
            )
            return
        self.print_last()

    def print_last(self) -> None:
        """Straight to the print dialog, through the same renderer as the preview."""
        from app.errors import UserError
        from app.ui.dialogs.print_preview import PrintPreviewDialog

        if self.last_file is None:
            return
        try:
            dialog = PrintPreviewDialog(self.last_file, self.last_file.stem, self)
        except UserError as exc:
            QMessageBox.warning(self, "Rapports", exc.message)
            return
        printed = dialog.print_document()
        dialog.done(0)
        dialog.deleteLater()
        if printed:
            self.status.setText(f"{count(printed, 'page envoyée', 'pages envoyées')} à l'imprimante.")


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return ReportsScreen(context, parent)
