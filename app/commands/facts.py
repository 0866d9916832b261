"""``facts``: each contract's shared facts with their source, and what each feature still needs.

facts [--contract REF ...] [--incomplete] [--json]
facts --accept-proposals [--contract REF ...]
facts --set FIELD=VALUE --contract REF [--contract REF ...]
"""

from __future__ import annotations

import argparse

from app.commands.common import add_db_options, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "facts",
        help="données des marchés (valeur et origine) et ce qui reste à compléter pour chaque fonction",
        description=(
            "Liste, pour chaque marché, la nature, la procédure, la récurrence, la durée, l'échéance, le lieu "
            "d'exécution et le code CPV avec leur origine (importé, saisi, déduit, proposé), et ce qu'il manque "
            "à la cotation, aux clauses, au CAD et aux données essentielles (DECP). Permet d'accepter les "
            "propositions de l'application ou de renseigner une donnée sur plusieurs marchés à la fois."
        ),
    )
    add_db_options(p)
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.add_argument(
        "--contract", metavar="REF", action="append", default=[], help="référence d'un marché (répétable)"
    )
    p.add_argument("--incomplete", action="store_true", help="seulement les marchés où il manque une donnée")
    action = p.add_mutually_exclusive_group()
    action.add_argument(
        "--accept-proposals",
        action="store_true",
        help="enregistrer toutes les propositions de l'application (nature, procédure, récurrence)",
    )
    action.add_argument(
        "--set",
        metavar="DONNÉE=VALEUR",
        help="renseigner une donnée sur les marchés --contract, par ex. recurrent=oui, procedure=MAPA, "
        "nature=Services, service=Mairie, end_date=31/12/2027 (valeur vide : redevient inconnue)",
    )
    p.add_argument("--user", metavar="NOM", default="", help="votre nom, pour l'historique")
    p.set_defaults(func=cmd_facts)


def cmd_facts(args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.services import facts as service
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        if args.set is not None:
            if "=" not in args.set:
                raise UserError("--set attend DONNÉE=VALEUR, par exemple --set recurrent=oui.")
            if not args.contract:
                raise UserError("--set s'applique aux marchés nommés par --contract REF (un ou plusieurs).")
            name, value = args.set.split("=", 1)
            versions = service.contract_versions_of(db, org.id, args.contract)
            result = service.set_fact(
                db,
                org.id,
                name.strip(),
                value,
                list(versions),
                user_name=args.user,
                expected_versions=versions,
            )
            emit(args, {"changed": result.changed, "facts": result.facts}, result.sentence())
            return 0
        if args.accept_proposals:
            if args.contract:  # the versions read now: a concurrent change between the two is refused
                versions = service.contract_versions_of(db, org.id, args.contract)
            else:
                versions = {r.contract_id: r.version for r in service.facts_rows(db, org.id)}
            ids = list(versions) if args.contract else None
            result = service.accept_proposals(
                db, org.id, ids, expected_versions=versions, user_name=args.user
            )
            emit(args, {"changed": result.changed, "facts": result.facts}, result.sentence())
            return 0
        rows = service.facts_rows(
            db, org.id, references=args.contract or None, only_incomplete=args.incomplete
        )
        summary = service.summary(db, org.id)
        emit(
            args,
            {
                "organisation": org.name,
                "summary": summary.sentence(),
                "contracts": [r.to_json() for r in rows],
            },
            _text(org.name, rows, summary.sentence()),
        )
        return 0
    finally:
        db.dispose()


def _text(org: str, rows, summary: str) -> str:  # noqa: ANN001
    lines = [f"{org} — données des marchés ({len(rows)})"]
    if summary:
        lines.append(summary)
    for r in rows:
        lines.append("")
        lines.append(f"{r.reference} — {r.object}")
        for name, cell in r.cells.items():
            label = {
                "nature": "Nature", "procedure": "Procédure", "recurrent": "Récurrent",
                "duration_months": "Durée", "end_date": "Échéance", "place_code": "Lieu d'exécution",
                "cpv_code": "Code CPV",
            }.get(name, name)  # fmt: skip
            shown = f"  {label} : {cell.text} ({cell.source})"
            if cell.proposal:
                shown += f" — proposition : {cell.proposal}"
            lines.append(shown)
        for feature, needs in r.needs.items():
            lines.append(f"  À compléter pour {feature} : " + " ; ".join(needs))
    return "\n".join(lines)
