"""``gui``: open the desktop application."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="ouvrir l'application (par défaut)")
    p.add_argument("--db", metavar="FICHIER", help="fichier à ouvrir (par défaut : le dernier utilisé)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="ouvrir une copie de la base de démonstration (deux communes fictives)",
    )
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.application import run_gui

    target = args.db
    if args.demo:
        from app.demo.database import demo_copy

        target = str(demo_copy())
    return run_gui(target)
