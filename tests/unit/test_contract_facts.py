"""The facts module: derivations with their source, proposals, unknown is not false."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.enums import Procedure, PurchaseNature
from app.rules import calendar as cal
from app.rules.contract import (
    ContractRecord,
    FamilyInfo,
    Feature,
    ProcedureThresholds,
    Source,
    UnknownFact,
    blocking,
    contract_facts,
    known,
    missing_facts,
    validate_contract_values,
)

THRESHOLDS = ProcedureThresholds(
    no_publicity_supplies_services=D("40000"),
    no_publicity_works=D("100000"),
    eu_supplies_services=D("221000"),
    eu_works=D("5538000"),
    decp_publication=D("40000"),
)


def on(_day):
    return THRESHOLDS


def record(**kw) -> ContractRecord:
    return ContractRecord(**({"reference": "R-1", "object": "Objet"} | kw))


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31), 12),
        (dt.date(2025, 2, 1), dt.date(2028, 1, 31), 36),
        (dt.date(2025, 1, 1), dt.date(2025, 6, 15), 6),
        (dt.date(2025, 3, 15), dt.date(2026, 3, 14), 12),
        (dt.date(2025, 1, 1), dt.date(2026, 1, 1), 13),  # one day more than a year: over 12 months
        (dt.date(2025, 1, 31), dt.date(2025, 2, 27), 1),
        (dt.date(2025, 5, 5), dt.date(2025, 5, 5), 1),
    ],
)
def test_duration_counts_first_and_last_day(start, end, months):
    assert cal.duration_months(start, end) == months


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 1, 1)), st.integers(1, 120))
def test_duration_of_whole_months_is_exact(start, months):
    end = cal.add_months(start, months) - dt.timedelta(days=1)
    if cal.add_months(end + dt.timedelta(days=1), -months) == start:  # no month-end clamping
        assert cal.duration_months(start, end) == months


def test_duration_derived_from_dates_with_its_source():
    f = contract_facts(record(start_date=dt.date(2025, 2, 1), end_date=dt.date(2028, 1, 31)))
    assert f.duration_months == 36
    assert f.source("duration_months").source is Source.DERIVED
    assert "date de début" in f.source("duration_months").text
    notified = contract_facts(record(notification_date=dt.date(2025, 2, 1), end_date=dt.date(2026, 1, 31)))
    assert notified.duration_months == 12 and "notification" in notified.source("duration_months").text


def test_stored_duration_wins_and_keeps_its_source():
    f = contract_facts(
        record(duration_months=48, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31),
               fact_sources={"duration_months": "imported"})
    )  # fmt: skip
    assert f.duration_months == 48 and f.source("duration_months").source is Source.IMPORTED


@pytest.mark.parametrize(
    ("kw", "nature", "detail"),
    [
        ({"cpv_code": "45233141"}, PurchaseNature.WORKS, "CPV"),
        ({"cpv_code": "90919200"}, PurchaseNature.SERVICES, "CPV"),
        ({"family": FamilyInfo("Papier", ("30197630",))}, PurchaseNature.SUPPLIES, "famille"),
        ({"object": "Réfection de la toiture de l'église"}, PurchaseNature.WORKS, "objet"),
        ({"object": "Nettoyage des locaux communaux"}, PurchaseNature.SERVICES, "objet"),
        ({"object": "Fourniture de papier"}, PurchaseNature.SUPPLIES, "objet"),
        ({"object": "Divers"}, None, ""),
    ],
)
def test_nature_from_cpv_family_or_words(kw, nature, detail):
    f = contract_facts(record(**kw))
    assert f.nature is nature
    assert detail in f.source("nature").text
    if nature is None:
        assert f.source("nature").source is Source.UNKNOWN and "nature" not in f.proposals
    else:
        assert f.proposals["nature"].value is nature


@pytest.mark.parametrize(
    ("amount", "nature", "procedure"),
    [
        (D("39999.99"), PurchaseNature.SUPPLIES, Procedure.NO_PUBLICITY),
        (D("40000"), PurchaseNature.SUPPLIES, Procedure.ADAPTED),
        (D("220999"), PurchaseNature.SERVICES, Procedure.ADAPTED),
        (D("221000"), PurchaseNature.SERVICES, Procedure.OPEN_TENDER),
        (D("99999"), PurchaseNature.WORKS, Procedure.NO_PUBLICITY),
        (D("320000"), PurchaseNature.WORKS, Procedure.ADAPTED),
    ],
)
def test_procedure_deduced_from_amount_and_dated_thresholds(amount, nature, procedure):
    f = contract_facts(record(notified_amount=amount, nature=nature), on)
    assert f.procedure is procedure
    assert f.source("procedure").to_confirm and "seuils" in f.source("procedure").text


def test_procedure_not_deduced_when_the_nature_would_change_the_answer():
    # 60 000 €: without publicity for works, adapted for supplies: the nature must be known first.
    f = contract_facts(record(notified_amount=D("60000"), object="Divers"), on)
    assert f.nature is None and f.procedure is None
    # 30 000 €: below both no-publicity thresholds, whatever the nature.
    assert (
        contract_facts(record(notified_amount=D("30000"), object="Divers"), on).procedure
        is Procedure.NO_PUBLICITY
    )
    assert contract_facts(record(notified_amount=D("60000")), None).procedure is None  # no thresholds


@pytest.mark.parametrize(
    ("kw", "proposed"),
    [
        ({"object": "Fourniture de papier et de fournitures de bureau"}, True),
        ({"object": "Repas de la cantine scolaire"}, True),
        ({"object": "Maintenance des chaudières"}, True),
        ({"object": "Réfection de la toiture de l'église"}, False),  # one-off works
        ({"object": "Étude diagnostique du réseau"}, None),  # the app cannot tell: it asks
        ({"object": "Étude diagnostique du réseau", "renewable": True}, True),
        ({"object": "Fourniture de papier", "recurrent": False}, None),  # the buyer said it
    ],
)
def test_recurrence_is_proposed_never_decided(kw, proposed):
    f = contract_facts(record(**kw))
    assert f.recurrent is kw.get("recurrent")  # a proposal never becomes the value by itself
    proposal = f.proposals.get("recurrent")
    assert (proposal.value if proposal else None) is proposed


def test_place_from_insee_code_else_postcode():
    assert contract_facts(record(organisation_insee_code="37063")).place_code == "37063"
    f = contract_facts(record(organisation_postcode="37110"))
    assert (f.place_code, f.place_type) == ("37110", "Code postal")
    assert contract_facts(record(place_code="75056", organisation_insee_code="37063")).place_code == "75056"


def test_one_amount_for_thresholds_one_for_the_cost():
    f = contract_facts(
        record(estimated_amount=D("100000"), notified_amount=D("95000"), amendments_delta=D("5000.50"))
    )
    assert f.amount == D("100000")  # the estimated value of the need is what thresholds compare
    assert f.total_with_amendments == D("100000.50")  # what the contract costs
    assert f.publication_amount == D("95000")
    framework = contract_facts(record(is_framework=True, max_amount=D("200000"), notified_amount=D("1")))
    assert framework.amount == D("200000")


def test_unknown_fact_stops_a_rule_instead_of_reading_as_false():
    view = known(contract_facts(record()))
    with pytest.raises(UnknownFact) as raised:
        _ = view.recurrent
    assert "récurrence inconnue" in raised.value.reason
    assert view.reference == "R-1"


def test_missing_facts_per_feature():
    f = contract_facts(record(notified_amount=D("10000"), object="Divers"), on)
    missing = {m.field: m for m in missing_facts(f)}
    assert Feature.DECP not in missing["nature"].features  # below the publication threshold
    assert {Feature.COTATION, Feature.CAD} <= set(missing["recurrent"].features)
    assert "renseignez la date de fin" in missing["duration_months"].message
    complete = contract_facts(
        record(notified_amount=D("10000"), nature=PurchaseNature.SUPPLIES, procedure=Procedure.ADAPTED,
               recurrent=True, start_date=dt.date(2025, 1, 1), end_date=dt.date(2027, 12, 31)),
        on,
    )  # fmt: skip
    assert blocking(missing_facts(complete), Feature.CLAUSES) == []
    assert blocking(missing_facts(complete), Feature.CAD) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reference": " "}, "reference"),
        ({"notified_amount": D("-1")}, "notified_amount"),
        ({"min_amount": D("10"), "max_amount": D("5")}, "min_amount"),
        ({"start_date": dt.date(2025, 2, 1), "end_date": dt.date(2025, 1, 1)}, "end_date"),
        ({"cpv_code": "123"}, "cpv_code"),
        ({"duration_months": -2}, "duration_months"),
    ],
)
def test_one_validation_for_import_form_and_grid(values, field):
    assert [p.field for p in validate_contract_values(values)] == [field]
    assert validate_contract_values({"reference": "A", "object": "B", "cpv_code": "30192000-1"}) == []
