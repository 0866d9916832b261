"""``merge``: bring another town's copy of the register into this file (rows by UUID)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_db_options, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help="fusionner la copie d'une autre commune dans ce fichier (ajouts, modifications, suppressions)",
        description=(
            "Ajoute les fiches nouvelles de l'autre copie, reprend celles modifiées d'un seul côté, "
            "applique ses suppressions, et liste les conflits (fiche modifiée des deux côtés) sans y "
            "toucher. Une sauvegarde est faite avant ; fusionner deux fois la même copie ne change rien. "
            "L'autre fichier n'est jamais modifié."
        ),
    )
    add_db_options(p)
    p.add_argument("other", metavar="AUTRE_FICHIER", help="la copie à fusionner (fichier .sqlite)")
    p.add_argument("--dry-run", action="store_true", help="montrer ce qui changerait, sans rien écrire")
    p.add_argument(
        "--keep-mine",
        action="append",
        default=[],
        metavar="ID",
        help="conflit réglé en gardant la fiche de ce fichier (identifiant du rapport, ou « all »)",
    )
    p.add_argument(
        "--take-theirs",
        action="append",
        default=[],
        metavar="ID",
        help="conflit réglé en reprenant la fiche de l'autre copie (identifiant du rapport, ou « all »)",
    )
    p.add_argument("--user", metavar="NOM", default="", help="votre nom, pour l'historique")
    p.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from app.services import merge as service

    db = open_db(args)
    try:
        if args.dry_run:
            report = service.preview_merge(
                db, Path(args.other), keep_mine=args.keep_mine, take_theirs=args.take_theirs
            )
        else:
            report = service.merge_copy(
                db,
                Path(args.other),
                keep_mine=args.keep_mine,
                take_theirs=args.take_theirs,
                user_name=args.user,
            )
    finally:
        db.dispose()
    emit(args, report_data(report, args.dry_run), "\n".join(report_lines(report, args.dry_run)))
    return 0


def report_lines(report, dry_run: bool) -> list[str]:  # noqa: ANN001
    """The merge report in French, as the terminal shows it (the dialog shows the same figures)."""
    from app import format as fmt
    from app.services.merge import ENTITY_NAMES, kinds_in_order

    lines = [
        f"Fusion de {report.source}" + (" (essai : rien n'a été écrit)" if dry_run else ""),
        f"  ajoutées : {report.added}, mises à jour : {report.updated}, supprimées : {report.deleted}, "
        f"inchangées : {report.unchanged}",
    ]
    for kind in kinds_in_order():
        counts = report.by_kind.get(kind)
        if counts and any(counts.values()):
            lines.append(
                f"    {ENTITY_NAMES.get(kind, kind)} — ajoutées : {counts['added']}, "
                f"reprises de l'autre copie : {counts['updated']}, supprimées : {counts['deleted']}"
            )
    if report.changed == 0 and not report.conflicts:
        lines.append("  Les deux copies étaient déjà d'accord : la fusion n'a rien changé.")
    if report.backup:
        lines.append(f"  Sauvegarde faite avant : {report.backup}")
    if report.conflicts:
        lines.append(
            f"{fmt.count(len(report.conflicts), 'conflit laissé tel quel', 'conflits laissés tels quels')} ici : "
            "à régler avec --keep-mine ID "
            "ou --take-theirs ID (ou après avoir corrigé la fiche) :"
        )
        for c in report.conflicts:
            lines.append(f"  [{str(c.row_id)[:8]}] {c.describe()}")
            lines += [f"      {d.label} : ici « {d.here} », là-bas « {d.there} »" for d in c.differences]
    return lines


def report_data(report, dry_run: bool) -> dict:  # noqa: ANN001
    return {
        "source": report.source,
        "dry_run": dry_run,
        "added": report.added,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "by_kind": report.by_kind,
        "backup": report.backup,
        "conflicts": [
            {
                "entity": c.entity,
                "kind": c.kind,
                "id": c.row_id,
                "label": c.label,
                "reason": c.reason,
                "here_updated_at": c.here_updated_at,
                "there_updated_at": c.there_updated_at,
                "here_changed_by": c.side(True),
                "there_changed_by": c.side(False),
                "differences": [
                    {"field": d.column, "label": d.label, "here": d.here, "there": d.there}
                    for d in c.differences
                ],
            }
            for c in report.conflicts
        ],
    }
