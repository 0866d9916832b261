"""First run: create the database of « ma commune », open an existing file, or discover the demo."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.dialogs.errors import show_error
from app.ui.dialogs.file_choosers import FILE_FILTER, choose_folder, choose_open_file
from app.ui.widgets.fields import IntEdit
from app.ui.widgets.glossary import explain_acronyms


def file_name_for(name: str) -> str:
    from app.services.text import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "ma-commune"
    return f"achats-durables-{slug}.sqlite"


class FirstRunWizard(QDialog):
    def __init__(
        self, parent: QWidget | None = None, *, start_on_create: bool = False, folder: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_wizard")
        self.setWindowTitle("Bienvenue dans Achats Durables")
        self.setMinimumWidth(620)
        self.chosen_path: Path | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choice_page())
        self.pages.addWidget(self._create_page(folder))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        if start_on_create:
            self.pages.setCurrentIndex(1)
        explain_acronyms(self)

    # --- page 1: what to do ------------------------------------------------------------------------
    def _choice_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            "<h2>Bienvenue</h2><p>Achats Durables garde vos marchés, leurs échéances et vos actions SPASER "
            "dans <b>un seul fichier</b>, que vous pouvez sauvegarder ou partager avec les communes voisines.</p>"
            "<p>Que voulez-vous faire ?</p>"
        )
        intro.setWordWrap(True)
        self.create_button = QCommandLinkButton(
            "Créer la base de ma commune", "Un nouveau fichier dans vos Documents, avec vos services."
        )
        self.open_button = QCommandLinkButton(
            "Ouvrir un fichier existant",
            "Le fichier de votre collectivité, sur ce poste ou sur un dossier partagé.",
        )
        self.demo_button = QCommandLinkButton(
            "Découvrir avec la base de démonstration", "Deux communes fictives, pour essayer sans risque."
        )
        self.create_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.open_button.clicked.connect(self.open_existing)
        self.demo_button.clicked.connect(self.open_demo)
        layout.addWidget(intro)
        for button in (self.create_button, self.open_button, self.demo_button):
            layout.addWidget(button)
        later = QPushButton("Plus tard")
        later.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(later)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    # --- page 2: create ------------------------------------------------------------------------------
    def _create_page(self, folder: Path | None) -> QWidget:
        from app.services.organisations import DEFAULT_DEPARTMENTS

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h2>Créer la base de ma commune</h2>"))
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Nom de la collectivité")
        self.name.setPlaceholderText("ex. Commune de Val-des-Saules")
        self.siret = QLineEdit()
        self.siret.setAccessibleName("SIRET")
        self.siret.setPlaceholderText("14 chiffres (facultatif)")
        self.siret_problem = QLabel()
        self.siret_problem.setStyleSheet("color: #a40000;")
        self.siret_problem.setWordWrap(True)
        # The dialog does not grow for a wrapped label's height: a two-line message typed in after
        # the dialog was shown was cut in half at 150 % scaling. Two lines are kept for it.
        self.siret_problem.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.siret_problem.setMinimumHeight(2 * self.siret_problem.fontMetrics().lineSpacing() + 2)
        self.siret.textChanged.connect(self._check_siret)
        self.population = IntEdit("Population")
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Dossier du fichier")
        if folder is None:
            from app.paths import documents_dir

            folder = documents_dir()
        self.folder.setText(str(folder))
        browse = QPushButton("Choisir…")
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.file_label = QLabel()
        self.name.textChanged.connect(self._update_file_label)
        form.addRow("&Nom de la collectivité * :", self.name)
        form.addRow("&SIRET :", self.siret)
        form.addRow("", self.siret_problem)
        form.addRow("&Population :", self.population)
        folder_label = QLabel("&Dossier :")  # a layout row gets no buddy: without one "&" shows
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("Fichier :", self.file_label)
        layout.addLayout(form)
        layout.addWidget(QLabel("Vos services (décochez ceux que vous n'avez pas, ajoutez les vôtres) :"))
        self.departments = QListWidget()
        self.departments.setAccessibleName("Services de la collectivité")
        for name in DEFAULT_DEPARTMENTS:
            self._add_department(name)
        self.departments.setMaximumHeight(160)
        layout.addWidget(self.departments)
        add_row = QHBoxLayout()
        self.new_department = QLineEdit()
        self.new_department.setAccessibleName("Nouveau service")
        self.new_department.setPlaceholderText("Autre service, ex. Police municipale")
        self.new_department.returnPressed.connect(self._add_typed_department)
        add = QPushButton("Ajouter le service")
        add.clicked.connect(self._add_typed_department)
        add_row.addWidget(self.new_department, 1)
        add_row.addWidget(add)
        layout.addLayout(add_row)
        buttons = QHBoxLayout()
        back = QPushButton("Retour")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.create_db_button = QPushButton("Créer le fichier")
        self.create_db_button.setDefault(True)
        self.create_db_button.clicked.connect(self.create_database)
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_db_button)
        layout.addLayout(buttons)
        self._update_file_label()
        return page

    def _add_department(self, name: str) -> None:
        item = QListWidgetItem(name, self.departments)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)

    def _add_typed_department(self) -> None:
        name = self.new_department.text().strip()
        if name:
            self._add_department(name)
            self.new_department.clear()

    def checked_departments(self) -> list[str]:
        return [
            self.departments.item(i).text()
            for i in range(self.departments.count())
            if self.departments.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _check_siret(self) -> None:
        from app.rules.values import siret_problem

        text = self.siret.text().strip()
        self.siret_problem.setText(siret_problem(text) or "" if text else "")

    def _update_file_label(self) -> None:
        self.file_label.setText(file_name_for(self.name.text()))

    def _choose_folder(self) -> None:
        folder = choose_folder(self, "Dossier du fichier", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def target_path(self) -> Path:
        return Path(self.folder.text().strip()) / file_name_for(self.name.text())

    def create_database(self) -> None:
        from app.rules.values import siret_problem
        from app.services.organisations import init_database

        name = self.name.text().strip()
        siret = self.siret.text().strip()
        try:
            if not name:
                raise UserError("Indiquez le nom de votre collectivité.")
            if siret and siret_problem(siret):
                raise UserError(siret_problem(siret))
            population = self.population.value()
            if not self.checked_departments():
                raise UserError("Gardez au moins un service : c'est lui qui passe les commandes.")
            path = self.target_path()
            if path.exists():
                raise UserError(
                    f"Le fichier « {path} » existe déjà. Ouvrez-le (Fichier › Ouvrir) ou changez le nom ou le dossier."
                )
            # Built aside and renamed when complete: a crash never leaves a file without its town.
            init_database(
                path,
                name,
                siret=siret or None,
                population=population,
                departments=self.checked_departments(),
            )
        except UserError as exc:
            show_error(self, exc)
            return
        self.chosen_path = path
        QMessageBox.information(
            self,
            "Fichier créé",
            f"Votre fichier est prêt :\n{path}\n\nPensez à le sauvegarder régulièrement.",
        )
        self.accept()

    # --- other choices -----------------------------------------------------------------------------
    def open_existing(self) -> None:
        path = choose_open_file(self, "Ouvrir une base Achats Durables", FILE_FILTER)
        if path:
            self.chosen_path = Path(path)
            self.accept()

    def open_demo(self) -> None:
        from app.demo.database import demo_copy

        try:
            self.chosen_path = demo_copy()
        except UserError as exc:
            show_error(self, exc)
            return
        self.accept()
