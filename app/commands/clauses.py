"""``clauses``: the clause library, and for one contract each clause's status and reason.

clauses --contract REF [--org S] [--json] [--pdf FILE] [--xlsx FILE]
clauses --library [--json]
clauses --export FILE [--all] [--org S]   /   clauses --import FILE [--org S]
"""

from __future__ import annotations

import argparse

from app.commands.common import add_db_options, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clauses", help="bibliothèque de clauses et liste des clauses d'un marché")
    add_db_options(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--contract", metavar="REF", help="référence du marché")
    what.add_argument("--library", action="store_true", help="afficher la bibliothèque de clauses")
    what.add_argument("--export", metavar="FICHIER", help="exporter les clauses de la collectivité (.toml)")
    what.add_argument(
        "--import", dest="import_file", metavar="FICHIER", help="importer une bibliothèque (.toml)"
    )
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.add_argument("--all", action="store_true", help="avec --export : inclure les clauses livrées")
    p.add_argument("--pdf", metavar="FICHIER", help="avec --contract : écrire la liste de clauses en PDF")
    p.add_argument("--xlsx", metavar="FICHIER", help="avec --contract : écrire la liste de clauses en Excel")
    p.set_defaults(func=cmd_clauses)


def cmd_clauses(args: argparse.Namespace) -> int:
    from app import format as fmt
    from app.services import clauses as service
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        service.ensure_builtin_clauses(db)
        if args.library:
            org_id = find_organisation(db, args.org).id if args.org else _single_org(db)
            return _library(args, service.list_library(db, org_id))
        org = find_organisation(db, args.org)
        if args.export:
            count = service.export_library(db, org.id, args.export, include_builtin=args.all)
            emit(
                args,
                {"file": args.export, "clauses": count},
                f"{fmt.count(count, 'clause exportée', 'clauses exportées')} dans {args.export}.",
            )
            return 0
        if args.import_file:
            result = service.import_library(db, org.id, args.import_file)
            emit(
                args,
                result.to_json(),
                f"{fmt.count(len(result.added), 'clause importée', 'clauses importées')}, "
                f"{fmt.count(len(result.skipped), 'déjà présente', 'déjà présentes')}.",
            )
            return 0
        contract_id = service.find_contract(db, org.id, args.contract)
        checklist = service.checklist(db, contract_id)
        if args.pdf:
            from app.services.clause_exports import checklist_pdf

            checklist_pdf(checklist, args.pdf)
        if args.xlsx:
            from app.services.clause_exports import checklist_xlsx

            checklist_xlsx(checklist, args.xlsx)
        return _contract(args, checklist)
    finally:
        db.dispose()


def _single_org(db) -> object:  # noqa: ANN001
    """The only organisation of the file, or None (built-in clauses only) when there are several."""
    from app.services.organisations import list_organisations

    rows = list_organisations(db)
    return rows[0].id if len(rows) == 1 else None


def _library(args: argparse.Namespace, rows: list) -> int:
    from app import format as fmt
    from app.enums import label

    data = [r.to_json() for r in rows]
    lines = [f"{fmt.count(len(rows), 'clause')} :"]
    for r in rows:
        actions = ", ".join(str(a) for a in r.actions)
        lines.append(
            f"  {r.code:<32} {label(r.kind):<22} {fmt.plural(len(r.actions), 'action'):<7} {actions:<8} {r.title}"
        )
    emit(args, data, "\n".join(lines))
    return 0


def _contract(args: argparse.Namespace, checklist) -> int:  # noqa: ANN001
    from app import format as fmt
    from app.enums import label

    data = checklist.to_json()
    lines = [
        f"Marché {checklist.reference} : {checklist.object}",
        f"Montant HT {fmt.money(checklist.amount)}, durée {checklist.duration_months or '?'} mois, "
        f"consultation du {fmt.date(checklist.consultation_date)}",
    ]
    for i in checklist.items:
        flag = " MANQUANTE" if i.missing else ""
        lines.append(f"  [{i.applicability_label}{flag}] {i.title} ({label(i.status)})")
        lines.append(f"      {i.reason}")
    emit(args, data, "\n".join(lines))
    return 0
