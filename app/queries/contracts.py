"""Reading contracts as ``ContractRecord`` and their facts (the one adapter of app.rules.contract)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.model import Amendment, Contract, Department, Lot, Organisation, PurchaseFamily, Supplier
from app.model.base import Money
from app.queries.organisation_settings import settings_for
from app.rules import contract as facts_rules
from app.rules.contract import ContractFacts, ContractRecord, FamilyInfo, ProcedureThresholds
from app.rules.dated_settings import MissingSetting, SettingKey, Settings
from app.rules.settings_catalogue import K


def procedure_thresholds(settings: Settings):  # noqa: ANN201 - a cached callable
    """The thresholds a procedure is deduced from, on a given date (None before the catalogue
    knows them: the procedure then stays unknown rather than deduced from later thresholds)."""

    @cache
    def on(day: dt.date) -> ProcedureThresholds | None:
        try:
            return ProcedureThresholds(
                no_publicity_supplies_services=settings.get(K.NO_PUBLICITY_SUPPLIES_SERVICES, day),
                no_publicity_works=settings.get(K.NO_PUBLICITY_WORKS, day),
                eu_supplies_services=settings.get(K.EU_SUPPLIES_SERVICES, day),
                eu_works=settings.get(K.EU_WORKS, day),
                decp_publication=_optional(settings, K.DECP_PUBLICATION, day),
            )
        except MissingSetting:
            return None

    return on


def _optional(settings: Settings, key: SettingKey[Decimal], day: dt.date) -> Decimal | None:
    try:
        return settings.get(key, day)
    except MissingSetting:
        return None


_C = Contract.__table__.c
# The columns the facts need, read as stored: dates, UUIDs and JSON lists as text, parsed below with
# one cache per column (10,000 contracts repeat '[]', '{}' and a few hundred dates), because
# SQLAlchemy's per-value type processing cost more than the facts themselves.
_TEXT = {"id", "family_id", "notification_date", "publication_date", "start_date", "end_date"}
_JSON = {"price_types", "social_considerations", "environmental_considerations", "fact_sources"}
_COLUMNS = (
    "id", "reference", "object", "nature", "procedure", "status", "cpv_code", "estimated_amount",
    "notified_amount", "is_framework", "max_amount", "notification_date", "publication_date", "start_date",
    "end_date", "duration_months", "recurrent", "renewable", "place_code", "place_type", "price_types",
    "advance_granted", "advance_rate", "social_considerations", "environmental_considerations",
    "fact_sources", "family_id",
)  # fmt: skip


def _memo(parse):  # noqa: ANN001, ANN202
    cache: dict = {}

    def parse_once(raw):  # noqa: ANN001, ANN202
        if raw is None or not isinstance(raw, str):
            return raw  # a driver that already gives dates, UUIDs or JSON values (PostgreSQL)
        found = cache.get(raw)
        if found is None:
            found = cache[raw] = parse(raw)
        return found

    return parse_once


def _families(session: Session, organisation_id: uuid.UUID) -> dict[str, FamilyInfo]:
    return {
        fid: FamilyInfo(
            label=label, cpv_codes=tuple(codes or ()), fair_trade_relevant=bool(fair), agec_category=agec
        )
        for fid, label, codes, fair, agec in session.execute(
            select(
                type_coerce(PurchaseFamily.id, String),
                PurchaseFamily.label,
                PurchaseFamily.cpv_codes,
                PurchaseFamily.fair_trade_relevant,
                PurchaseFamily.agec_category,
            ).where(PurchaseFamily.organisation_id == organisation_id)
        )
    }


def contract_records(
    session: Session, organisation_id: uuid.UUID, contract_ids: Iterable[uuid.UUID] | None = None
) -> list[ContractRecord]:
    """The records of an organisation's contracts (all, or ``contract_ids``), ordered by end date."""
    columns = [
        type_coerce(_C[name], String) if name in _TEXT or name in _JSON else _C[name] for name in _COLUMNS
    ]
    stmt = (
        select(
            *columns, Supplier.name, Supplier.siret, Supplier.size, Supplier.social_economy, Department.name
        )
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .outerjoin(Department, Department.id == Contract.department_id)
        .where(Contract.organisation_id == organisation_id)
        .order_by(Contract.end_date, Contract.reference)
    )
    ids = None if contract_ids is None else list(contract_ids)
    if ids is not None:
        stmt = stmt.where(Contract.id.in_(ids))
    rows = session.execute(stmt).all()
    as_uuid = _memo(uuid.UUID)
    as_date = _memo(dt.date.fromisoformat)
    as_json = _memo(json.loads)
    families = _families(session, organisation_id)
    # Lots and amendments of the organisation's contracts, one query each (joined on the contract,
    # not one IN list per 500 contracts); only those of the rows read are used below.
    lot_owner = type_coerce(Lot.contract_id, String)
    lots = select(lot_owner).join(Contract, Contract.id == Lot.contract_id)
    owner = type_coerce(Amendment.contract_id, String)
    sums = (
        select(owner, func.sum(Amendment.amount_delta, type_=Money))
        .join(Contract, Contract.id == Amendment.contract_id)
        .where(Amendment.amount_delta.is_not(None))
        .group_by(owner)
    )
    lots, sums = (q.where(Contract.organisation_id == organisation_id) for q in (lots, sums))
    if ids is not None:
        lots, sums = (q.where(Contract.id.in_(ids)) for q in (lots, sums))
    with_lots: set[str] = set(session.scalars(lots.distinct()))
    deltas: dict[str, Decimal] = dict(session.execute(sums).all())
    insee, postcode = session.execute(
        select(Organisation.insee_code, Organisation.postcode).where(Organisation.id == organisation_id)
    ).one()
    out = []
    for row in rows:
        v = dict(zip(_COLUMNS, row[: len(_COLUMNS)], strict=True))
        supplier_name, siret, size, social_economy, department = row[len(_COLUMNS) :]
        key = v["id"]
        out.append(
            ContractRecord(
                id=as_uuid(key),
                reference=v["reference"],
                object=v["object"],
                nature=v["nature"],
                procedure=v["procedure"],
                status=v["status"],
                cpv_code=v["cpv_code"],
                estimated_amount=v["estimated_amount"],
                notified_amount=v["notified_amount"],
                is_framework=bool(v["is_framework"]),
                max_amount=v["max_amount"],
                amendments_delta=deltas.get(key),
                notification_date=as_date(v["notification_date"]),
                publication_date=as_date(v["publication_date"]),
                start_date=as_date(v["start_date"]),
                end_date=as_date(v["end_date"]),
                duration_months=v["duration_months"],
                recurrent=v["recurrent"],
                renewable=v["renewable"],
                place_code=v["place_code"],
                place_type=v["place_type"],
                price_types=tuple(as_json(v["price_types"]) or ()),
                advance_granted=bool(v["advance_granted"]),
                advance_rate=v["advance_rate"],
                social_considerations=tuple(as_json(v["social_considerations"]) or ()),
                environmental_considerations=tuple(as_json(v["environmental_considerations"]) or ()),
                has_lots=key in with_lots,
                supplier_name=supplier_name,
                supplier_siret=siret,
                supplier_size=size or facts_rules.SupplierSize.UNKNOWN,
                supplier_social_economy=social_economy or facts_rules.SocialEconomyStatus.NONE,
                department=department,
                family=families.get(v["family_id"]) if v["family_id"] else None,
                organisation_insee_code=insee,
                organisation_postcode=postcode,
                fact_sources=as_json(v["fact_sources"]) or {},
            )
        )
    return out


def contracts_facts(
    session: Session,
    organisation_id: uuid.UUID,
    contract_ids: Iterable[uuid.UUID] | None = None,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> list[ContractFacts]:
    """The facts of an organisation's contracts: the one way every feature reads a contract."""
    settings = settings or settings_for(session, organisation_id)
    on = procedure_thresholds(settings)
    return [
        facts_rules.contract_facts(r, on, today)
        for r in contract_records(session, organisation_id, contract_ids)
    ]


def contract_facts(
    session: Session,
    contract_id: uuid.UUID,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> ContractFacts:
    """The facts of one contract; ``NotFound`` when another workstation deleted it."""
    organisation_id = session.scalar(select(Contract.organisation_id).where(Contract.id == contract_id))
    found = (
        contracts_facts(session, organisation_id, [contract_id], today=today, settings=settings)
        if organisation_id is not None
        else []
    )
    if not found:
        raise NotFound("Ce marché n'existe plus dans le fichier (supprimé sur un autre poste ?).")
    return found[0]


def recurrent_contracts(session: Session, organisation_id: uuid.UUID) -> list[Contract]:
    """The organisation's contracts known to be recurrent, by end date then reference."""
    return list(
        session.scalars(
            select(Contract)
            .where(Contract.organisation_id == organisation_id, Contract.recurrent.is_(True))
            .order_by(Contract.end_date, Contract.reference)
        )
    )
