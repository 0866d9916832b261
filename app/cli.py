"""Command line: ``achats-durables SUBCOMMAND [--db FILE] [--json]``.

This module is only the argparse front; each subcommand lives in ``app/commands/<name>.py`` with a
``register(subparsers)`` function, so that features are added without touching each other.
Exit codes: 0 success, 1 user error (French message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from app import __version__
from app.commands import COMMAND_MODULES
from app.errors import UserError

log = logging.getLogger(__name__)


class FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2: bad usage
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur d'utilisation : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="achats-durables",
        description="Achats Durables : registre des marchés, cotation SPASER, clauses et mutualisation des commandes.",
    )
    parser.add_argument("--version", action="version", version=f"Achats Durables {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"app.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        argv = ["gui"]
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    from app.log import setup_logging

    log_path = setup_logging()
    try:
        result = args.func(args)
    except UserError as exc:
        from app.commands.common import report_error

        report_error(args, exc)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader closed the pipe (`achats-durables ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: log it, tell the user where the details are
        log.exception("unexpected error in %s", args.command)
        from app.commands.common import report_error

        report_error(
            args,
            UserError(
                f"Erreur inattendue ({type(exc).__name__}). Les détails sont dans le journal : {log_path}"
            ),
        )
        return 1
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
