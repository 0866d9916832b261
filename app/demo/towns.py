"""The demo's towns: organisation, departments, delivery sites, purchase families, contracts (with lots
and amendments) and two years of orders, drawn from the catalogue with the demo's random generator."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from sqlalchemy import insert

from app.demo.catalogue import FAMILIES, OBJECTS, STAMP, FamilySpec
from app.enums import (
    Ccag,
    ContractStatus,
    OrganisationKind,
    PriceForm,
    Procedure,
    PurchaseNature,
)
from app.model import (
    Amendment,
    Contract,
    DeliverySite,
    Department,
    Lot,
    Order,
    Organisation,
    PurchaseFamily,
)
from app.rules import calendar as cal
from app.rules.values import with_luhn_key


class SeededIds:
    """Ids drawn from the demo's random generator (the same file at every build)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


def _shifted(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, on the 28th at the latest (the demo's dates stay valid)."""
    return cal.add_months(day.replace(day=min(day.day, 28)), months)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _procedure(amount: Decimal, nature: PurchaseNature) -> Procedure:
    eu = 5_404_000 if nature is PurchaseNature.WORKS else 216_000
    if amount >= eu:
        return Procedure.OPEN_TENDER
    if amount < (100_000 if nature is PurchaseNature.WORKS else 40_000):
        return Procedure.NO_PUBLICITY
    return Procedure.ADAPTED


def build_town(session, town, suppliers, rng, new_id, today, stamps) -> None:  # noqa: ANN001, PLR0913
    org = Organisation(
        id=new_id(),
        name=town["name"],
        siret=with_luhn_key(f"{town['siren_prefix']}{rng.randint(10, 99)}0001"),
        insee_code=town["insee"],
        kind=OrganisationKind.COMMUNE,
        population=town["population"],
        postcode=town["postcode"],
        commune=town["commune"],
        **stamps,
    )
    session.add(org)
    session.flush()  # no relationship orders these inserts: the organisation must exist first
    departments = [
        Department(id=new_id(), organisation_id=org.id, name=n, **stamps) for n in town["departments"]
    ]
    sites = [
        DeliverySite(
            id=new_id(),
            organisation_id=org.id,
            name=n,
            is_central=central,
            postcode=town["postcode"],
            commune=town["commune"],
            **stamps,
        )
        for n, central in town["sites"]
    ]
    families = {
        spec.code: PurchaseFamily(
            id=new_id(),
            organisation_id=org.id,
            code=spec.code,
            label=spec.label,
            cpv_codes=[spec.cpv],
            grouping_eligible=spec.grouping_eligible,
            max_delay_days=rng.choice((7, 14, 21)),
            fair_trade_relevant=spec.fair_trade,
            agec_category=spec.agec,
            **stamps,
        )
        for spec in FAMILIES
    }
    session.add_all(departments + sites + list(families.values()))
    session.flush()

    specs = list(FAMILIES)
    contracts: list[tuple[Contract, FamilySpec]] = []
    for number in range(town["contracts"]):
        spec = specs[number % len(specs)]
        supplier = rng.choice(suppliers[spec.code])
        duration = rng.choice((12, 24, 36, 48))
        # End dates spread over the next four years; some already ended last year.
        months_left = rng.randint(-10, 48)
        end = _shifted(today, months_left)
        # Every contract of the register has started: a long remaining time means a long contract.
        while duration <= months_left:
            duration += 12
        start = _shifted(end, -duration) + dt.timedelta(days=1)
        yearly = _money(rng, *spec.amount_range)
        if town["population"] < 1000:
            yearly = (yearly * Decimal("0.45")).quantize(Decimal("0.01"))
        total = (yearly * duration / 12).quantize(Decimal("0.01"))
        procedure = _procedure(total, spec.nature)
        framework = spec.orders_per_year > 0
        contract = Contract(
            id=new_id(),
            organisation_id=org.id,
            department_id=rng.choice(departments).id,
            family_id=families[spec.code].id,
            supplier_id=supplier.id,
            reference=f"{town['prefix']}-{start.year}-{number + 1:03d}",
            object=OBJECTS[spec.code],
            nature=spec.nature,
            procedure=procedure,
            status=ContractStatus.ENDED if end < today else ContractStatus.ACTIVE,
            cpv_code=spec.cpv,
            estimated_amount=(total * Decimal("1.05")).quantize(Decimal("0.01")),
            notified_amount=total,
            is_framework=framework,
            max_amount=(total * Decimal("1.2")).quantize(Decimal("0.01")) if framework else None,
            notification_date=start - dt.timedelta(days=rng.randint(10, 40)),
            start_date=start,
            end_date=end,
            duration_months=duration,
            renewable=rng.random() < 0.4,
            renewals_max=rng.choice((1, 2, 3)) if rng.random() < 0.4 else None,
            recurrent=spec.code not in ("VOIRIE", "INFO") or rng.random() < 0.3,
            notice_months=rng.choice((2, 3, 4)),
            place_code=town["postcode"],
            place_type="Code postal",
            price_form=PriceForm.UNIT if framework else PriceForm.LUMP_SUM,
            price_types=["Définitif révisable"] if duration > 12 else ["Définitif ferme"],
            techniques=["Accord-cadre"] if framework else ["Sans objet"],
            execution_modes=["Bons de commande"] if framework else ["Sans objet"],
            ccag={
                PurchaseNature.WORKS: Ccag.WORKS,
                PurchaseNature.SUPPLIES: Ccag.SUPPLIES_SERVICES,
                PurchaseNature.SERVICES: Ccag.SUPPLIES_SERVICES,
            }[spec.nature],
            offers_received=rng.randint(1, 6),
            advance_granted=total > 50_000 and rng.random() < 0.7,
            social_considerations=["Clause sociale"]
            if rng.random() < 0.25
            else ["Pas de considération sociale"],
            environmental_considerations=(
                ["Critère environnemental"]
                if rng.random() < 0.35
                else ["Pas de considération environnementale"]
            ),
            **stamps,
        )
        if spec.nature is PurchaseNature.WORKS and rng.random() < 0.6:
            contract.lots = [
                Lot(
                    id=new_id(),
                    number=i + 1,
                    title=title,
                    amount=(total / 3).quantize(Decimal("0.01")),
                    supplier_id=supplier.id,
                    **stamps,
                )
                for i, title in enumerate(("Gros œuvre", "Second œuvre", "Réseaux"))
            ]
        if rng.random() < 0.15:
            contract.amendments = [
                Amendment(
                    id=new_id(),
                    number=1,
                    signed_on=start + dt.timedelta(days=rng.randint(60, 300)),
                    amount_delta=(total * Decimal("0.08")).quantize(Decimal("0.01")),
                    object="Ajustement des quantités",
                    **stamps,
                )
            ]
        session.add(contract)
        contracts.append((contract, spec))
    session.flush()
    _build_orders(session, org, departments, sites, families, contracts, rng, new_id, today)


def _build_orders(session, org, departments, sites, families, contracts, rng, new_id, today) -> None:  # noqa: ANN001, PLR0913
    """Orders since January two years ago: many small orders from several departments to the same suppliers."""
    # Two full calendar years and the current one so far: the census compares whole years.
    period_start = dt.date(today.year - 2, 1, 1)
    days = (today - period_start).days
    rows: list[dict] = []
    counter = 0
    scale = 1.0 if org.population > 1000 else 0.6
    for contract, spec in contracts:
        if spec.orders_per_year == 0:
            continue
        ordering = rng.sample(departments, min(spec.ordering_departments, len(departments)))
        for department in ordering:
            site = sites[0] if department is ordering[0] else rng.choice(sites)
            count = max(1, int(spec.orders_per_year * 3 * scale * rng.uniform(0.7, 1.3)))
            for _ in range(count):
                order_date = period_start + dt.timedelta(days=rng.randrange(days))
                # Outside the contract's period the purchase is made in the family, without contract.
                in_contract = contract.start_date <= order_date <= contract.end_date
                amount = _money(rng, *spec.order_amount)
                weight = (amount * Decimal(str(spec.weight_per_euro))).quantize(Decimal("0.001"))
                counter += 1
                rows.append(
                    {
                        "id": new_id(),
                        "organisation_id": org.id,
                        "department_id": department.id,
                        "number": f"BC-{org.insee_code}-{order_date.year}-{counter:05d}",
                        "order_date": order_date,
                        "latest_delivery_date": (
                            order_date + dt.timedelta(days=rng.randint(5, 30)) if rng.random() < 0.5 else None
                        ),
                        "supplier_id": contract.supplier_id,
                        "contract_id": contract.id if in_contract else None,
                        "family_id": families[spec.code].id,
                        "amount": amount,
                        "weight_kg": weight if spec.weight_per_euro else None,
                        "delivery_site_id": site.id,
                        "description": spec.label,
                        "created_at": STAMP,
                        "updated_at": STAMP,
                        "version": 1,
                    }
                )
    if rows:
        session.execute(insert(Order), rows)
