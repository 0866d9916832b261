"""``import`` and ``export``: spreadsheets, French CSV and DECP files in and out."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_db_options, emit, open_db

IMPORT_KINDS = ("contracts", "orders", "suppliers", "decp")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="importer des marchés, commandes ou fournisseurs (.xlsx, .csv) ou des données DECP (.json)",
        description="Tout ou rien par défaut : une ligne invalide refuse le fichier et chaque problème est listé.",
    )
    p.add_argument(
        "kind", choices=IMPORT_KINDS, help="contracts (marchés), orders (commandes), suppliers, decp"
    )
    p.add_argument("file", metavar="FICHIER", type=Path)
    add_db_options(p)
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.add_argument("--dry-run", action="store_true", help="vérifier et compter sans rien enregistrer")
    p.add_argument(
        "--skip-invalid", action="store_true", help="importer les lignes valides, lister les autres"
    )
    p.add_argument(
        "--default",
        metavar="COLONNE=VALEUR",
        action="append",
        default=[],
        help="valeur pour les lignes qui n'en ont pas, par ex. --default Service=Mairie "
        "ou --default Procédure=MAPA (répétable)",
    )
    p.set_defaults(func=cmd_import)

    e = sub.add_parser(
        "export",
        help="exporter marchés, commandes, fournisseurs (.xlsx ou .csv), DECP (.json) ou un fichier modèle",
    )
    e.add_argument("kind", choices=(*IMPORT_KINDS, "dashboard", "template"))
    e.add_argument(
        "template_kind",
        nargs="?",
        choices=("contracts", "orders", "suppliers"),
        help="pour « export template » : le modèle à enregistrer",
    )
    e.add_argument("--out", metavar="FICHIER", type=Path, required=True)
    add_db_options(e)
    e.add_argument("--org", metavar="S", help="collectivité (SIRET ou nom)")
    e.add_argument(
        "--all", action="store_true", help="DECP : inclure les marchés sous le seuil de publication"
    )
    e.add_argument("--year", type=int, metavar="N", help="pour « export dashboard » : l'année")
    e.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from app.services.imports import import_file, parse_defaults
    from app.services.organisations import find_organisation

    defaults = parse_defaults(args.kind, args.default)
    db = open_db(args)
    try:
        require_file(args.file)  # before asking which organisation the file is for
        org = find_organisation(db, args.org)
        report = import_file(
            db,
            org.id,
            args.file,
            args.kind,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            defaults=defaults,
        )
    finally:
        db.dispose()
    text = report.summary()
    if report.problems:
        text += "\nLignes invalides :\n" + "\n".join(f"  - {p}" for p in report.problems[:200])
    emit(args, report, text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.services import exports

    if args.kind == "template":
        if not args.template_kind:
            raise UserError(
                "Précisez le modèle : export template {contracts,orders,suppliers} --out FICHIER.xlsx"
            )
        result = exports.save_template(args.template_kind, args.out)
        emit(args, result, f"Fichier modèle enregistré : {result.path}")
        return 0
    if args.template_kind:
        raise UserError(f"« {args.template_kind} » n'est attendu qu'après « export template ».")
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        if args.kind == "dashboard":
            result = _export_dashboard(db, org.id, args)
        elif args.kind == "decp":
            result = exports.export_decp(db, org.id, args.out, include_all=args.all)
        else:
            result = exports.export_table(db, org.id, args.kind, args.out)
    finally:
        db.dispose()
    emit(args, result, result.summary())
    return 0


def require_file(path: Path) -> None:
    """A French error for a missing file or a folder, before anything else is asked."""
    from app.errors import UserError

    if not path.exists():
        raise UserError(f"Le fichier à importer « {path} » n'existe pas. Vérifiez son nom et son dossier.")
    if path.is_dir():
        raise UserError(f"« {path} » est un dossier : indiquez le fichier à importer qu'il contient.")


def _export_dashboard(db, organisation_id, args: argparse.Namespace):  # noqa: ANN001, ANN202
    from app.errors import UserError
    from app.services.dashboard import write_dashboard_xlsx

    if args.year is None or args.out.suffix.lower() != ".xlsx":
        raise UserError("Précisez l'année et un fichier Excel : export dashboard --year N --out FICHIER.xlsx")
    return write_dashboard_xlsx(db, organisation_id, args.year, args.out)
