"""The command line speaks French: every help page and argparse's usage errors."""

from __future__ import annotations

import argparse
import re

import pytest

from app.cli import build_parser, main

# argparse's own English, as Python 3.11–3.13 print it.
ENGLISH = re.compile(
    r"usage:|positional arguments|optional arguments|show this help|"
    r"show program's version|the following arguments are required|invalid choice|choose from|"
    r"unrecognized arguments|expected one argument|expected at most|expected at least|"
    r"not allowed with argument|one of the arguments|is required|ambiguous option|could match|"
    r"invalid \w+ value|\berror:|subcommands|argument \S+: ",
    re.IGNORECASE,
)


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(text)


def _subcommand_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                paths += _subcommand_paths(child, (*prefix, name))
    return paths


COMMANDS = _subcommand_paths(build_parser())


def test_every_subcommand_is_listed():
    names = {path[0] for path in COMMANDS if path}
    assert {"gui", "import", "export", "report", "cotation", "clauses", "group-orders"} <= names
    assert ("cotation", "due") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "(racine)")
def test_help_is_french(path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*path, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : achats-durables")
    assert "afficher cette aide et quitter" in out
    assert not english_in(out), out


USAGE_ERRORS = [
    (["fusionner"], "choix invalide : 'fusionner'"),
    (["report"], "arguments obligatoires manquants : {cad,grouping,dashboard}, --year, --out"),
    (
        ["report", "pdf", "--year", "2026", "--out", "x.pdf"],
        "choix invalide : 'pdf' (possibles : 'cad', 'grouping', 'dashboard')",
    ),
    (["report", "cad", "--year", "deux-mille", "--out", "x.pdf"], "« deux-mille » (nombre entier attendu)"),
    (["report", "cad", "--year", "2026", "--out"], "argument --out : une valeur est attendue"),
    (["check", "--inconnu"], "arguments non reconnus : --inconnu"),
    (["import", "contracts"], "arguments obligatoires manquants : FICHIER"),
    (["clauses", "--contract", "A", "--library"], "incompatible avec l'argument --contract"),
    (["clauses"], "l'un de ces arguments est obligatoire"),
    (["cotation", "due"], "arguments obligatoires manquants : --year"),
    (["export", "contracts"], "arguments obligatoires manquants : --out"),
]


@pytest.mark.parametrize(
    ("argv", "expected"), USAGE_ERRORS, ids=lambda a: " ".join(a) if isinstance(a, list) else ""
)
def test_usage_errors_are_french(argv, expected, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "erreur d'utilisation" in err
    assert expected in err, err
    assert not english_in(err), err


def test_argparse_is_left_english_for_other_programs():
    """The French texts apply to our parser only, not to another argparse user in the process."""
    main_parser = build_parser()
    main_parser.format_help()
    other = argparse.ArgumentParser(prog="autre")
    assert "show this help message and exit" in other.format_help()


def test_import_of_a_missing_file_says_so_before_asking_for_the_organisation(tmp_path, capsys):
    from tests.conftest import DEMO

    missing = tmp_path / "marches.csv"
    code = main(["import", "contracts", str(missing), "--db", str(DEMO)])
    err = capsys.readouterr().err
    assert code == 1
    assert "n'existe pas" in err and "marches.csv" in err
    assert "--org" not in err


def test_missing_org_lists_the_organisations_of_the_file(tmp_path, capsys):
    import shutil

    from tests.conftest import DEMO

    db = tmp_path / "demo.sqlite"
    shutil.copyfile(DEMO, db)
    code = main(["report", "cad", "--db", str(db), "--year", "2026", "--out", str(tmp_path / "d.pdf")])
    err = capsys.readouterr().err
    assert code == 1
    assert "--org" in err
    assert "Commune de Montclair-sur-Loue" in err and "Commune de Val-des-Saules" in err
