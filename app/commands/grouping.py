"""``group-orders --year N [--org S] [--json] [--out FILE.xlsx]``: propose grouped orders."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.commands.common import add_db_options, emit, open_db
from app.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "group-orders",
        help="proposer des commandes groupées (moins de commandes, moins de CO2 de transport)",
    )
    add_db_options(p)
    p.add_argument("--year", type=int, required=True, metavar="N", help="année des commandes")
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.add_argument("--out", metavar="FICHIER.xlsx", help="écrire aussi la proposition dans un classeur Excel")
    p.add_argument(
        "--capacity", metavar="N", help="capacité d'une livraison (kg, ou euros HT avec --unit eur)"
    )
    p.add_argument("--unit", choices=("kg", "eur"), default="kg", help="unité de la capacité (défaut : kg)")
    p.set_defaults(func=cmd_group_orders)


def _capacity(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise UserError(f"La capacité « {text} » n'est pas un nombre.") from None
    if value <= 0:
        raise UserError("La capacité d'une livraison doit être un nombre positif.")
    return value


def cmd_group_orders(args: argparse.Namespace) -> int:
    from app import format as fmt
    from app.services.grouping import propose_grouping, write_grouping_xlsx
    from app.services.organisations import find_organisation

    capacity = _capacity(args.capacity)
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise UserError(f"Le classeur à écrire doit porter l'extension .xlsx (reçu : « {out.name} »).")
        if not out.parent.exists():
            raise UserError(f"Le dossier « {out.parent} » n'existe pas.")
    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        proposal = propose_grouping(db, org.id, args.year, capacity=capacity, capacity_unit=args.unit)
        if out is not None:
            write_grouping_xlsx(proposal, out)
    finally:
        db.dispose()
    data = proposal.summary()
    data["groups"] = [
        {
            "order_date": r.order_date,
            "delivery_date": r.delivery_date,
            "supplier": r.supplier,
            "contract": r.contract,
            "family": r.family,
            "site": r.site,
            "orders": r.order_numbers,
            "departments": r.departments,
            "amount": r.amount,
            "weight_kg": r.weight_kg,
            "note": r.note,
        }
        for r in proposal.rows
    ]
    if out is not None:
        data["file"] = str(out)
    if not proposal.result.orders_before:
        text = f"Aucune commande en {args.year} pour {org.name}."
    else:
        lines = [
            f"{org.name}, commandes {args.year} :",
            f"  {fmt.number(data['orders_before'])} commandes → {fmt.number(data['orders_after'])} commandes "
            f"groupées ({fmt.number(Decimal(str(data['reduction_pct'])), 1)} % de moins ; "
            f"minimum théorique : {fmt.number(data['lower_bound'])})",
            f"  transport : {fmt.number(data['km_before'])} km → {fmt.number(data['km_after'])} km ; "
            f"{fmt.number(data['kgco2e_before'])} → {fmt.number(data['kgco2e_after'])} kgCO2e "
            f"({fmt.number(data['kgco2e_cargo_bike'])} kgCO2e avec le vélo-cargo)",
        ]
        if data["deliveries_with_default_distance"]:
            lines.append(
                f"  {data['deliveries_with_default_distance']} livraisons estimées avec la distance par défaut "
                f"de {fmt.number(data['default_distance_km'])} km"
            )
        if out is not None:
            lines.append(f"  classeur écrit : {out}")
        text = "\n".join(lines)
    emit(args, data, text)
    return 0
