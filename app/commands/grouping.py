"""``group-orders --year N [--org S] [--json] [--out FILE.xlsx]``: propose grouped orders."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from app.commands.common import add_db_options, open_db
from app.errors import UserError

if TYPE_CHECKING:
    from app.grouping.proposal import GroupingSummary, GroupRow


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
    from app.services.grouping import gc_paused

    # The collector stays paused to the end, not only while the proposal is built: once resumed,
    # it would walk the proposal's million objects again just before the command exits.
    return gc_paused(_group_orders)(args)


def _group_orders(args: argparse.Namespace) -> int:
    from app.services.grouping import propose_grouping
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
        proposal = propose_grouping(
            db,
            org.id,
            args.year,
            capacity=capacity,
            capacity_unit=args.unit,
            details=out is not None,  # families and calendar only go to the workbook
        )
        if out is not None:
            from app.services.grouping_outputs import write_grouping_xlsx  # the workbook only

            write_grouping_xlsx(proposal, out)
    finally:
        db.dispose()
    summary = proposal.summary
    if args.json:
        data = summary.to_json()
        if out is not None:
            data["file"] = str(out)
        write_json(data, proposal.rows)
    else:
        print(_text(args, summary, out))
    return 0


def _text(args: argparse.Namespace, summary: GroupingSummary, out: Path | None) -> str:
    """The French summary (not built with --json: formatting loads the locale data)."""
    from app import format as fmt

    s = summary
    if not s.orders_before:
        text = f"Aucune commande en {args.year} pour {s.organisation}."
    else:
        lines = [
            f"{s.organisation}, commandes {args.year} :",
            f"  {fmt.count(s.orders_before, 'commande')} → {fmt.count(s.orders_after, 'commande groupée', 'commandes groupées')} "
            f"({fmt.number(s.reduction_pct, 1)} % de moins ; "
            f"minimum théorique : {fmt.number(s.lower_bound)})",
            f"  transport : {fmt.number(s.km_before)} km → {fmt.number(s.km_after)} km ; "
            f"{fmt.number(s.kgco2e_before)} → {fmt.number(s.kgco2e_after)} kgCO2e "
            f"({fmt.number(s.kgco2e_cargo_bike)} kgCO2e avec le vélo-cargo)",
        ]
        if s.deliveries_with_default_distance:
            lines.append(
                f"  {s.deliveries_with_default_distance} livraisons estimées avec la distance par défaut "
                f"de {fmt.number(s.default_distance_km)} km"
            )
        if out is not None:
            lines.append(f"  classeur écrit : {out}")
        text = "\n".join(lines)
    return text


# The groups of 100,000 orders are about 1.2 million JSON values: generic encoding (``to_jsonable``
# then ``json.dump(indent=2)``, one small write per token) took seconds. Each group is written with
# one format string instead, its values encoded by the C string encoder, and the whole document
# goes out in one write. The text is byte for byte what ``json.dumps(indent=2)`` writes
# (tests/services/test_grouping_json_output.py holds the previous output).
_GROUP = (
    "    {{\n"
    '      "order_date": "{}",\n'
    '      "delivery_date": "{}",\n'
    '      "supplier": {},\n'
    '      "contract": {},\n'
    '      "family": {},\n'
    '      "site": {},\n'
    '      "orders": {},\n'
    '      "departments": {},\n'
    '      "amount": {},\n'
    '      "weight_kg": {},\n'
    '      "note": {}\n'
    "    }}"
)
_GROUPS_PLACEHOLDER = "\x00groups\x00"


def _strings(values: list[str], encode) -> str:  # noqa: ANN001
    if not values:
        return "[]"
    return "[\n        " + ",\n        ".join(map(encode, values)) + "\n      ]"


def _number(value: Decimal | None) -> str:
    """A Decimal as ``to_jsonable`` then ``json`` write it: an int when integral, else a float."""
    if value is None:
        return "null"
    number = float(value)
    if not number.is_integer():  # an integral Decimal always gives an integral float
        return repr(number)
    return repr(number) if value != value.to_integral_value() else repr(int(value))


def groups_json(rows: list[GroupRow]) -> str:
    """The ``groups`` list of ``group-orders --json``, at the indentation of the document.

    One list comprehension with no Python call per value (a call costs more than the C encoder):
    a single order number or department (most groups) is written without ``_strings``, and the
    numbers are written inline as ``_number`` writes them."""
    from json.encoder import encode_basestring as encode  # the C encoder, ensure_ascii=False

    if not rows:
        return "[]"
    one, strings, number = "[\n        {}\n      ]".format, _strings, _number
    text = ",\n".join(
        [
            _GROUP.format(
                r[0].isoformat(),
                r[1].isoformat(),
                encode(r[2]),
                encode(r[3]),
                encode(r[4]),
                encode(r[5]),
                one(encode(n[0])) if len(n := r[7]) == 1 else strings(n, encode),
                one(encode(d[0])) if len(d := r[8]) == 1 else strings(d, encode),
                repr(f) if not (f := float(a := r[9])).is_integer() else number(a),
                "null"
                if (w := r[10]) is None
                else repr(g)
                if not (g := float(w)).is_integer()
                else number(w),
                encode(r[12]),
            )
            for r in rows
        ]
    )
    return "[\n" + text + "\n  ]"


def write_json(data: dict, rows) -> None:  # noqa: ANN001
    """``data`` with its ``groups`` (inserted before ``file``) as one string, in one write."""
    import json
    import sys

    from app.commands.common import to_jsonable

    document = {k: v for k, v in data.items() if k != "file"}
    document["groups"] = _GROUPS_PLACEHOLDER
    if "file" in data:
        document["file"] = data["file"]
    head = json.dumps(to_jsonable(document), ensure_ascii=False, indent=2)
    placeholder = json.dumps(_GROUPS_PLACEHOLDER)
    sys.stdout.write(head.replace(placeholder, groups_json(rows), 1) + "\n")
