"""Helpers shared by subcommands: the --db and --json options, output, opening the database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import UserError

if TYPE_CHECKING:  # SQLAlchemy loads only when a command opens a file: the GUI paints first
    from app.storage.database import Database


def add_db_options(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    parser.add_argument("--db", metavar="FICHIER", help="fichier de base de données (ou URL d'une base)")
    if json_output:
        parser.add_argument("--json", action="store_true", help="sortie JSON lisible par un programme")


def database_target(args: argparse.Namespace) -> str:
    target = args.db or os.environ.get("ACHATS_DURABLES_DB")
    if not target:
        from app.services.recent import last_database

        last = last_database()
        if last is None:
            raise UserError("Précisez le fichier de base de données avec --db FICHIER.")
        target = str(last)
    return target


def open_db(args: argparse.Namespace) -> Database:
    """The file, opened read-only when it sits in a synced folder or on a removable drive and another
    window holds its one-writer lease: read commands work, a write is refused naming who and since when."""
    from app.storage import open_database
    from app.storage.presence import respect_lease

    return respect_lease(open_database(database_target(args)))


def to_jsonable(value: Any) -> Any:
    import dataclasses
    import datetime as dt
    import enum
    import uuid
    from decimal import Decimal

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | Path):
        return str(value)
    return value


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with --json, else the French ``text``."""
    if getattr(args, "json", False):
        json.dump(to_jsonable(data), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(text)


def report_error(args: argparse.Namespace, exc: UserError) -> None:
    print(f"Erreur : {exc.message}", file=sys.stderr)
    if getattr(exc, "problems", None):
        for problem in exc.problems[:200]:
            print(f"  - {problem}", file=sys.stderr)
    if getattr(args, "json", False):
        payload: dict[str, Any] = {"error": exc.message, "kind": type(exc).__name__}
        if getattr(exc, "problems", None):
            payload["problems"] = to_jsonable(exc.problems)
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
