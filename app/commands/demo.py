"""``demo``: write the demo database (two fictional neighbouring towns)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_db_options, emit
from app.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="écrire la base de démonstration (deux communes fictives)")
    add_db_options(p)
    p.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo.database import write_demo
    from app.storage.database import building_aside

    if not args.db:
        raise UserError("Précisez le fichier à écrire avec --db FICHIER.")
    from app.storage.server import display_url, is_server_url

    if is_server_url(args.db):  # an empty base on a server: schema, then the demo data
        from app.demo.database import build_demo
        from app.storage import create_database

        db = create_database(args.db)
        try:
            build_demo(db)
        finally:
            db.dispose()
        emit(args, {"file": display_url(args.db)}, f"Base de démonstration écrite : {display_url(args.db)}")
        return 0
    target = Path(args.db)
    if target.exists() and not args.force:
        raise UserError(f"Le fichier « {target} » existe déjà : ajoutez --force pour le remplacer.")
    with building_aside(target, overwrite=args.force) as built:  # never a half-written demo at target
        write_demo(built)
    emit(args, {"file": str(target)}, f"Base de démonstration écrite : {target}")
    return 0
