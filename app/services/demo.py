"""The demo database: two fictional neighbouring towns, deterministic from a seed.

Everything derives from ``DEMO_SEED`` and ``DEMO_TODAY`` (ids, dates, amounts, timestamps), so that
the committed ``sample_db/demo.sqlite`` can be checked against what this module writes.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from app.enums import (
    Ccag,
    ContractStatus,
    OrganisationKind,
    PriceForm,
    Procedure,
    PurchaseNature,
    SocialEconomyStatus,
    SupplierSize,
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
    Supplier,
)
from app.rules import calendar as cal
from app.rules.values import with_luhn_key
from app.services.organisations import seed_defaults
from app.services.text import normalize_name
from app.storage.database import Database, create_database

DEMO_SEED = 20261101
DEMO_TODAY = dt.date(2026, 11, 1)
STAMP = dt.datetime(2026, 11, 1, 8, 0, 0)


@dataclass(frozen=True)
class FamilySpec:
    code: str
    label: str
    cpv: str
    nature: PurchaseNature
    amount_range: tuple[int, int]  # yearly amount of the contract, euros HT
    orders_per_year: int  # per department placing orders; 0 = no order forms
    order_amount: tuple[int, int]
    weight_per_euro: float  # kg per euro HT of goods (0 for services)
    grouping_eligible: bool = True
    fair_trade: bool = False
    agec: str | None = None
    ordering_departments: int = 3


FAMILIES = (
    FamilySpec(
        "FOUR-BUR",
        "Fournitures de bureau",
        "30192000-1",
        PurchaseNature.SUPPLIES,
        (8_000, 30_000),
        14,
        (40, 600),
        0.35,
        agec="Fournitures de bureau",
        ordering_departments=5,
    ),
    FamilySpec(
        "PAPIER",
        "Papier et ramettes",
        "30197630-1",
        PurchaseNature.SUPPLIES,
        (5_000, 18_000),
        8,
        (60, 900),
        0.9,
        agec="Papier",
        ordering_departments=4,
    ),
    FamilySpec(
        "PROD-ENT",
        "Produits d'entretien",
        "39830000-9",
        PurchaseNature.SUPPLIES,
        (10_000, 45_000),
        12,
        (50, 800),
        0.6,
        ordering_departments=4,
    ),
    FamilySpec(
        "EPI",
        "Équipements de protection individuelle",
        "18143000-3",
        PurchaseNature.SUPPLIES,
        (6_000, 25_000),
        6,
        (80, 1_200),
        0.2,
        ordering_departments=3,
    ),
    FamilySpec(
        "FOUR-SCO",
        "Fournitures scolaires",
        "22100000-1",
        PurchaseNature.SUPPLIES,
        (6_000, 22_000),
        9,
        (60, 700),
        0.5,
        agec="Fournitures scolaires",
        ordering_departments=2,
    ),
    FamilySpec(
        "INFO",
        "Matériel informatique",
        "30200000-1",
        PurchaseNature.SUPPLIES,
        (20_000, 120_000),
        4,
        (300, 4_000),
        0.02,
        agec="Équipements informatiques",
        ordering_departments=3,
    ),
    FamilySpec(
        "MOB",
        "Mobilier",
        "39100000-3",
        PurchaseNature.SUPPLIES,
        (10_000, 60_000),
        2,
        (400, 5_000),
        0.08,
        agec="Mobilier",
        ordering_departments=3,
    ),
    FamilySpec(
        "SEL",
        "Sel de déneigement",
        "34927100-2",
        PurchaseNature.SUPPLIES,
        (4_000, 15_000),
        3,
        (500, 2_500),
        4.0,
        ordering_departments=1,
    ),
    FamilySpec(
        "CARB",
        "Carburants",
        "09134100-8",
        PurchaseNature.SUPPLIES,
        (15_000, 80_000),
        10,
        (200, 1_500),
        0.0,
        grouping_eligible=False,
        ordering_departments=2,
    ),
    FamilySpec(
        "REST-SCO",
        "Restauration scolaire",
        "55523100-3",
        PurchaseNature.SERVICES,
        (90_000, 400_000),
        0,
        (0, 0),
        0.0,
        fair_trade=True,
    ),
    FamilySpec(
        "ESP-VERTS",
        "Entretien des espaces verts",
        "77310000-6",
        PurchaseNature.SERVICES,
        (20_000, 120_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "NETT",
        "Nettoyage des locaux",
        "90910000-9",
        PurchaseNature.SERVICES,
        (25_000, 150_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "ELEC",
        "Fourniture d'électricité",
        "09310000-5",
        PurchaseNature.SUPPLIES,
        (40_000, 250_000),
        0,
        (0, 0),
        0.0,
        grouping_eligible=False,
    ),
    FamilySpec(
        "VOIRIE", "Travaux de voirie", "45233141-9", PurchaseNature.WORKS, (60_000, 900_000), 0, (0, 0), 0.0
    ),
    FamilySpec(
        "BAT",
        "Entretien des bâtiments",
        "45453000-7",
        PurchaseNature.WORKS,
        (30_000, 300_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "PROMO",
        "Objets promotionnels et cadeaux",
        "39294100-0",
        PurchaseNature.SUPPLIES,
        (3_000, 12_000),
        3,
        (100, 900),
        0.3,
        fair_trade=True,
        ordering_departments=2,
    ),
)

OBJECTS = {
    "FOUR-BUR": "Fourniture de petits matériels et consommables de bureau",
    "PAPIER": "Fourniture de papier de reprographie",
    "PROD-ENT": "Fourniture de produits d'entretien et d'hygiène",
    "EPI": "Fourniture d'équipements de protection individuelle pour les agents",
    "FOUR-SCO": "Achat de fournitures scolaires pour les écoles",
    "INFO": "Acquisition de postes informatiques et périphériques",
    "MOB": "Fourniture de mobilier scolaire et de bureau",
    "SEL": "Fourniture de sel de déneigement",
    "CARB": "Fourniture de carburants pour les véhicules municipaux",
    "REST-SCO": "Préparation et livraison de repas pour la restauration scolaire",
    "ESP-VERTS": "Entretien des espaces verts et des cimetières",
    "NETT": "Nettoyage des bâtiments communaux",
    "ELEC": "Fourniture d'électricité des bâtiments et de l'éclairage public",
    "VOIRIE": "Travaux d'entretien et de réfection de la voirie communale",
    "BAT": "Travaux d'entretien des bâtiments communaux",
    "PROMO": "Fourniture d'objets promotionnels et de cadeaux protocolaires",
}

SUPPLIERS = (
    # name, size, social economy, postcode, commune, families served
    (
        "Bureau Plus Comtois",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "25000",
        "Besançon",
        ("FOUR-BUR", "PAPIER", "FOUR-SCO"),
    ),
    (
        "Lyreco France",
        SupplierSize.GE,
        SocialEconomyStatus.NONE,
        "59300",
        "Valenciennes",
        ("FOUR-BUR", "PAPIER", "EPI"),
    ),
    (
        "Papeterie du Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.NONE,
        "25300",
        "Pontarlier",
        ("PAPIER", "FOUR-SCO"),
    ),
    (
        "Atelier Solidaire Loue",
        SupplierSize.TPE,
        SocialEconomyStatus.ESAT,
        "25290",
        "Ornans",
        ("FOUR-BUR", "PROMO", "ESP-VERTS"),
    ),
    ("Hygiène Service Est", SupplierSize.PME, SocialEconomyStatus.NONE, "39100", "Dole", ("PROD-ENT",)),
    (
        "Propreté Insertion Jura",
        SupplierSize.PME,
        SocialEconomyStatus.SIAE,
        "39000",
        "Lons-le-Saunier",
        ("NETT", "PROD-ENT"),
    ),
    ("Net'Services", SupplierSize.ETI, SocialEconomyStatus.NONE, "21000", "Dijon", ("NETT",)),
    ("Protec Travail", SupplierSize.PME, SocialEconomyStatus.NONE, "70000", "Vesoul", ("EPI",)),
    (
        "Manutan Collectivités",
        SupplierSize.GE,
        SocialEconomyStatus.NONE,
        "95500",
        "Gonesse",
        ("MOB", "EPI", "FOUR-SCO"),
    ),
    (
        "Mobilier Bois du Haut-Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.NONE,
        "25650",
        "Montbenoît",
        ("MOB",),
    ),
    ("Infogest Franche-Comté", SupplierSize.PME, SocialEconomyStatus.NONE, "25000", "Besançon", ("INFO",)),
    ("Ordi Réemploi Solidaire", SupplierSize.TPE, SocialEconomyStatus.EA, "25200", "Montbéliard", ("INFO",)),
    ("Salins du Midi Distribution", SupplierSize.GE, SocialEconomyStatus.NONE, "13200", "Arles", ("SEL",)),
    ("Négoce Agricole Loue", SupplierSize.PME, SocialEconomyStatus.NONE, "25290", "Ornans", ("SEL", "CARB")),
    ("Carburants de l'Est", SupplierSize.ETI, SocialEconomyStatus.NONE, "67000", "Strasbourg", ("CARB",)),
    (
        "Cuisine Centrale du Val",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "25000",
        "Besançon",
        ("REST-SCO",),
    ),
    (
        "Restauration Collective Bio Comté",
        SupplierSize.PME,
        SocialEconomyStatus.ESS,
        "25410",
        "Saint-Vit",
        ("REST-SCO",),
    ),
    (
        "Jardins de Cocagne du Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.SIAE,
        "25000",
        "Besançon",
        ("ESP-VERTS",),
    ),
    ("Paysages Montagnon", SupplierSize.TPE, SocialEconomyStatus.NONE, "25620", "Mamirolle", ("ESP-VERTS",)),
    ("Énergies Publiques", SupplierSize.GE, SocialEconomyStatus.NONE, "75008", "Paris", ("ELEC",)),
    (
        "Coopérative Énergie Citoyenne",
        SupplierSize.PME,
        SocialEconomyStatus.ESS,
        "39000",
        "Lons-le-Saunier",
        ("ELEC",),
    ),
    ("Routes et TP Comtois", SupplierSize.ETI, SocialEconomyStatus.NONE, "25000", "Besançon", ("VOIRIE",)),
    ("Colas Est", SupplierSize.GE, SocialEconomyStatus.NONE, "54000", "Nancy", ("VOIRIE",)),
    ("Maçonnerie Vuillemin", SupplierSize.TPE, SocialEconomyStatus.NONE, "25290", "Ornans", ("BAT",)),
    ("Bâtiment Rénovation Loue", SupplierSize.PME, SocialEconomyStatus.NONE, "25620", "Mamirolle", ("BAT",)),
    ("Cadeaux Terroir Comtois", SupplierSize.TPE, SocialEconomyStatus.NONE, "25290", "Ornans", ("PROMO",)),
    (
        "Équipement Collectivités Jura",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "39100",
        "Dole",
        ("EPI", "PROD-ENT"),
    ),
    (
        "Fournitures Éducatives Bourgogne",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "21000",
        "Dijon",
        ("FOUR-SCO",),
    ),
)

TOWNS = (
    {
        "name": "Commune de Val-des-Saules",
        "siren_prefix": "2125011",
        "insee": "25901",
        "postcode": "25290",
        "commune": "Val-des-Saules",
        "population": 3120,
        "departments": (
            "Administration générale",
            "Services techniques",
            "Écoles",
            "Restauration scolaire",
            "Espaces verts",
            "Culture et sports",
        ),
        "sites": (
            ("Mairie", True),
            ("Centre technique municipal", False),
            ("Groupe scolaire Pasteur", False),
        ),
        "contracts": 44,
        "prefix": "VDS",
    },
    {
        "name": "Commune de Montclair-sur-Loue",
        "siren_prefix": "2125038",
        "insee": "25938",
        "postcode": "25290",
        "commune": "Montclair-sur-Loue",
        "population": 905,
        "departments": ("Secrétariat de mairie", "Services techniques", "École", "Cantine"),
        "sites": (("Mairie", False), ("Atelier municipal", False), ("École du village", False)),
        "contracts": 40,
        "prefix": "MSL",
    },
)


class _Ids:
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


def build_demo(db: Database, *, today: dt.date = DEMO_TODAY, seed: int = DEMO_SEED) -> None:
    """Fill an empty database with the demo data."""
    rng = random.Random(seed)
    new_id = _Ids(rng)
    stamps = {"created_at": STAMP, "updated_at": STAMP}
    with db.session() as session:
        seed_defaults(session, created_at=STAMP)
        suppliers: dict[str, list[Supplier]] = {}
        for index, (name, size, ess, postcode, commune, families) in enumerate(SUPPLIERS):
            supplier = Supplier(
                id=new_id(),
                name=name,
                normalized_name=normalize_name(name),
                siret=with_luhn_key(f"8{index:02d}{rng.randint(100000, 999999)}0001"),
                size=size,
                social_economy=ess,
                postcode=postcode,
                commune=commune,
                distance_km=float(rng.choice((5, 12, 18, 35, 60, 120))) if index % 3 else None,
                **stamps,
            )
            session.add(supplier)
            for family in families:
                suppliers.setdefault(family, []).append(supplier)
        session.flush()

        for town in TOWNS:
            _build_town(session, town, suppliers, rng, new_id, today, stamps)
    from app.services.committee import add_demo_committees  # CAD of last year, assessments

    add_demo_committees(db, today=today, stamp=STAMP)
    from app.services.clauses import add_demo_checklists  # clause checklists

    add_demo_checklists(db, today=today, stamp=STAMP)
    add_demo_insertion_hours(db, today=today, stamp=STAMP)


def add_demo_insertion_hours(db: Database, *, today: dt.date, stamp: dt.datetime) -> None:
    """Hours of insertion as a PLIE reports them, each year of execution, on the works and services
    with a social clause or a retained insertion clause. Every other contract has no figure yet for
    the current year, so the dashboard shows some hours « à compléter ». Deterministic: figures
    and ids derive from the reference and the year."""
    import zlib

    from sqlalchemy import select

    from app.enums import ChecklistStatus
    from app.model import Clause, ContractClause, InsertionHours

    namespace = uuid.UUID("6f1c2b1e-8a61-4c8e-9d51-3f0c1a2b4d00")
    with db.session() as session:
        with_clause = select(ContractClause.contract_id).join(Clause, Clause.id == ContractClause.clause_id)
        with_clause = with_clause.where(
            Clause.code.in_(("insertion-clause", "insertion-criterion")),
            ContractClause.status.in_((ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER)),
        )
        inserting = set(session.scalars(with_clause))
        contracts = [
            (contract_id, reference, start, end)
            for contract_id, reference, start, end, nature, social in session.execute(
                select(
                    Contract.id,
                    Contract.reference,
                    Contract.start_date,
                    Contract.end_date,
                    Contract.nature,
                    Contract.social_considerations,
                ).order_by(Contract.reference)
            )  # fmt: skip
            if contract_id in inserting
            or (
                nature in (PurchaseNature.WORKS, PurchaseNature.SERVICES)
                and "Clause sociale" in (social or [])
            )
        ]
        rows = []
        for index, (contract_id, reference, start, end) in enumerate(contracts):
            if start is None or start.year > today.year:
                continue
            last = min(end.year if end else today.year, today.year - (index % 2))
            for year in range(start.year, last + 1):
                hours = Decimal(35 * (1 + zlib.crc32(f"{reference}/{year}".encode()) % 20))
                rows.append(
                    {
                        "id": uuid.uuid5(namespace, f"{reference}/{year}"),
                        "contract_id": contract_id,
                        "year": year,
                        "hours": hours,
                        "source": f"Bilan du PLIE {year}",
                        "created_at": stamp,
                        "updated_at": stamp,
                        "version": 1,
                    }
                )
        if rows:
            session.execute(insert(InsertionHours), rows)


def _build_town(session, town, suppliers, rng, new_id, today, stamps) -> None:  # noqa: ANN001, PLR0913
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


def write_demo(path: Path, *, overwrite: bool = True) -> Path:
    """Create ``path`` and fill it with the demo data."""
    db = create_database(path, overwrite=overwrite)
    try:
        build_demo(db)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")  # compact, deterministic page layout
    except BaseException:
        db.dispose()
        Path(path).unlink(missing_ok=True)
        raise
    db.dispose()
    return Path(path)


def demo_copy() -> Path:
    """A copy of the bundled demo in the user's data folder (the bundled file stays pristine)."""
    import shutil

    from app.paths import demo_database, user_data_dir
    from app.storage.database import building_aside

    target = user_data_dir() / "demo-achats-durables.sqlite"
    if not target.exists():
        # Copied or written aside, then renamed: a crash never leaves a half-made demo to open.
        source = demo_database()
        with building_aside(target) as aside:
            if source.exists():
                shutil.copyfile(source, aside)
            else:
                write_demo(aside)
    return target
