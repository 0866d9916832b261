"""The yearly AGEC declaration (loi AGEC art. 58, décret 2024-134, arrêté du 13 janvier 2025): the
year's spending HT per product category, with the minimum shares of the décret (pure).

Per category the buyer declares: the calendar year, its SIRET and name, the total relevant spending
HT, and of it the amounts from reuse or re-employment, from donations, and with recycled material,
on data.gouv.fr within six months after the year (by 30 June). The application knows the spending
from the orders' purchase families; it does not know which purchases were reused or recycled, so
those amounts are left « à compléter » and never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.rules.clauses import agec_rates
from app.rules.dated_settings import Settings
from app.rules.settings_catalogue import catalogue

SOURCE = (
    "Loi n° 2020-105 (AGEC), art. 58 ; décret n° 2024-134 du 21 février 2024 ; arrêté du 13 janvier 2025 "
    "(contenu de la déclaration, d'après une source secondaire : texte de l'arrêté non vu)"
)
# The columns of the declaration, in the order the arrêté lists them (names chosen here: the exact
# headings of the data.gouv.fr file were not verified).
CSV_HEADERS = (
    "Année",
    "SIRET de l'acheteur",
    "Nom de l'acheteur",
    "Catégorie de produits (décret 2024-134)",
    "Montant total HT",
    "dont réemploi ou réutilisation HT",
    "dont dons HT",
    "dont matières recyclées HT",
    "Part minimale réemploi",
    "Part minimale matières recyclées",
    "Montant minimal réemploi HT",
    "Montant minimal matières recyclées HT",
    "Taux à vérifier",
    "Familles d'achat",
    "Nombre de commandes",
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Spending:
    """One purchase of the year: its family's AGEC category, the family and the amount HT."""

    agec_category: str
    family: str
    amount: Decimal


@dataclass(frozen=True)
class AgecLine:
    category: str  # the décret's category name, or the family's own wording when not found
    in_decree: bool  # False: the family names a category the catalogue does not know (à vérifier)
    families: tuple[str, ...]
    orders: int
    total_ht: Decimal
    reuse_rate: Decimal | None
    recycled_rate: Decimal | None
    to_verify: bool
    reuse_ht: Decimal | None = None  # à compléter: the app does not know which purchases were reused
    donations_ht: Decimal | None = None
    recycled_ht: Decimal | None = None

    @property
    def reuse_min_ht(self) -> Decimal | None:
        return _share(self.total_ht, self.reuse_rate)

    @property
    def recycled_min_ht(self) -> Decimal | None:
        return _share(self.total_ht, self.recycled_rate)


def _share(total: Decimal, rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (total * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AgecDeclaration:
    year: int
    siret: str | None
    buyer: str
    lines: tuple[AgecLine, ...]
    deadline: dt.date
    source: str = SOURCE

    @property
    def total_ht(self) -> Decimal:
        return sum((line.total_ht for line in self.lines), Decimal(0))

    def rows(self) -> list[tuple]:
        """The CSV rows, in ``CSV_HEADERS`` order (unknown amounts left empty)."""
        return [
            (
                self.year,
                self.siret,
                self.buyer,
                line.category,
                line.total_ht,
                line.reuse_ht,
                line.donations_ht,
                line.recycled_ht,
                line.reuse_rate,
                line.recycled_rate,
                line.reuse_min_ht,
                line.recycled_min_ht,
                line.to_verify,
                ", ".join(line.families),
                line.orders,
            )
            for line in self.lines
        ]

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "siret": self.siret,
            "buyer": self.buyer,
            "deadline": self.deadline.isoformat(),
            "total_ht": str(self.total_ht),
            "source": self.source,
            "lines": [
                {
                    "category": line.category,
                    "in_decree": line.in_decree,
                    "families": list(line.families),
                    "orders": line.orders,
                    "total_ht": str(line.total_ht),
                    "reuse_ht": None if line.reuse_ht is None else str(line.reuse_ht),
                    "donations_ht": None if line.donations_ht is None else str(line.donations_ht),
                    "recycled_ht": None if line.recycled_ht is None else str(line.recycled_ht),
                    "reuse_min_rate": None if line.reuse_rate is None else str(line.reuse_rate),
                    "recycled_min_rate": None if line.recycled_rate is None else str(line.recycled_rate),
                    "reuse_min_ht": None if line.reuse_min_ht is None else str(line.reuse_min_ht),
                    "recycled_min_ht": None if line.recycled_min_ht is None else str(line.recycled_min_ht),
                    "to_verify": line.to_verify,
                }
                for line in self.lines
            ],
        }


def declaration(
    year: int, siret: str | None, buyer: str, spending: Iterable[Spending], settings: Settings
) -> AgecDeclaration:
    """The declaration of ``year`` from the year's purchases in an AGEC category. The minimum shares
    are those in force on 31 December of the year."""
    shipped = catalogue()
    on = dt.date(year, 12, 31)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    families: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    names: dict[str, tuple[str, bool]] = {}
    for item in spending:
        category = shipped.agec_category(item.agec_category)
        key = category.slug if category else f"?{item.agec_category.strip().lower()}"
        names.setdefault(key, (category.name, True) if category else (item.agec_category.strip(), False))
        totals[key] += item.amount
        families[key].add(item.family)
        counts[key] += 1
    lines = []
    for key, (name, in_decree) in names.items():
        rates = agec_rates(settings, name, on) if in_decree else {}
        reuse, recycled = rates.get("reuse"), rates.get("recycled")
        lines.append(
            AgecLine(
                category=name,
                in_decree=in_decree,
                families=tuple(sorted(families[key])),
                orders=counts[key],
                total_ht=totals[key].quantize(CENT),
                reuse_rate=reuse.rate if reuse else None,
                recycled_rate=recycled.rate if recycled else None,
                to_verify=(not in_decree) or any(r.to_verify for r in rates.values()) or not rates,
            )
        )
    lines.sort(key=lambda line: (not line.in_decree, line.category))
    return AgecDeclaration(year, siret, buyer, tuple(lines), dt.date(year + 1, 6, 30))
