"""The year's purchases in an AGEC product category (for the yearly AGEC declaration)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.model import Contract, Order, PurchaseFamily
from app.rules.agec_declaration import Spending


def agec_spending(session: Session, organisation_id: uuid.UUID, year: int) -> list[Spending]:
    """Orders of ``year`` whose purchase family (the order's, else its contract's) has an AGEC
    category, with that category, the family's label and the amount HT."""
    own = aliased(PurchaseFamily)
    of_contract = aliased(PurchaseFamily)
    category = func.coalesce(own.agec_category, of_contract.agec_category)
    rows = session.execute(
        select(category, func.coalesce(own.label, of_contract.label), Order.amount)
        .select_from(Order)
        .outerjoin(own, own.id == Order.family_id)
        .outerjoin(Contract, Contract.id == Order.contract_id)
        .outerjoin(of_contract, and_(of_contract.id == Contract.family_id, Order.family_id.is_(None)))
        .where(
            Order.organisation_id == organisation_id,
            Order.order_date >= dt.date(year, 1, 1),
            Order.order_date <= dt.date(year, 12, 31),
            category.is_not(None),
            category != "",
        )
    )
    return [Spending(agec, family or "", amount) for agec, family, amount in rows]
