"""``report {cad,grouping} --year N --out F.pdf``: printable PDF reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_db_options, emit, open_db
from app.errors import UserError

REPORTS = ("cad", "grouping", "dashboard")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="rapports PDF à imprimer (dossier du CAD, mutualisation des commandes)")
    add_db_options(p)
    p.add_argument(
        "kind",
        choices=REPORTS,
        metavar="{cad,grouping,dashboard}",
        help="cad : dossier du CAD ; grouping : mutualisation ; dashboard : tableau de bord SPASER",
    )
    p.add_argument("--year", type=int, required=True, metavar="N", help="année du rapport")
    p.add_argument("--out", required=True, metavar="FICHIER.pdf", help="fichier PDF à écrire")
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.set_defaults(func=cmd_report)
    register_indicators(sub)


def register_indicators(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help="indicateurs du SPASER de l'année face aux objectifs")
    add_db_options(p)
    p.add_argument("--year", type=int, required=True, metavar="N", help="année des indicateurs")
    p.add_argument("--org", metavar="S", help="collectivité (SIRET ou nom)")
    p.set_defaults(func=cmd_indicators)


def cmd_indicators(args: argparse.Namespace) -> int:
    from app.rules.indicators import format_target, format_value, status_line
    from app.services.dashboard import dashboard_data
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        data = dashboard_data(db, find_organisation(db, args.org).id, args.year)
    finally:
        db.dispose()
    lines = [f"Indicateurs du SPASER {args.year} — {data.organisation}"]
    lines += [
        f"  {r.label} : {format_value(r.unit, r.value)} (objectif : {format_target(r)}) — {status_line(r)}"
        for r in data.results
    ]
    emit(args, data.to_json(), "\n".join(lines))
    return 0


def grouping_report_writer():  # noqa: ANN201
    """``app.services.grouping_outputs.write_grouping_report``, imported when a report is asked for."""
    from app.services.grouping_outputs import write_grouping_report

    return write_grouping_report


def cmd_report(args: argparse.Namespace) -> int:
    from app import format as fmt
    from app.services.organisations import find_organisation

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"Le fichier à écrire doit porter l'extension .pdf (reçu : « {out.name} »).")
    if not out.parent.exists():
        raise UserError(f"Le dossier « {out.parent} » n'existe pas.")
    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        if args.kind == "cad":
            from app.services.cad_report import write_cad_dossier

            result = write_cad_dossier(db, org.id, args.year, out)
            data = {"file": str(out), "pages": result.pages, "contracts": result.contracts}
            text = (
                f"Dossier du CAD {args.year} écrit : {out} ({fmt.count(result.pages, 'page')}, "
                f"{fmt.count(result.contracts, 'marché présenté', 'marchés présentés')})."
            )
        elif args.kind == "dashboard":
            from app.services.dashboard import write_dashboard_pdf

            result = write_dashboard_pdf(db, org.id, args.year, out)
            data = result.to_json()
            text = f"Tableau de bord SPASER {args.year} écrit : {out} ({result.pages} pages)."
        else:
            writer = grouping_report_writer()
            if writer is None:
                raise UserError(
                    "Le rapport de mutualisation des commandes n'est pas disponible dans cette version."
                )
            writer(db, org.id, args.year, out)
            data = {"file": str(out)}
            text = f"Rapport de mutualisation {args.year} écrit : {out}."
    finally:
        db.dispose()
    emit(args, data, text)
    return 0
