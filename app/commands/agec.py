"""``agec``: the yearly AGEC declaration (share of the year's purchases per product category);
``egalim``: the public-catering contracts and whether they carry the EGalim clause.

agec --year 2025 [--org S] [--csv FICHIER] [--json]
egalim [--org S] [--json]
"""

from __future__ import annotations

import argparse

from app.commands.common import add_db_options, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agec",
        help="déclaration annuelle AGEC : dépense de l'année par catégorie de produits",
        description=(
            "Calcule, pour l'année demandée, la dépense HT des commandes par catégorie de produits du décret "
            "n° 2024-134 (loi AGEC, art. 58) avec les parts minimales de réemploi et de matières recyclées en "
            "vigueur, sous la forme de la déclaration annuelle à déposer sur data.gouv.fr avant le 30 juin. "
            "Les montants issus du réemploi, des dons et des matières recyclées restent à compléter."
        ),
    )
    add_db_options(p)
    p.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    p.add_argument("--year", type=int, required=True, metavar="AAAA", help="année civile déclarée")
    p.add_argument("--csv", metavar="FICHIER", help="écrire aussi la déclaration dans ce fichier .csv")
    p.set_defaults(func=cmd_agec)
    e = sub.add_parser(
        "egalim",
        help="indicateur EGalim : marchés de restauration collective et clause EGalim",
        description=(
            "Liste les marchés de restauration collective en cours (code CPV ou objet) et indique pour chacun "
            "si la clause EGalim (au moins 50 % de produits durables et de qualité, dont 20 % de bio, en "
            "valeur) est retenue, avec la part des marchés qui la portent."
        ),
    )
    add_db_options(e)
    e.add_argument(
        "--org", metavar="S", help="collectivité (SIRET ou nom) si le fichier en contient plusieurs"
    )
    e.set_defaults(func=cmd_egalim)


def _amount(value) -> str:  # noqa: ANN001
    from app import format as fmt

    return "à compléter" if value is None else fmt.money(value)


def _rate(value, verify: bool) -> str:  # noqa: ANN001
    from app import format as fmt

    if value is None:
        return "non vérifiée"
    return fmt.percent(value) + (" (à vérifier)" if verify else "")


def text_of(d) -> str:  # noqa: ANN001
    from app import format as fmt

    lines = [
        f"Déclaration AGEC {d.year} – {d.buyer} (SIRET {d.siret or 'inconnu'})",
        f"À déposer sur data.gouv.fr au plus tard le {fmt.date(d.deadline)}.",
        "",
    ]
    if not d.lines:
        lines.append("Aucune commande de l'année dans une famille d'achat rattachée à une catégorie AGEC.")
    for line in d.lines:
        where = "" if line.in_decree else " – catégorie absente du décret tel que connu : à vérifier"
        lines += [
            f"{line.category}{where}",
            f"  Dépense totale HT : {fmt.money(line.total_ht)} ({fmt.count(line.orders, 'commande')} : {', '.join(line.families)})",
            f"  Part minimale réemploi : {_rate(line.reuse_rate, line.to_verify)}"
            + (f", soit {fmt.money(line.reuse_min_ht)}" if line.reuse_min_ht is not None else ""),
            f"  Part minimale matières recyclées : {_rate(line.recycled_rate, line.to_verify)}"
            + (f", soit {fmt.money(line.recycled_min_ht)}" if line.recycled_min_ht is not None else ""),
            f"  Dont réemploi : {_amount(line.reuse_ht)} ; dons : {_amount(line.donations_ht)} ; "
            f"matières recyclées : {_amount(line.recycled_ht)}",
        ]
    lines += ["", f"Total HT : {fmt.money(d.total_ht)}", f"Source : {d.source}"]
    return "\n".join(lines)


def cmd_agec(args: argparse.Namespace) -> int:
    from app.services import agec
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        if args.csv:
            result = agec.export_agec_declaration(db, org.id, args.year, args.csv)
        else:
            result = agec.agec_declaration(db, org.id, args.year)
    finally:
        db.dispose()
    emit(args, result.to_json(), text_of(result))
    return 0


def cmd_egalim(args: argparse.Namespace) -> int:
    import datetime as dt

    from app import format as fmt
    from app.services.egalim import egalim_indicator
    from app.services.organisations import find_organisation

    db = open_db(args)
    try:
        org = find_organisation(db, args.org)
        result = egalim_indicator(db, org.id, dt.date.today())
    finally:
        db.dispose()
    lines = [
        f"Restauration collective : {fmt.count(len(result.contracts), 'marché en cours', 'marchés en cours')}, "
        f"{result.with_clause} avec la "
        f"clause EGalim ({fmt.percent(result.share) if result.share is not None else '—'})",
        f"Objectif légal au {fmt.date(result.on)} : {fmt.percent(result.quality_share)} de produits durables et "
        f"de qualité, dont {fmt.percent(result.organic_share)} de bio (code rural L230-5-1)",
    ]
    for c in result.contracts:
        school = {True: "scolaire", None: "public à préciser", False: ""}[c.school]
        lines.append(
            f"  {c.reference} – {c.object} ({fmt.money(c.amount) or 'montant inconnu'}, {school}) : "
            f"{'clause EGalim' if c.with_clause else 'sans clause EGalim'} ({c.decision})"
        )
    data = {
        "on": result.on,
        "quality_share": result.quality_share,
        "organic_share": result.organic_share,
        "contracts": len(result.contracts),
        "with_clause": result.with_clause,
        "share": result.share,
        "catering_contracts": [c.__dict__ for c in result.contracts],
    }
    emit(args, data, "\n".join(lines))
    return 0
