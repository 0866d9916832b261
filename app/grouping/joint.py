"""Joint purchasing between organisations (groupements de commandes).

Contracts of *different* organisations that buy the same thing — same purchase-family label, or
else the same CPV group (the first digits of the CPV code) — and end within twelve months of each
other can be renewed as one joint contract. Each proposal names a coordinator (the member with the
largest volume), the combined amount, and the procedure thresholds the combined amount crosses:
buying together can change the procedure the buyer must follow, a legal consequence to see first.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.rules.calendar import add_months

# What crossing each threshold setting means for the procedure (keys of ``threshold.*`` settings).
CONSEQUENCES = {
    "threshold.no_publicity": "publicité et mise en concurrence obligatoires (fin du marché sans publicité)",
    "threshold.publicity_boamp": "avis de publicité au BOAMP ou dans un journal d'annonces légales",
    "threshold.eu": "procédure formalisée (appel d'offres) et publicité au JOUE",
}


@dataclass(frozen=True)
class JointContract:
    id: Hashable
    organisation: Hashable
    organisation_name: str
    reference: str
    object: str
    family_label: str | None
    cpv_code: str | None
    end_date: dt.date
    amount: Decimal
    works: bool = False


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str
    amount: Decimal
    applies_to: str = "all"  # "works", "supplies_services" or "all"

    @property
    def consequence(self) -> str:
        for prefix, text in CONSEQUENCES.items():
            if self.key.startswith(prefix):
                return text
        return self.label


@dataclass(frozen=True)
class Member:
    organisation: Hashable
    name: str
    volume: Decimal
    contracts: tuple[JointContract, ...]


@dataclass(frozen=True)
class JointProposal:
    basis: str  # "family" or "cpv"
    basis_value: str
    label: str
    members: tuple[Member, ...]  # largest volume first: members[0] is the coordinator
    first_end: dt.date
    last_end: dt.date
    combined_amount: Decimal
    crossed: tuple[Threshold, ...]  # thresholds the combined amount reaches, lowest first
    crossed_alone: tuple[Threshold, ...]  # those the largest member reaches alone

    @property
    def coordinator(self) -> Member:
        return self.members[0]

    @property
    def contracts(self) -> list[JointContract]:
        return [c for m in self.members for c in m.contracts]

    @property
    def new_thresholds(self) -> list[Threshold]:
        """Thresholds crossed only because the members buy together."""
        alone = {t.key for t in self.crossed_alone}
        return [t for t in self.crossed if t.key not in alone]

    @property
    def consequence(self) -> str:
        new = self.new_thresholds
        if new:
            highest = new[-1]
            return (
                f"Ensemble, le montant cumulé dépasse le seuil « {highest.label} » : {highest.consequence}."
            )
        if self.crossed:
            return f"Même procédure que le plus gros membre seul : {self.crossed[-1].consequence}."
        return "Le montant cumulé reste sous le seuil de dispense de publicité."


def normalize_label(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def cpv_group(code: str | None, digits: int) -> str | None:
    digits_only = "".join(c for c in (code or "") if c.isdigit())
    return digits_only[:digits] if len(digits_only) >= digits else None


def joint_purchasing_proposals(
    contracts: Iterable[JointContract],
    thresholds_on: Callable[[dt.date], Sequence[Threshold]],
    *,
    window_months: int = 12,
    cpv_digits: int = 3,
) -> list[JointProposal]:
    """Proposals by family label first, then by CPV group for the contracts left over."""
    contracts = [c for c in contracts if c.end_date is not None]
    used: set[Hashable] = set()
    proposals: list[JointProposal] = []
    for basis in ("family", "cpv"):
        buckets: dict[str, list[JointContract]] = {}
        for contract in contracts:
            if contract.id in used:
                continue
            if basis == "family":
                value = normalize_label(contract.family_label) if contract.family_label else None
            else:
                value = cpv_group(contract.cpv_code, cpv_digits)
            if value:
                buckets.setdefault(value, []).append(contract)
        for value in sorted(buckets):
            for cluster in _clusters(buckets[value], window_months):
                proposal = _proposal(basis, value, cluster, thresholds_on)
                if proposal is not None:
                    proposals.append(proposal)
                    used.update(c.id for c in cluster)
    proposals.sort(key=lambda p: (p.first_end, p.label))
    return proposals


def _clusters(items: list[JointContract], window_months: int) -> list[list[JointContract]]:
    """Greedy from the earliest end: every contract ending within the window joins; a cluster is
    kept only if it spans at least two organisations."""
    items = sorted(items, key=lambda c: (c.end_date, str(c.organisation), c.reference))
    out: list[list[JointContract]] = []
    i = 0
    while i < len(items):
        limit = add_months(items[i].end_date, window_months)
        j = i
        while j < len(items) and items[j].end_date <= limit:
            j += 1
        cluster = items[i:j]
        if len({c.organisation for c in cluster}) >= 2:
            out.append(cluster)
            i = j
        else:
            i += 1
    return out


def _proposal(
    basis: str,
    value: str,
    cluster: list[JointContract],
    thresholds_on: Callable[[dt.date], Sequence[Threshold]],
) -> JointProposal | None:
    by_org: dict[Hashable, list[JointContract]] = {}
    for contract in cluster:
        by_org.setdefault(contract.organisation, []).append(contract)
    if len(by_org) < 2:
        return None
    members = sorted(
        (
            Member(
                organisation=org,
                name=items[0].organisation_name,
                volume=sum((c.amount for c in items), Decimal(0)),
                contracts=tuple(items),
            )
            for org, items in by_org.items()
        ),
        key=lambda m: (-m.volume, m.name),
    )
    combined = sum((m.volume for m in members), Decimal(0))
    first_end = min(c.end_date for c in cluster)
    works = sum(c.works for c in cluster) * 2 > len(cluster)
    nature = "works" if works else "supplies_services"
    applicable = sorted(
        (t for t in thresholds_on(first_end) if t.applies_to in ("all", nature)), key=lambda t: t.amount
    )
    label = (cluster[0].family_label or value) if basis == "family" else f"CPV {value}…"
    return JointProposal(
        basis=basis,
        basis_value=value,
        label=label,
        members=tuple(members),
        first_end=first_end,
        last_end=max(c.end_date for c in cluster),
        combined_amount=combined,
        crossed=tuple(t for t in applicable if combined >= t.amount),
        crossed_alone=tuple(t for t in applicable if members[0].volume >= t.amount),
    )
