"""DECP records that would be stored changed are refused, each named by its number, in French
(issue 14): an object where a text is expected, an id longer than a reference, holders given as a
plain string, a 5,000-digit amount, a lone surrogate or a NUL character."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.io.decp import read_decp

SIRET = "21590163800019"


def record(**changes):  # noqa: ANN003, ANN201
    base = {
        "id": "2024-001",
        "acheteur": {"id": SIRET, "nom": "Commune d'Essai"},
        "objet": "Fournitures de bureau",
        "nature": "Marché",
        "procedure": "Procédure adaptée",
        "codeCPV": "30192000",
        "montant": 50000,
        "dureeMois": 12,
        "dateNotification": "2024-01-15",
        "titulaires": [{"typeIdentifiant": "SIRET", "id": "81809944200019", "denominationSociale": "ACME"}],
    }
    base.update(changes)
    return base


def write(tmp_path, *records, raw: str | None = None):  # noqa: ANN001, ANN201
    path = tmp_path / "decp.json"
    path.write_text(raw if raw is not None else json.dumps({"marches": list(records)}), encoding="utf-8")
    return path


def test_a_good_record_goes_through(tmp_path):
    parsed = read_decp(write(tmp_path, record()), SIRET)
    assert parsed.problems == [] and len(parsed.records) == 1
    assert parsed.records[0].holders[0].name == "ACME"


CASES = {
    "objet donné comme un objet JSON": (
        record(objet={"texte": "Fournitures"}),
        "objet",
        "un texte ou un nombre est attendu, le fichier donne une liste ou un objet",
    ),
    "identifiant de 100 000 caractères": (record(id="A" * 100_000), "id", "identifiant trop long"),
    "titulaires en simple texte": (record(titulaires="ACME SARL"), "titulaires", "les titulaires doivent être une liste"),
    "titulaire sans objet": (record(titulaires=["ACME SARL"]), "titulaires", "chaque titulaire doit être un objet"),
    "montant de 5 000 chiffres (texte)": (record(montant="9" * 5000), "montant", "montant trop grand"),
    "surrogate isolé": (record(objet="Fournitures \ud800"), "objet", "caractère Unicode incomplet"),
    "caractère nul": (record(titulaires=[{"id": "1\u00002", "denominationSociale": "X"}]), "titulaires.0.id", "caractère nul"),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_a_bad_record_is_refused_and_named(tmp_path, name):
    bad, column, message = CASES[name]
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [record(id="ok-1"), bad]}, ensure_ascii=True), encoding="utf-8")
    parsed = read_decp(path, SIRET)
    assert [r.reference for r in parsed.records] == ["ok-1"], "the bad record is not kept, changed or not"
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert problem.row == 2 and problem.column == column and message in problem.message
    assert len(problem.value) <= 80 and "\ud800" not in problem.value and "\x00" not in problem.value


def test_a_5000_digit_number_in_the_json_refuses_its_record_only(tmp_path):
    raw = json.dumps({"marches": [record(id="ok-1"), record(id="big", montant=0)]}).replace(
        '"montant": 0', '"montant": ' + "9" * 5000
    )
    parsed = read_decp(write(tmp_path, raw=raw), SIRET)
    assert [r.reference for r in parsed.records] == ["ok-1"]
    assert [(p.row, p.column, p.message) for p in parsed.problems] == [(2, "montant", "montant trop grand")]


@pytest.mark.parametrize(
    "name", ["surrogate isolé", "montant de 5 000 chiffres (texte)", "objet donné comme un objet JSON"]
)
def test_the_import_command_answers_in_french(tmp_path, capsys, name):
    db = tmp_path / "c.sqlite"
    assert main(["init", "--db", str(db), "--org", "Commune d'Essai", "--siret", SIRET]) == 0
    capsys.readouterr()
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [CASES[name][0]]}, ensure_ascii=True), encoding="utf-8")
    code = main(["import", "decp", str(path), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Erreur inattendue" not in err + out and "Traceback" not in err
    assert "marché n°1" in err + out or "marché n° 1" in err + out
    assert CASES[name][2].split(" (")[0] in err + out
