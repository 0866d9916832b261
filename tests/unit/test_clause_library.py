"""The shipped clause library is complete, and the file format round-trips and rejects bad files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.enums import ClauseKind
from app.paths import resource
from app.rules.clause_library import (
    ClauseSpec,
    LibraryProblems,
    dump_library,
    parse_library,
)
from app.rules.clauses import RULES
from app.rules.levers import CONTRACT_LEVEL_ACTIONS, LEVERS_BY_CODE


@pytest.fixture(scope="module")
def library() -> list[ClauseSpec]:
    return parse_library(resource("clauses", "library.toml").read_text(encoding="utf-8"))


def test_shipped_library_is_complete(library):
    assert 24 <= len(library) <= 40
    for spec in library:
        assert len(spec.model_text) > 150, spec.code
        assert spec.legal_basis and spec.applies_when and spec.guidance, spec.code
        assert spec.actions and spec.levers, spec.code
        assert "TODO" not in spec.model_text


def test_every_contract_level_action_and_lever_has_a_clause(library):
    covered = {a for spec in library for a in spec.actions}
    assert covered >= CONTRACT_LEVEL_ACTIONS, CONTRACT_LEVEL_ACTIONS - covered
    levers = {lever for spec in library for lever in spec.levers}
    assert set(LEVERS_BY_CODE) <= levers


def test_every_shipped_clause_has_a_rule_and_every_rule_a_clause(library):
    assert {spec.code for spec in library} == set(RULES)


def test_issue_topics_are_all_covered(library):
    codes = {spec.code for spec in library}
    for code in (
        "insertion-clause", "insertion-criterion", "reservation-ea-esat", "reservation-siae",
        "anti-discrimination-tiebreak", "gender-equality", "fair-trade", "allotment", "sme-advance-30",
        "price-revision", "payment-delays", "data-protection", "negotiation-mapa", "right-need-sobriety",
        "env-award-criterion", "env-execution-clause", "eco-labels", "agec-reuse-recycled",
        "life-cycle-cost", "transport-ghg-info", "delivery-grouping", "impact-reporting",
        "carbon-compensation", "sustainability-assistant", "mandatory-advance",
    ):  # fmt: skip
        assert code in codes


def test_dump_then_parse_gives_the_same_clauses(library):
    assert parse_library(dump_library(library)) == library


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1, max_size=60
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None)
@given(title=text, body=text, code=st.from_regex(r"[a-z][a-z0-9-]{2,20}", fullmatch=True))
def test_any_text_round_trips(title, body, code):
    spec = ClauseSpec(
        code=code,
        title=title,
        kind=ClauseKind.EXECUTION_CLAUSE,
        actions=(25,),
        levers=("impact_reporting",),
        legal_basis=body,
        applies_when=body,
        guidance='"""' + body + "\\",
        model_text=body + "\nligne 2 \"quoted\" ''' \\n",
        copied_from="price-revision",
    )
    assert parse_library(dump_library([spec])) == [spec]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not toml [[[", "n'est pas un fichier TOML"),
        ('format = "autre"\n', "n'est pas une bibliothèque"),
        ('format = "achats-durables/clauses"\nversion = 99\n', "version plus récente"),
        ('format = "achats-durables/clauses"\nversion = 1\n', "aucune clause"),
        (
            'format = "achats-durables/clauses"\nversion = 1\n[[clause]]\ncode = "x"\ntitle = "T"\n'
            'kind = "award_criterion"\nactions = [8]\n',
            "il manque la base juridique",
        ),
        (
            'format = "achats-durables/clauses"\nversion = 1\n[[clause]]\ncode = "x"\ntitle = "T"\n'
            'kind = "bogus"\nactions = [99]\nlevers = ["nope"]\nlegal_basis = "a"\napplies_when = "b"\n'
            'guidance = "c"\nmodel_text = "d"\ndecp_consideration = "Autre"\n',
            "type « bogus » inconnu",
        ),
    ],
)
def test_bad_files_are_rejected_in_french(text, expected):
    with pytest.raises(LibraryProblems) as caught:
        parse_library(text)
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_all_problems_are_listed_at_once():
    text = (
        'format = "achats-durables/clauses"\nversion = 1\n[[clause]]\ncode = "x"\ntitle = "T"\n'
        'kind = "bogus"\nactions = [99]\nlevers = ["nope"]\nlegal_basis = "a"\napplies_when = "b"\n'
        'guidance = "c"\nmodel_text = "d"\ndecp_consideration = "Autre"\n'
    )
    with pytest.raises(LibraryProblems) as caught:
        parse_library(text)
    joined = " ".join(caught.value.problems)
    assert "action 99 hors du SPASER" in joined and "levier « nope »" in joined and "DECP « Autre »" in joined
