"""The settings catalogue: every dated setting declared once, with its source (pure, no database).

``resources/defaults/settings*.toml`` declare each setting once — key, French label, kind, unit,
explanation, source (text and article), scope (``law``: set by a text; ``local``: the town's own
choice) — with its dated values as shipped. A value is resolved when read: the organisation's own
override for a local choice, else the catalogue's value for that date (``Catalogue.resolve``).
Nothing is copied into a town's file, so a release's new dated values reach every file at once.

Code reads a setting through a typed handle of ``K`` (``settings.get(K.EU_WORKS, on)``); a test
checks that ``K`` and the catalogue declare the same keys with the same kinds.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from app.paths import resource
from app.rules.dated_settings import DatedValue, SettingKey, Settings, validate_setting_value

KINDS = ("amount", "rate", "integer", "duration", "text", "date")


class Scope(enum.StrEnum):
    LAW = "law"  # set by a text: the town cannot change it
    LOCAL = "local"  # the town's own choice: SPASER commitments, targets, delays


SCOPE_LABELS = {Scope.LAW: "Obligation légale", Scope.LOCAL: "Choix de la collectivité"}


class CatalogueError(ValueError):
    """A malformed catalogue file: a bug of the release, caught by the tests."""


@dataclass(frozen=True)
class ShippedValue:
    valid_from: dt.date
    value: str  # "" where the text sets a figure that no verified source gave
    source: str
    to_verify: bool


@dataclass(frozen=True)
class Declaration:
    key: str
    kind: str
    unit: str | None
    scope: Scope
    label: str
    explanation: str
    source: str
    values: tuple[ShippedValue, ...]
    # Whether the first value also applies before its date (default: for local choices only).
    reaches_back: bool = False

    @property
    def local_choice(self) -> bool:
        return self.scope is Scope.LOCAL

    def dated_values(self) -> list[DatedValue]:
        return [
            DatedValue(
                key=self.key,
                value=v.value,
                valid_from=v.valid_from,
                kind=self.kind,
                unit=self.unit,
                label=self.label,
                source=v.source,
                to_verify=v.to_verify,
                reaches_back=self.reaches_back,
            )
            for v in self.values
        ]


@dataclass(frozen=True)
class Override:
    """An organisation's own value of a local choice, from ``valid_from``."""

    key: str
    value: str
    valid_from: dt.date


@dataclass(frozen=True)
class AgecCategory:
    slug: str
    name: str
    aliases: tuple[str, ...]


def slug(text: str) -> str:
    """ "Fournitures de bureau" -> "fournitures_de_bureau" (AGEC category keys)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


@dataclass(frozen=True)
class Catalogue:
    declarations: dict[str, Declaration]
    agec_categories: tuple[AgecCategory, ...] = ()

    def declaration(self, key: str) -> Declaration | None:
        return self.declarations.get(key)

    def shipped(self) -> Settings:
        """The catalogue alone (no organisation): what the law and the default choices say."""
        return self.resolve(())

    def resolve(self, overrides: Iterable[Override]) -> Settings:
        """The catalogue's dated values with the organisation's overrides of local choices on top
        (on the same date the override wins; a later dated value of either supersedes it). Overrides
        of a legal value or of an unknown key are ignored: the law is not the town's to change."""
        values = [v for d in self.declarations.values() for v in d.dated_values()]
        for o in overrides:
            d = self.declarations.get(o.key)
            if d is None or not d.local_choice:
                continue
            values.append(
                replace(
                    d.dated_values()[0],
                    value=o.value,
                    valid_from=o.valid_from,
                    source="Valeur choisie par la collectivité",
                    to_verify=False,
                    organisation_specific=True,
                )
            )
        return Settings(values)

    def shipped_value(self, key: str, on: dt.date) -> str | None:
        """The catalogue's raw value in force on ``on`` (None before the first one)."""
        d = self.declarations.get(key)
        if d is None:
            return None
        found = [v for v in d.values if v.valid_from <= on]
        return found[-1].value if found else None

    def agec_category(self, name: str) -> AgecCategory | None:
        """The AGEC category a purchase family names, by slug, name or alias."""
        wanted = slug(name)
        for category in self.agec_categories:
            if wanted in (category.slug, slug(category.name), *(slug(a) for a in category.aliases)):
                return category
        return None


def _parse_declaration(item: dict, where: str) -> Declaration:
    try:
        key, kind = item["key"], item["kind"]
        if kind not in KINDS:
            raise CatalogueError(f"{where}: « {key} » a un type inconnu « {kind} »")
        values = []
        for v in item["value"]:
            value = str(v["value"])
            if value and validate_setting_value(kind, value):
                raise CatalogueError(f"{where}: « {key} » : {validate_setting_value(kind, value)}")
            values.append(
                ShippedValue(
                    valid_from=dt.date.fromisoformat(v["from"]),
                    value=value,
                    source=v.get("source", item["source"]),
                    to_verify=bool(v.get("to_verify", False)),
                )
            )
        values.sort(key=lambda v: v.valid_from)
        if len({v.valid_from for v in values}) != len(values) or not values:
            raise CatalogueError(f"{where}: « {key} » sans valeur ou avec deux valeurs à la même date")
        scope = Scope(item["scope"])
        reaches_back = bool(item.get("applies_before_first", scope is Scope.LOCAL))
        if reaches_back and scope is Scope.LAW:
            raise CatalogueError(
                f"{where}: « {key} » est légal : sa première valeur ne vaut pas avant sa date"
            )
        return Declaration(
            key=key,
            kind=kind,
            unit=item.get("unit"),
            scope=scope,
            label=item["label"],
            explanation=item["explanation"],
            source=item["source"],
            values=tuple(values),
            reaches_back=reaches_back,
        )
    except KeyError as exc:
        raise CatalogueError(f"{where}: champ {exc} manquant dans {item.get('key', item)}") from exc


def load_catalogue(folder: Path) -> Catalogue:
    """Read ``settings.toml`` and every ``settings-*.toml`` of ``folder``; a key declared twice is
    an error."""
    declarations: dict[str, Declaration] = {}
    categories: list[AgecCategory] = []
    for path in [folder / "settings.toml", *sorted(folder.glob("settings-*.toml"))]:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{path.name} illisible : {exc}") from exc
        for item in data.get("setting", []):
            declaration = _parse_declaration(item, path.name)
            if declaration.key in declarations:
                raise CatalogueError(f"{path.name}: « {declaration.key} » déclaré deux fois")
            declarations[declaration.key] = declaration
        categories.extend(
            AgecCategory(c["slug"], c["name"], tuple(c.get("aliases", ())))
            for c in data.get("agec_category", [])
        )
    return Catalogue(declarations, tuple(categories))


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with this release."""
    return load_catalogue(resource("defaults"))


def _amount(key: str) -> SettingKey[Decimal]:
    return SettingKey(key, "amount")


def _rate(key: str) -> SettingKey[Decimal]:
    return SettingKey(key, "rate")


def _int(key: str, kind: str = "integer") -> SettingKey[int]:
    return SettingKey(key, kind)


def _months(key: str) -> SettingKey[int]:
    return SettingKey(key, "duration")


def _date(key: str) -> SettingKey[dt.date]:
    return SettingKey(key, "date")


class K:
    """Typed handles of every declared setting (the AGEC rates are ``agec_key``)."""

    # Code de la commande publique
    NO_PUBLICITY_SUPPLIES_SERVICES = _amount("threshold.no_publicity.supplies_services")
    NO_PUBLICITY_WORKS = _amount("threshold.no_publicity.works")
    INNOVATIVE_NO_PUBLICITY = _amount("threshold.innovative_no_publicity")
    INNOVATIVE_LOT_SUPPLIES_SERVICES = _amount("threshold.innovative_lot_supplies_services")
    PUBLICITY_BOAMP = _amount("threshold.publicity_boamp")
    ONLINE_DOCUMENTS = _amount("threshold.online_documents")
    SMALL_LOTS_SUPPLIES_SERVICES = _amount("threshold.small_lots_supplies_services")
    SMALL_LOTS_WORKS = _amount("threshold.small_lots_works")
    EU_SUPPLIES_SERVICES = _amount("threshold.eu.supplies_services")
    EU_WORKS = _amount("threshold.eu.works")
    MANDATORY_ADVANCE = _amount("threshold.mandatory_advance")
    MANDATORY_ADVANCE_MONTHS = _months("duration.mandatory_advance_months")
    MANDATORY_ADVANCE_MIN_RATE = _rate("rate.mandatory_advance_min")
    PRICE_REVISION_RAW_MATERIALS_MONTHS = _months("duration.price_revision_raw_materials_months")
    RESERVED_ESS_MAX_MONTHS = _months("duration.reserved_ess_max_months")
    CLIMATE_LAW_ENVIRONMENT = _date("date.climate_law_environment")
    DECP_PUBLICATION = _amount("threshold.decp_publication")
    # EGalim and public catering
    EGALIM_QUALITY_SHARE = _rate("egalim.quality_share")
    EGALIM_ORGANIC_SHARE = _rate("egalim.organic_share")
    EGALIM_MEAT_FISH_QUALITY_SHARE = _rate("egalim.meat_fish_quality_share")
    EGALIM_VEGETARIAN_WEEKLY = _date("date.egalim_vegetarian_weekly")
    PLASTIC_CONTAINERS_BAN = _date("date.plastic_containers_ban")
    PLASTIC_CONTAINERS_BAN_SMALL_TOWNS = _date("date.plastic_containers_ban_small_towns")
    # The town's SPASER commitments and targets
    INSERTION_STUDY = _amount("threshold.insertion_study")
    RESERVATION = _amount("threshold.reservation")
    SMALL_CONTRACTS_FOLLOW_MIN = _amount("threshold.small_contracts_follow_min")
    SMALL_CONTRACTS_FOLLOW_MAX = _amount("threshold.small_contracts_follow_max")
    SPASER_ADVANCE = _amount("threshold.spaser_advance")
    SPASER_ADVANCE_RATE = _rate("rate.spaser_advance")
    PRICE_REVISION_MONTHS = _months("duration.price_revision_months")
    TARGET_COTATION_SHARE = _rate("target.cotation_share")
    TARGET_ORDER_REDUCTION = _rate("target.order_reduction")
    TARGET_ENV_CRITERION = _rate("target.env_criterion")
    TARGET_ENV_CONSIDERATION = _rate("target.env_consideration")
    TARGET_INSERTION_FORMALISED = _rate("target.insertion_formalised")
    TARGET_SOCIAL_FORMALISED = _rate("target.social_formalised")
    TARGET_CIRCULAR_TARGETED = _rate("target.circular_targeted")
    TARGET_SME_TARGETED = _rate("target.sme_targeted")
    # Cotation and the yearly cycle
    PRIORITY_A_MIN = _int("cotation.priority_a_min")
    PRIORITY_B_MIN = _int("cotation.priority_b_min")
    SUSTAINABILITY_ASSISTANT_MIN = _amount("cotation.sustainability_assistant_min")
    LARGE_WORKS_MIN = _amount("cotation.large_works_min")
    CAD_MONTH = _int("cycle.cad_month")
    COTATION_START_MONTHS = _months("cycle.cotation_start_months")
    COTATION_END_MONTHS = _months("cycle.cotation_end_months")
    CAD_MONTHS = _months("cycle.cad_months")
    ALERT_NOTICE_DAYS = _months("alert.notice_days")
    ALERT_CONSUMPTION_RATE = _rate("alert.consumption_rate")
    # Grouping, joint purchasing and deliveries
    GROUPING_MAX_DELAY_DAYS = _months("grouping.default_max_delay_days")
    JOINT_WINDOW_MONTHS = _months("joint.window_months")
    JOINT_CPV_GROUP_DIGITS = _int("joint.cpv_group_digits")
    CARGO_BIKE_MAX_LOAD_KG = _int("cargo_bike.max_load_kg")
    CARGO_BIKE_MAX_DISTANCE_KM = _int("cargo_bike.max_distance_km")
    TRANSPORT_DEFAULT_DISTANCE_KM = _int("transport.default_distance_km")


AGEC_KINDS = ("reuse", "recycled", "share")


def agec_key(kind: str, category_slug: str) -> SettingKey[Decimal]:
    """``agec.reuse.<slug>`` / ``agec.recycled.<slug>`` (décret 2024-134), ``agec.share.<slug>``
    (décret 2021-254, ended on 1 July 2024)."""
    if kind not in AGEC_KINDS:
        raise ValueError(kind)
    return SettingKey(f"agec.{kind}.{category_slug}", "rate")


def handles() -> list[SettingKey]:
    """Every handle of ``K`` (for the test that walks the catalogue)."""
    return [v for v in vars(K).values() if isinstance(v, SettingKey)]
