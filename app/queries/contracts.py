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


_SUPPLIER = Supplier.__table__.c
_DEPARTMENT = Department.__table__.c
_AT = {name: i for i, name in enumerate(_COLUMNS)}


def contract_records(
    session: Session, organisation_id: uuid.UUID, contract_ids: Iterable[uuid.UUID] | None = None
) -> list[ContractRecord]:
    """The records of an organisation's contracts (all, or ``contract_ids``), ordered by end date.

    A plain Core select on the session's connection (no ORM layer per row), values read by position,
    keys and dates as stored and parsed once per distinct value."""
    columns = [
        type_coerce(_C[name], String) if name in _TEXT or name in _JSON else _C[name] for name in _COLUMNS
    ]
    stmt = (
        select(
            *columns,
            _SUPPLIER.name,
            _SUPPLIER.siret,
            _SUPPLIER.size,
            _SUPPLIER.social_economy,
            _DEPARTMENT.name,
        )
        .select_from(
            Contract.__table__.outerjoin(Supplier.__table__, _SUPPLIER.id == _C.supplier_id).outerjoin(
                Department.__table__, _DEPARTMENT.id == _C.department_id
            )
        )
        .where(_C.organisation_id == organisation_id)
        .order_by(_C.end_date, _C.reference)
    )
    ids = None if contract_ids is None else list(contract_ids)
    if ids is not None:
        stmt = stmt.where(_C.id.in_(ids))
    connection = session.connection()
    rows = connection.execute(stmt).all()
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
    with_lots: set[str] = set(connection.execute(lots.distinct()).scalars())
    deltas: dict[str, Decimal] = dict(connection.execute(sums).all())
    insee, postcode = connection.execute(
        select(Organisation.insee_code, Organisation.postcode).where(Organisation.id == organisation_id)
    ).one()
    unknown_size, no_social = facts_rules.SupplierSize.UNKNOWN, facts_rules.SocialEconomyStatus.NONE
    a = _AT
    out = []
    append = out.append
    for row in rows:
        key = row[a["id"]]
        family_id = row[a["family_id"]]
        append(
            ContractRecord(
                id=as_uuid(key),
                reference=row[a["reference"]],
                object=row[a["object"]],
                nature=row[a["nature"]],
                procedure=row[a["procedure"]],
                status=row[a["status"]],
                cpv_code=row[a["cpv_code"]],
                estimated_amount=row[a["estimated_amount"]],
                notified_amount=row[a["notified_amount"]],
                is_framework=bool(row[a["is_framework"]]),
                max_amount=row[a["max_amount"]],
                amendments_delta=deltas.get(key),
                notification_date=as_date(row[a["notification_date"]]),
                publication_date=as_date(row[a["publication_date"]]),
                start_date=as_date(row[a["start_date"]]),
                end_date=as_date(row[a["end_date"]]),
                duration_months=row[a["duration_months"]],
                recurrent=row[a["recurrent"]],
                renewable=row[a["renewable"]],
                place_code=row[a["place_code"]],
                place_type=row[a["place_type"]],
                price_types=tuple(as_json(row[a["price_types"]]) or ()),
                advance_granted=bool(row[a["advance_granted"]]),
                advance_rate=row[a["advance_rate"]],
                social_considerations=tuple(as_json(row[a["social_considerations"]]) or ()),
                environmental_considerations=tuple(as_json(row[a["environmental_considerations"]]) or ()),
                has_lots=key in with_lots,
                supplier_name=row[-5],
                supplier_siret=row[-4],
                supplier_size=row[-3] or unknown_size,
                supplier_social_economy=row[-2] or no_social,
                department=row[-1],
                family=families.get(family_id) if family_id else None,
                organisation_insee_code=insee,
                organisation_postcode=postcode,
                fact_sources=as_json(row[a["fact_sources"]]) or {},
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
