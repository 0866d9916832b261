"""Command line: ``achats-durables SUBCOMMAND [--db FILE] [--json]``.

This module is only the argparse front; each subcommand lives in ``app/commands/<name>.py`` with a
``register(subparsers)`` function, so that features are added without touching each other.
Exit codes: 0 success, 1 user error (French message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import NoReturn

from app import __version__
from app.commands import COMMAND_MODULES
from app.errors import UserError

log = logging.getLogger(__name__)


# argparse's own texts, in French. argparse looks up every message through the module-level
# gettext functions ``_`` and ``ngettext`` at the moment it uses them; ``french_argparse()``
# swaps those two for the duration of our parsing only, so no other user of argparse (pytest…)
# is affected and no catalogue has to be compiled or found at run time.
ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "subcommands": "sous-commandes",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue %(parser_name)r (choix : %(choices)s)",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un de ces arguments est obligatoire : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur d'utilisation : %(message)s\n",
}
ARGPARSE_FR_PLURAL = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
}
# Names argparse shows for a ``type=`` that refused a value.
TYPE_NAMES = {"int": "nombre entier", "float": "nombre", "Path": "chemin de fichier"}


def _french(message: str) -> str:
    return ARGPARSE_FR.get(message, message)


def _french_plural(singular: str, plural: str, n: int) -> str:
    forms = ARGPARSE_FR_PLURAL.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n <= 1 else forms[1]


@contextlib.contextmanager
def french_argparse() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _french, _french_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class FrenchHelpFormatter(argparse.HelpFormatter):
    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return "VALEUR"

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return action.dest.upper()


class FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        with french_argparse():  # the "positional arguments"/"options" titles are set here
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):  # noqa: ANN003, ANN201
        kwargs.setdefault("title", "commandes")
        with french_argparse():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201
        with french_argparse():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201
        with french_argparse():  # "unrecognized arguments" is raised here, after parse_known_args
            return super().parse_args(args, namespace)

    def format_help(self) -> str:
        with french_argparse():
            return super().format_help()

    def format_usage(self) -> str:
        with french_argparse():
            return super().format_usage()

    def _get_value(self, action: argparse.Action, arg_string: str):  # noqa: ANN202
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            name = getattr(action.type, "__name__", "")
            expected = TYPE_NAMES.get(name, "valeur")
            raise argparse.ArgumentError(
                action, f"valeur invalide : « {arg_string} » ({expected} attendu)"
            ) from None

    def error(self, message: str) -> NoReturn:  # exit code 2: bad usage
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur d'utilisation : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="achats-durables",
        description="Achats Durables : registre des marchés, cotation SPASER, clauses et mutualisation des commandes.",
        epilog="Aide d'une commande : achats-durables COMMANDE --help",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Achats Durables {__version__}",
        help="afficher la version et quitter",
    )
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
