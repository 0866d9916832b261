"""``init``, ``check``, ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_db_options, database_target, emit, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="créer une base de données pour une collectivité")
    add_db_options(p)
    p.add_argument("--org", required=True, metavar="NOM", help="nom de la collectivité")
    p.add_argument("--siret", help="SIRET de la collectivité (14 chiffres)")
    p.add_argument("--population", type=int)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check", help="vérifier l'intégrité et la version du fichier")
    add_db_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="sauvegarde cohérente du fichier (API de sauvegarde SQLite)")
    add_db_options(p)
    p.add_argument(
        "--to", metavar="DOSSIER", help="dossier de destination (par défaut : dossier de sauvegarde local)"
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restaurer une sauvegarde de ce fichier (la plus récente par défaut)")
    add_db_options(p)
    p.add_argument("--from", dest="source", metavar="SAUVEGARDE", help="fichier de sauvegarde à restaurer")
    p.add_argument("--list", action="store_true", help="lister les sauvegardes de ce fichier sur ce poste")
    p.set_defaults(func=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.organisations import init_database
    from app.storage.server import display_url, is_server_url

    target = database_target(args)
    org_id = init_database(target, args.org, siret=args.siret, population=args.population)
    target = display_url(target) if is_server_url(target) else target
    emit(
        args,
        {"file": str(target), "organisation_id": org_id},
        f"Base créée : {target} (collectivité « {args.org} »).",
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.storage.integrity import check_database

    db = open_db(args)
    try:
        report = check_database(db)
    finally:
        db.dispose()
    data = {
        "file": report.location,
        "ok": report.ok,
        "schema_version": report.schema_version,
        "integrity": report.integrity,
        "foreign_key_problems": report.foreign_key_problems,
        "counts": report.counts,
        "note": report.note,
    }
    lines = [
        f"Fichier : {report.location}",
        f"Version du schéma : {report.schema_version}",
        f"Intégrité : {'correcte' if report.ok else 'PROBLÈMES : ' + '; '.join(report.integrity[:5])}",
        *([report.note] if report.note else []),
        "Contenu : " + ", ".join(f"{name} {count}" for name, count in report.counts.items() if count),
    ]
    emit(args, data, "\n".join(lines))
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from app.storage.database import backup_database

    db = open_db(args)
    try:
        path = backup_database(db, Path(args.to) if args.to else None, reason="manuelle")
    finally:
        db.dispose()
    emit(args, {"backup": str(path)}, f"Sauvegarde écrite : {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Works on a damaged file too: the file is not opened as a database first."""
    from app.errors import UserError
    from app.paths import backups_dir
    from app.storage.backup import list_backups, parse_backup_name
    from app.storage.restore import latest_backup, restore_backup
    from app.storage.server import SERVER_NOT_APPLICABLE, is_server_url

    if is_server_url(database_target(args)):
        raise UserError(SERVER_NOT_APPLICABLE.format(what="la restauration d'une sauvegarde"))
    target = Path(database_target(args))
    if args.list:
        backups = [parse_backup_name(p) for p in reversed(list_backups(backups_dir(), target))]
        lines = [f"Sauvegardes de {target.name} sur ce poste ({backups_dir()}) :"] + [
            f"  {b.taken_at:%d/%m/%Y %H:%M:%S}  {b.reason or '-':20s}  {b.path}" for b in backups
        ]
        data = [{"file": b.path, "taken_at": b.taken_at, "reason": b.reason} for b in backups]
        emit(
            args,
            {"backups": data},
            "\n".join(lines) if backups else f"Aucune sauvegarde de {target.name} sur ce poste.",
        )
        return 0
    source = Path(args.source) if args.source else latest_backup(target)
    if source is None:
        raise UserError(f"Aucune sauvegarde utilisable de « {target.name} » sur ce poste.")
    damaged = restore_backup(source, target)
    text = f"Fichier {target} restauré depuis la sauvegarde {source}."
    if damaged:
        text += f" Le fichier endommagé a été mis de côté : {damaged}."
    else:
        text += " Le contenu remplacé a d'abord été sauvegardé."
    emit(args, {"file": str(target), "restored_from": str(source), "damaged_set_aside": damaged}, text)
    return 0
