"""Reading what the exports write: the register, the orders and the suppliers in the import
templates' columns, and the contracts in DECP order."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.io.templates import template
from app.model import Contract, DeliverySite, Department, Order, PurchaseFamily, Supplier


def table_rows(session: Session, kind: str, organisation_id: uuid.UUID) -> list[dict]:
    """The rows of an export of ``kind`` (contracts, orders or suppliers), keyed by the template's columns."""
    if kind == "contracts":
        dep, fam, sup = aliased(Department), aliased(PurchaseFamily), aliased(Supplier)
        stmt = (
            select(Contract, dep.name, fam.label, sup.name, sup.siret)
            .outerjoin(dep, dep.id == Contract.department_id)
            .outerjoin(fam, fam.id == Contract.family_id)
            .outerjoin(sup, sup.id == Contract.supplier_id)
            .where(Contract.organisation_id == organisation_id)
            .order_by(Contract.reference)
        )
        out = []
        for c, dep_name, fam_label, sup_name, sup_siret in session.execute(stmt):
            values = {col.key: getattr(c, col.key, None) for col in template("contracts").columns}
            values |= {
                "department": dep_name,
                "family": fam_label,
                "supplier": sup_name,
                "supplier_siret": sup_siret,
            }
            out.append(values)
        return out
    if kind == "orders":
        o = Order.__table__.c
        dep, fam, sup, con, site = (
            aliased(Department),
            aliased(PurchaseFamily),
            aliased(Supplier),
            aliased(Contract),
            aliased(DeliverySite),
        )
        stmt = (
            select(
                o.number,
                o.order_date,
                dep.name,
                sup.name,
                sup.siret,
                con.reference,
                fam.label,
                o.amount,
                o.weight_kg,
                site.name,
                o.latest_delivery_date,
                o.description,
            )
            .select_from(Order.__table__)
            .outerjoin(dep, dep.id == o.department_id)
            .outerjoin(fam, fam.id == o.family_id)
            .outerjoin(sup, sup.id == o.supplier_id)
            .outerjoin(con, con.id == o.contract_id)
            .outerjoin(site, site.id == o.delivery_site_id)
            .where(o.organisation_id == organisation_id)
            .order_by(o.order_date, o.number)
        )
        keys = [c.key for c in template("orders").columns]
        return [dict(zip(keys, row, strict=True)) for row in session.execute(stmt)]
    if kind == "suppliers":
        keys = [c.key for c in template("suppliers").columns]
        return [
            {k: getattr(s, k) for k in keys}
            for s in session.scalars(select(Supplier).order_by(Supplier.normalized_name))
        ]
    raise ValueError(kind)


def contracts_by_notification(session: Session, organisation_id: uuid.UUID) -> list[Contract]:
    """The organisation's contracts by notification date, then reference (the DECP export's order)."""
    return list(
        session.scalars(
            select(Contract)
            .where(Contract.organisation_id == organisation_id)
            .order_by(Contract.notification_date, Contract.reference)
        )
    )
