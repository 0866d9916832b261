"""DECP files: the real 2019 (Croix, PES) and 2024 (Mégalis) samples, and the 2.0.3 writer."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from app.enums import Ccag, DecpNature, OperatorGrouping, PriceForm, Procedure, PurchaseNature
from app.errors import ImportRejected
from app.io.decp import DecpContract, Holder, read_decp, to_decp, write_decp
from app.io.validate import Problem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
SCHEMA = Path(__file__).resolve().parents[2] / "resources" / "decp" / "schema_decp_v2.0.3.json"


def test_croix_2019_messy_variants_are_mapped():
    parsed = read_decp(FIXTURES / "decp_2019_croix.json", "21590163800019")
    assert parsed.format == "2019" and parsed.total == 159 and parsed.skipped_other_buyers == 0
    assert parsed.problems == [
        Problem(33, "procedure", "", "procédure manquante",
                "une procédure de la liste DECP (Procédure adaptée, Appel d'offres ouvert…)", unit="marché n°"),
        Problem(65, "procedure", "", "procédure manquante",
                "une procédure de la liste DECP (Procédure adaptée, Appel d'offres ouvert…)", unit="marché n°"),
    ]  # fmt: skip
    assert len(parsed.records) == 156 and parsed.duplicates == 1
    references = [r.reference for r in parsed.records]
    assert len(set(references)) == len(references)
    first = parsed.records[0]
    assert first.decp_id == "202117F000000000"
    assert first.reference.startswith("202117F000000000-")  # a repeated id made unique, stably
    assert first.procedure is Procedure.ADAPTED
    assert first.techniques == ["Accord-cadre"] and first.is_framework  # "Accord-cadre" was a nature in 2019
    assert first.amount == Decimal("30000.00") and first.duration_months == 36  # strings in the file
    assert first.place_type == "Code postal"  # "Code Postal"
    assert first.price_types == ["Définitif révisable"] and first.price_form is None  # 2019 formePrix
    assert first.holders == [Holder("SIRET", "81809944200019", "DECOPUB")]  # empty typeIdentifiant
    assert first.notification_date == dt.date(2021, 12, 11) and first.end_date == dt.date(2024, 12, 10)
    procedures = {r.procedure for r in parsed.records}
    assert Procedure.OPEN_TENDER in procedures  # "Appel d offres ouvert"
    assert Procedure.NO_PUBLICITY in procedures  # old "Marché négocié sans publicité…"
    lowercase = [r for r in parsed.records if r.decp_id == "2021015000000000"]
    assert all(r.decp_nature is DecpNature.MARCHE for r in parsed.records)
    assert lowercase == [] or lowercase[0].decp_nature is DecpNature.MARCHE
    cpv_with_space = [r for r in parsed.records if r.cpv_code == "66516000"]
    assert cpv_with_space  # "66516 000" in the file


def test_pes_2019_filtered_by_buyer_siret():
    parsed = read_decp(FIXTURES / "decp_2019_pes_extrait.json", "20002715900017")
    assert (parsed.total, parsed.skipped_other_buyers, len(parsed.records)) == (30, 21, 9)
    assert sorted({r.procedure for r in parsed.records}) == sorted(
        {Procedure.ADAPTED, Procedure.NO_PUBLICITY}
    )
    assert parsed.records[0].notification_date == dt.date(2018, 12, 31)  # "2018-12-31+01:00"
    assert parsed.records[0].place_type == "Code commune"
    assert parsed.buyers["21760322400015"]


def test_megalis_2024_v2_format():
    parsed = read_decp(FIXTURES / "decp_2024_megalis.json", "59920013600241")
    assert parsed.format == "2.0" and parsed.problems == []
    assert [r.reference for r in parsed.records] == [
        "H9O2024T0000256", "H9O2024T0000356", "H9O2024T0000456", "H9O2024T0000556", "H9O2024T0000656",
    ]  # fmt: skip
    first = parsed.records[0]
    assert first.procedure is Procedure.OPEN_TENDER and first.ccag is Ccag.WORKS
    assert first.nature is PurchaseNature.WORKS and first.price_form is PriceForm.LUMP_SUM
    assert first.offers_received == 11 and first.place_type == "Code département"
    assert first.social_considerations == ["Pas de considération sociale"]
    assert first.environmental_considerations == ["Pas de considération environnementale"]
    assert first.holders == [Holder("SIRET", "32933888305269", "")]


def test_not_a_decp_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"autre": 1}', encoding="utf-8")
    with pytest.raises(ImportRejected, match="il manque la liste « marches »"):
        read_decp(path, None)
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(ImportRejected, match="n'est pas un JSON valide"):
        read_decp(path, None)


def contract(**changes) -> DecpContract:
    values = dict(
        reference="VDS-2024-001", decp_id=None, object="Fournitures de bureau", decp_nature=DecpNature.MARCHE,
        procedure=Procedure.ADAPTED, cpv_code="30192000", techniques=["Accord-cadre"],
        execution_modes=["Bons de commande"], is_framework=True, innovative=False, ccag=Ccag.SUPPLIES_SERVICES,
        offers_received=3, advance_granted=True, advance_rate=Decimal("0.3000"),
        operator_grouping=OperatorGrouping.NONE, place_code="25000", place_type="Code postal",
        duration_months=36, start_date=dt.date(2024, 2, 1), end_date=dt.date(2027, 1, 31),
        notification_date=dt.date(2024, 1, 15), publication_date=None, amount=Decimal("64500.50"),
        price_types=["Définitif révisable"], price_form=PriceForm.UNIT, subcontracting_declared=False,
        supplier_siret="73282932000074", social_considerations=["Clause sociale", "Marché réservé"],
        environmental_considerations=["Critère environnemental"],
    )  # fmt: skip
    values.update(changes)
    return DecpContract(**values)


def test_written_decp_is_valid_against_the_official_203_schema(tmp_path):
    marche, missing = to_decp(contract(), "21250056200013", dt.date(2024, 3, 1))
    assert missing == []
    assert marche["dureeMois"] == 36 and marche["datePublicationDonnees"] == "2024-03-01"
    assert marche["considerationsSociales"] == {"considerationSociale": ["Clause sociale", "Marché réservé"]}
    assert marche["montant"] == 64500.5 and marche["tauxAvance"] == 0.3
    out = tmp_path / "decp.json"
    write_decp([marche], out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.loads(out.read_text(encoding="utf-8"))))
    assert errors == []


def test_incomplete_contract_is_listed_not_invented():
    marche, missing = to_decp(
        contract(cpv_code=None, offers_received=None, social_considerations=[], reference="X" * 20),
        "21250056200013",
        dt.date(2024, 3, 1),
    )
    assert marche is None
    assert missing == [
        "identifiant DECP de 1 à 16 caractères (la référence est trop longue)",
        "code CPV",
        "nombre d'offres reçues",
        "considérations sociales",
    ]


def test_reimported_export_keeps_the_values(tmp_path):
    marche, _ = to_decp(contract(), "21250056200013", dt.date(2024, 3, 1))
    out = tmp_path / "decp.json"
    write_decp([marche], out)
    record = read_decp(out, "21250056200013").records[0]
    assert (record.reference, record.procedure, record.amount, record.techniques, record.social_considerations) == (
        "VDS-2024-001", Procedure.ADAPTED, Decimal("64500.50"), ["Accord-cadre"], ["Clause sociale", "Marché réservé"],
    )  # fmt: skip
    assert record.advance_rate == Decimal("0.3") and record.price_form is PriceForm.UNIT
