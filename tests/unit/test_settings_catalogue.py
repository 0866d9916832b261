"""The settings catalogue: every setting declared once with its source, typed handles for all of
them, no string keys or fallbacks left in the services (DESIGN.md "Settings")."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from app.rules.dated_settings import MissingSetting, UnverifiedSetting
from app.rules.settings_catalogue import (
    AGEC_KINDS,
    CatalogueError,
    K,
    Override,
    Scope,
    agec_key,
    catalogue,
    handles,
    load_catalogue,
)

APP = Path(__file__).resolve().parents[2] / "app"
CATALOGUE = catalogue()
SHIPPED = CATALOGUE.shipped()
D = Decimal


def test_every_handle_names_a_declared_setting_of_its_kind_and_every_setting_has_a_handle():
    declared = {k: d for k, d in CATALOGUE.declarations.items() if not k.startswith("agec.")}
    by_handle = {h.key: h for h in handles()}
    assert len(by_handle) == len(handles()), "two handles for one key"
    assert set(by_handle) == set(declared)
    for key, handle in by_handle.items():
        assert handle.kind == declared[key].kind, key


def test_every_agec_category_has_its_two_shares_of_decree_2024_134():
    for category in CATALOGUE.agec_categories:
        for kind in ("reuse", "recycled"):
            declaration = CATALOGUE.declaration(agec_key(kind, category.slug).key)
            assert declaration is not None, (kind, category.slug)
            assert [v.valid_from for v in declaration.values] == [
                dt.date(2024, 7, 1),
                dt.date(2027, 1, 1),
                dt.date(2030, 1, 1),
            ]
            assert "2024-134" in declaration.source
    agec = [k for k in CATALOGUE.declarations if k.startswith("agec.")]
    assert all(k.split(".")[1] in AGEC_KINDS for k in agec)


def test_every_declaration_is_complete_and_every_value_reads_as_its_kind():
    for key, d in CATALOGUE.declarations.items():
        assert d.label and d.explanation and d.source, key
        assert d.scope in (Scope.LAW, Scope.LOCAL)
        for value in d.values:
            assert value.source, key
            if value.value == "":
                assert value.to_verify or key.startswith("agec.share."), key  # unknown is marked
                continue
            read = SHIPPED.get(
                agec_key(*key.split(".")[1:]) if key.startswith("agec.") else _handle(key), value.valid_from
            )
            assert read is not None


def _handle(key: str):
    return next(h for h in handles() if h.key == key)


def test_the_law_is_unknown_before_its_first_date_a_local_choice_reaches_back():
    with pytest.raises(MissingSetting):
        SHIPPED.get(K.EU_WORKS, dt.date(2015, 12, 31))
    assert SHIPPED.get(K.EU_WORKS, dt.date(2016, 1, 1)) == D("5225000")
    assert SHIPPED.get(K.INSERTION_STUDY, dt.date(2010, 1, 1)) == D("90000")  # SPASER scheme
    with pytest.raises(MissingSetting):  # the SPASER deployment starts in 2026: no target before
        SHIPPED.get(K.TARGET_COTATION_SHARE, dt.date(2025, 12, 31))
    with pytest.raises(UnverifiedSetting):
        SHIPPED.get(agec_key("reuse", "papier"), dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("handle", "day", "expected"),
    [
        (K.NO_PUBLICITY_SUPPLIES_SERVICES, dt.date(2026, 3, 31), D("40000")),
        (K.NO_PUBLICITY_SUPPLIES_SERVICES, dt.date(2026, 4, 1), D("60000")),
        (K.ONLINE_DOCUMENTS, dt.date(2026, 3, 31), D("40000")),
        (K.ONLINE_DOCUMENTS, dt.date(2026, 4, 1), D("60000")),
        (K.INNOVATIVE_NO_PUBLICITY, dt.date(2026, 12, 1), D("100000")),
        (K.SMALL_LOTS_SUPPLIES_SERVICES, dt.date(2026, 12, 1), D("80000")),
        (K.SMALL_LOTS_WORKS, dt.date(2026, 12, 1), D("1000000")),
        (K.EU_SUPPLIES_SERVICES, dt.date(2025, 12, 31), D("221000")),
        (K.EU_SUPPLIES_SERVICES, dt.date(2026, 1, 1), D("216000")),
        (K.EU_WORKS, dt.date(2026, 1, 1), D("5404000")),
        # A small town's legal advance is 5 % (10 % only above 60 M€ of operating expenditure).
        (K.MANDATORY_ADVANCE_MIN_RATE, dt.date(2026, 12, 1), D("0.05")),
        (K.EGALIM_QUALITY_SHARE, dt.date(2022, 1, 1), D("0.50")),
        (K.EGALIM_ORGANIC_SHARE, dt.date(2022, 1, 1), D("0.20")),
        (K.EGALIM_MEAT_FISH_QUALITY_SHARE, dt.date(2024, 1, 1), D("0.60")),
        (K.PLASTIC_CONTAINERS_BAN, dt.date(2026, 1, 1), dt.date(2025, 1, 1)),
        (K.PLASTIC_CONTAINERS_BAN_SMALL_TOWNS, dt.date(2026, 1, 1), dt.date(2028, 1, 1)),
    ],
)
def test_shipped_values_at_their_dates(handle, day, expected):
    assert SHIPPED.get(handle, day) == expected


def test_scope_law_or_local_choice():
    law = {K.EU_WORKS, K.NO_PUBLICITY_WORKS, K.MANDATORY_ADVANCE_MIN_RATE, K.EGALIM_ORGANIC_SHARE}
    local = {K.SPASER_ADVANCE, K.SPASER_ADVANCE_RATE, K.PRICE_REVISION_MONTHS, K.TARGET_ORDER_REDUCTION}
    for handle in law:
        assert CATALOGUE.declaration(handle.key).scope is Scope.LAW, handle.key
    for handle in local:
        assert CATALOGUE.declaration(handle.key).scope is Scope.LOCAL, handle.key


def test_overrides_win_for_local_choices_only():
    resolved = CATALOGUE.resolve(
        [
            Override(K.SPASER_ADVANCE.key, "100000", dt.date(2026, 1, 1)),
            Override(K.EU_WORKS.key, "1", dt.date(2026, 1, 1)),
            Override("threshold.gone", "1", dt.date(2026, 1, 1)),
        ]
    )
    assert resolved.get(K.SPASER_ADVANCE, dt.date(2025, 12, 31)) == D("215000")
    assert resolved.get(K.SPASER_ADVANCE, dt.date(2026, 1, 1)) == D("100000")
    assert resolved.entry(K.SPASER_ADVANCE.key, dt.date(2026, 1, 1)).organisation_specific
    assert resolved.get(K.EU_WORKS, dt.date(2026, 1, 1)) == D("5404000")


def _copy(tmp_path) -> Path:
    folder = tmp_path / "defaults"
    shutil.copytree(Path(__file__).resolve().parents[2] / "resources" / "defaults", folder)
    return folder


def test_a_key_declared_twice_is_refused(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "settings.toml").read_text(encoding="utf-8")
    start = text.index("\n[[setting]]\n")
    end = text.index("\n[[setting]]\n", start + 1)
    (folder / "settings-extra.toml").write_text(text[start:end], encoding="utf-8")
    with pytest.raises(CatalogueError, match="déclaré deux fois"):
        load_catalogue(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('value = "40000"', 'value = "quarante"'), "quarante"),
        (('\nscope = "law"\n', '\nscope = "law"\napplies_before_first = true\n'), "est légal"),
        (('\nkind = "amount"\n', '\nkind = "amount\n'), "illisible"),
        (('explanation = "En dessous', 'explication = "En dessous'), "explanation"),
    ],
)
def test_a_malformed_catalogue_is_refused(tmp_path, change, message):
    folder = _copy(tmp_path)
    path = folder / "settings.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(folder)


# --- No string keys, no fallbacks in the services -------------------------------------------------

SERVICES = sorted((APP / "services").glob("*.py")) + [APP / "queries" / "contracts.py"]
KEY_PREFIXES = sorted({key.split(".")[0] + "." for key in CATALOGUE.declarations})
PREFIXES = "|".join(re.escape(p) for p in KEY_PREFIXES)
STRING_KEY = re.compile(rf"""["'](?:{PREFIXES})[a-z_.]+["']""")


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_read_settings_through_typed_handles_only(path):
    text = path.read_text(encoding="utf-8")
    strings = [
        node.value
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    keys = [s for s in strings if s in CATALOGUE.declarations or STRING_KEY.fullmatch(f'"{s}"')]
    assert not keys, f"{path.name} names settings by string: {keys}"
    for fallback in ("default_settings", "cotation_settings", "history[0]", 'default_id("setting"'):
        assert fallback not in text, f"{path.name} still has the fallback {fallback!r}"


def test_the_string_key_check_can_fail():
    assert STRING_KEY.fullmatch('"threshold.eu.works"') and STRING_KEY.fullmatch("'target.order_reduction'")
