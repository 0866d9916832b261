"""``cotation due --year N``: the contracts to diagnose and to present at the CAD of year N."""

from __future__ import annotations

import argparse

from app.commands.common import add_db_options, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cotation", help="cotation des marchés récurrents et préparation du CAD")
    actions = p.add_subparsers(dest="cotation_command", metavar="ACTION")
    due = actions.add_parser("due", help="marchés à coter et à présenter au CAD de l'année N")
    add_db_options(due)
    due.add_argument("--year", type=int, required=True, metavar="N", help="année du CAD")
    due.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    due.set_defaults(func=cmd_due)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _line(row) -> str:  # noqa: ANN001
    from app import format as fmt

    score = f"{row.score} ({row.priority.value})" if row.score is not None else "non coté"
    return (
        f"  {row.reference:<16} {fmt.date(row.end_date):<10}  {fmt.money(row.amount):>16}  {score:<10}  "
        f"{row.object[:60]}"
    )


def cmd_due(args: argparse.Namespace) -> int:
    from app import format as fmt
    from app.services.cotation import due_list
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        due = due_list(db, org.id, args.year)
    finally:
        db.dispose()
    w = due.windows

    def rows(items):  # noqa: ANN001, ANN202
        return [
            {
                "contract_id": r.contract_id,
                "reference": r.reference,
                "object": r.object,
                "supplier": r.supplier,
                "amount": r.amount,
                "end_date": r.end_date,
                "score": r.score,
                "priority": r.priority,
                "assessed_year": r.assessed_year,
            }
            for r in items
        ]

    data = {
        "organisation": org.name,
        "year": args.year,
        "cad_date": w.cad_date,
        "diagnose_window": {"from": w.diagnose_from, "to": w.diagnose_to},
        "to_diagnose": rows(due.to_diagnose),
        "to_present": rows(due.to_present),
        "targets": [
            {
                "renewal_year": t.renewal_year,
                "contracts": t.contracts,
                "diagnosed": t.diagnosed,
                "share": t.share,
                "target": t.target,
                "needed": t.needed,
                "recurrence_unknown": t.unknown,
                "state": t.state,
            }
            for t in due.targets
        ],
        "recurrence_unknown": rows(due.recurrence_unknown),
        "empty_reason": due.empty_reason(),
    }
    lines = [
        f"{org.name} — CAD {args.year} (séance du {fmt.date(w.cad_date)})",
        "",
        f"À coter : échéance entre le {fmt.date(w.diagnose_from)} et le {fmt.date(w.diagnose_to)} "
        f"({fmt.count(len(due.to_diagnose), 'marché')})",
        *(_line(r) for r in due.to_diagnose),
        "",
        f"À présenter au CAD {args.year} : échéance en {w.present_year} ({fmt.count(len(due.to_present), 'marché')})",
        *(_line(r) for r in due.to_present),
        *([f"  {due.empty_reason()}"] if due.empty_reason() else []),
        "",
        "Objectifs de déploiement de la cotation :",
    ]
    for t in due.targets:
        target = fmt.percent(t.target) if t.target is not None else "pas d'objectif"
        share = fmt.percent(t.share) if t.share is not None else "—"
        lines.append(
            f"  échéance {t.renewal_year} : {t.diagnosed} cotés sur {t.contracts} ({share}), objectif {target}"
            f" — {t.state}"
        )
    emit(args, data, "\n".join(lines))
    return 0
